-- First payments made per month in [$1, $2) by their payment date: count and amount actually paid, by
-- who paid (the merchant directly, or the guarantee deposit).
SELECT date_trunc('month', paid_on)::date AS month, state, count(*) AS payments,
       coalesce(sum(paid_fen), 0)::bigint AS paid_fen
FROM first_payments
WHERE paid_on >= $1 AND paid_on < $2
  AND paid_fen IS NOT NULL
  AND state IN ('paid_by_merchant', 'paid_from_deposit')
GROUP BY 1, 2

-- Merchants with a first-payment commitment in force on $2 and a clean record in the publication of $1: no
-- complaint of the period open past its handling deadline or closed after it (none at all counts as clean).
-- Verified businesses, not withheld; at most $3, by name.
SELECT m.id AS merchant_id, m.name, m.subdistrict, coalesce(f.complaints, 0) AS complaints
FROM merchants m
LEFT JOIN public_merchant_figures f ON f.period_end = $1 AND f.merchant_id = m.id
WHERE m.verified AND m.merged_into IS NULL
  AND EXISTS (SELECT 1 FROM commitments k WHERE k.merchant_id = m.id AND k.active_from <= $2
              AND (k.active_until IS NULL OR k.active_until >= $2))
  AND coalesce(f.late, 0) = 0
  AND NOT EXISTS (SELECT 1 FROM public_merchant_withholdings w WHERE w.merchant_id = m.id)
ORDER BY m.name, m.id
LIMIT $3

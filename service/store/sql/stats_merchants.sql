-- The $3 merchants with most complaints received in one local month [$1, $2) — by registry merchant when
-- linked, else by USCC, else by name — with the replies their first-payment notices were due and those
-- answered on time. Only the business's name and USCC are read.
WITH ranked AS (
    SELECT coalesce('m' || c.merchant_id::text, 'u' || c.merchant_uscc, 'n' || merchant_key(c.merchant_name)) AS key,
           min(c.merchant_id) AS merchant_id,
           min(c.merchant_name) AS merchant_name,
           min(c.merchant_uscc) AS merchant_uscc,
           count(*) AS complaints,
           count(fp.case_id) FILTER (
               WHERE fp.state IN ('paid_by_merchant', 'refused', 'deadline_missed', 'paid_from_deposit')
           ) AS replies_due,
           count(fp.case_id) FILTER (
               WHERE fp.reply_overdue_at IS NULL
                 AND (fp.state IN ('refused', 'paid_from_deposit')
                      OR (fp.state = 'paid_by_merchant' AND fp.paid_on <= fp.reply_due))
           ) AS replies_on_time
    FROM cases c
    LEFT JOIN first_payments fp ON fp.case_id = c.id
    WHERE c.received_on >= $1::date
      AND c.received_on < $2::date
      AND c.outcome IS DISTINCT FROM 'spam'  -- fake complaints cannot push a merchant up the table
    GROUP BY 1
    ORDER BY count(*) DESC, 1
    LIMIT $3
)
SELECT r.key, coalesce(m.name, r.merchant_name) AS name, coalesce(m.uscc, r.merchant_uscc) AS uscc,
       r.complaints, r.replies_due, r.replies_on_time
FROM ranked r
LEFT JOIN merchants m ON m.id = r.merchant_id
ORDER BY r.complaints DESC, coalesce(m.name, r.merchant_name), r.key

-- Other open cases of the same consumer (by phone) against the same merchant (by USCC, else by name).
SELECT c.tracking_no FROM cases c JOIN case_consumers con ON con.case_id = c.id
WHERE con.phone = $2 AND c.id <> $1
  AND c.status NOT IN ('rejected', 'closed')
  AND (($3::text IS NOT NULL AND c.merchant_uscc = $3) OR c.merchant_name = $4)
ORDER BY c.id

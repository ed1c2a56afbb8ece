-- The complaints a merchant link may see: against this merchant (or paid for by it), awaiting its answer.
SELECT c.id, c.tracking_no, c.status, c.received_on, c.category, c.requests, c.claim_amount_fen,
       c.amount_paid_fen, c.purchase_date, c.description, c.merchant_name, con.name AS consumer_name,
       con.phone AS consumer_phone, f.state AS fp_state, f.reply_due, f.amount_fen AS fp_amount_fen,
       f.payer_id
FROM cases c
JOIN case_consumers con ON con.case_id = c.id
LEFT JOIN first_payments f ON f.case_id = c.id
WHERE (c.merchant_id = $1 OR f.payer_id = $1)
  AND ($2::bigint IS NULL OR c.id = $2)
  AND c.status NOT IN ('closed', 'rejected')
ORDER BY f.reply_due NULLS LAST, c.id

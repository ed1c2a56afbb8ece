-- A re-linked case still under first payment: the flow moves to the new payer while nothing was paid.
UPDATE first_payments SET payer_id = $2, reply_due = $3, updated_at = $4
WHERE case_id = $1 AND state = 'notified'
RETURNING case_id

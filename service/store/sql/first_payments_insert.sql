INSERT INTO first_payments (case_id, payer_id, amount_fen, reply_due) VALUES ($1, $2, $3, $4)
ON CONFLICT (case_id) DO NOTHING
RETURNING case_id

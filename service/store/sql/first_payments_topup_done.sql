UPDATE first_payments SET topup_done_at = $2, updated_at = now()
WHERE payer_id = $1 AND state = 'paid_from_deposit' AND topup_done_at IS NULL
RETURNING case_id

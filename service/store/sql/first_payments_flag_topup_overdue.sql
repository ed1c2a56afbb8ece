UPDATE first_payments SET topup_overdue_at = $2, updated_at = now()
WHERE state = 'paid_from_deposit' AND topup_done_at IS NULL AND topup_due < $1 AND topup_overdue_at IS NULL
RETURNING case_id, payer_id, topup_due

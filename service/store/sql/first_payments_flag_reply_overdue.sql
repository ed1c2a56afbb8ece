-- The merchant did not answer by its deadline (it is "wilfully delaying"): flag once.
UPDATE first_payments SET reply_overdue_at = $2, state = 'deadline_missed', updated_at = now()
WHERE state = 'notified' AND reply_due < $1 AND reply_overdue_at IS NULL
RETURNING case_id, payer_id, reply_due

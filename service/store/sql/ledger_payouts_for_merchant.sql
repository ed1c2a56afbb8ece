-- The cases a merchant's deposit paid consumers for, newest first, with where recourse stands.
SELECT f.case_id, c.tracking_no, f.paid_fen, f.paid_on, f.topup_due, f.topup_done_at, f.topup_overdue_at
FROM first_payments f
JOIN cases c ON c.id = f.case_id
WHERE f.payer_id = $1 AND f.payout_transaction_id IS NOT NULL
ORDER BY f.paid_on DESC NULLS LAST, f.case_id DESC
LIMIT $2

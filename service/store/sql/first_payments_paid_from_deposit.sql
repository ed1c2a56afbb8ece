UPDATE first_payments SET state = 'paid_from_deposit', payout_transaction_id = $2, paid_fen = $3, paid_on = $4,
       recourse_opened_at = $5, topup_due = $6, updated_at = now()
WHERE case_id = $1

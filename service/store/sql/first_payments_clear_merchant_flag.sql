-- Cleared once no payout of this merchant's deposit still waits for its top-up.
UPDATE merchants SET topup_overdue_since = NULL
WHERE id = $1 AND NOT EXISTS (
    SELECT 1 FROM first_payments WHERE payer_id = $1 AND state = 'paid_from_deposit' AND topup_done_at IS NULL
      AND topup_overdue_at IS NOT NULL)

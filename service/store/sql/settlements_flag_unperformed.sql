-- Settlements whose performance deadline passed with nothing recorded: not performed (once each).
UPDATE settlements SET performance = 'not_performed', performance_at = $2, performance_by = 'system'
WHERE performance = 'pending' AND superseded_at IS NULL AND perform_by < $1
  AND consumer_confirmed_at IS NOT NULL AND merchant_confirmed_at IS NOT NULL
RETURNING id, case_id, perform_by

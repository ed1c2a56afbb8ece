-- Settlements whose performance deadline passed with nothing recorded: not performed (once each).
UPDATE settlements SET performance = 'not_performed', performance_at = $2, performance_by = 'system'
WHERE performance = 'pending' AND superseded_at IS NULL AND perform_by < $1
RETURNING id, case_id, perform_by

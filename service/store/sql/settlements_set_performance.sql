-- Performed or not performed; a settlement flagged as not performed may still be performed late.
UPDATE settlements SET performance = $2, performance_at = $3, performance_note = $4, performance_by = $5
WHERE case_id = $1 AND superseded_at IS NULL
  AND consumer_confirmed_at IS NOT NULL AND merchant_confirmed_at IS NOT NULL
  AND (performance = 'pending' OR (performance = 'not_performed' AND $2::text = 'performed'))
RETURNING id, perform_by

-- The case ends: an offer still open can no longer be answered.
UPDATE offers SET status = 'withdrawn', answered_at = $2 WHERE case_id = $1 AND status = 'open' RETURNING id

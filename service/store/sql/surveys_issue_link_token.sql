-- Give the survey opened at $3 (by the closing being notified) its link token; none when it was opened
-- earlier or is answered.
UPDATE surveys SET token_hash = $2
WHERE case_id = $1 AND created_at = $3 AND answered_at IS NULL
RETURNING case_id

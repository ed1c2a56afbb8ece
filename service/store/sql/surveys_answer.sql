UPDATE surveys
SET answered_at = $2, timeliness = $3, fairness = $4, attitude = $5, outcome = $6, overall = $7,
    score = $8, comment = $9, weights_version = $10
WHERE case_id = $1 AND answered_at IS NULL
RETURNING case_id

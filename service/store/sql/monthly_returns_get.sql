SELECT month, version, definitions, figures, content_hash, created_at, created_by, restatement_of, changes, reason
FROM monthly_returns
WHERE month = $1 AND version = $2

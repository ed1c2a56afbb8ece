INSERT INTO monthly_returns (month, version, definitions, figures, content_hash, created_at, created_by,
                             restatement_of, changes, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING month, version, definitions, figures, content_hash, created_at, created_by, restatement_of, changes, reason

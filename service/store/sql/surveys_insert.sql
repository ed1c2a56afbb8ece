INSERT INTO surveys (case_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (case_id) DO NOTHING
RETURNING case_id

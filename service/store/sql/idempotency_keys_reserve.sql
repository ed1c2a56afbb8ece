-- Claim a key; a concurrent request with the same key waits here until the first one commits.
INSERT INTO idempotency_keys (scope, key, body_hash, status_code, response) VALUES ($1, $2, $3, 0, 'null')
ON CONFLICT (scope, key) DO NOTHING
RETURNING key

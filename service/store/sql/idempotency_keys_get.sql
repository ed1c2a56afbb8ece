SELECT body_hash, status_code, response, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2

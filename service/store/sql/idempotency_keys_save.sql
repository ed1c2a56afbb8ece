UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2

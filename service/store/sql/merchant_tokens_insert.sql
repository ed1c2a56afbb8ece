INSERT INTO merchant_tokens (token_hash, merchant_id, case_id, expires_at) VALUES ($1, $2, $3, $4)

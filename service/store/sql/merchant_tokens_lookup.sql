SELECT t.merchant_id, t.case_id, t.expires_at, m.name AS merchant_name
FROM merchant_tokens t JOIN merchants m ON m.id = t.merchant_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2

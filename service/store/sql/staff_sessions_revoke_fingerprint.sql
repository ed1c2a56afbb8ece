UPDATE staff_sessions SET revoked_at = now()
WHERE user_id = $1 AND encode(substring(token_hash FROM 1 FOR 6), 'hex') = $2 AND revoked_at IS NULL

INSERT INTO staff_sessions (token_hash, user_id, kind, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)

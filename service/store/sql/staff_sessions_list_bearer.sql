-- Live API tokens (never their values): who holds each, since when, last use, expiry.
SELECT encode(substring(s.token_hash FROM 1 FOR 6), 'hex') AS fingerprint, s.user_id, u.username,
       u.display_name, s.created_at, s.last_seen_at, s.expires_at
FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
WHERE s.kind = 'bearer' AND s.revoked_at IS NULL AND s.expires_at > $1
ORDER BY s.created_at DESC
LIMIT $2

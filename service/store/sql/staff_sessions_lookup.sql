SELECT s.user_id, s.kind, s.last_seen_at, s.expires_at, u.username, u.display_name, u.roles
FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.kind = $2 AND s.revoked_at IS NULL AND s.expires_at > $3 AND NOT u.disabled

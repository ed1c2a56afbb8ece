-- An account's open sessions and tokens (never their values): a fingerprint tells them apart.
SELECT encode(substring(token_hash FROM 1 FOR 6), 'hex') AS fingerprint, kind, created_at, last_seen_at,
       expires_at
FROM staff_sessions
WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
ORDER BY created_at DESC

UPDATE notifications
SET status = 'sent', sent_at = $2, attempts = attempts + 1, last_error = NULL, body = $3, sent_body_sha256 = $4,
    reference = $5
WHERE id = $1 AND status = 'pending'

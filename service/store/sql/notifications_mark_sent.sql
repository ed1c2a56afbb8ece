UPDATE notifications SET status = 'sent', sent_at = $2, attempts = attempts + 1, last_error = NULL
WHERE id = $1 AND status = 'pending'

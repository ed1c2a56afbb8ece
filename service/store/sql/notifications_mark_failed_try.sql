-- A failed try: count it, keep the error, and either wait ($3) or give up ($4 = 'failed').
UPDATE notifications SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, status = $4
WHERE id = $1 AND status = 'pending'

UPDATE outbox SET done_at = now(), last_error = NULL WHERE job_key = $1 AND done_at IS NULL

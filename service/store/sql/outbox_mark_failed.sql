UPDATE outbox SET last_error = $2 WHERE job_key = $1

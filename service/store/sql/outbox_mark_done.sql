UPDATE outbox SET done_at = now(), last_error = NULL WHERE job_key = any($1::text[]) AND done_at IS NULL

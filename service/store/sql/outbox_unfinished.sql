-- Of these job keys, those whose outbox row is not done yet (a batch job's retry runs only them).
SELECT job_key FROM outbox WHERE job_key = any($1::text[]) AND done_at IS NULL

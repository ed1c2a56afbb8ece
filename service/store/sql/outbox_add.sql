INSERT INTO outbox (job, job_key, args, request_id) VALUES ($1, $2, $3, $4)
ON CONFLICT (job_key) DO NOTHING
RETURNING id

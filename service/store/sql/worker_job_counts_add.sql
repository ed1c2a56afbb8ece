-- Add a worker's counts since its last flush: $1 jobs, $2 outcomes, $3 counts (parallel arrays).
INSERT INTO worker_job_counts (job, outcome, n)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
ON CONFLICT (job, outcome) DO UPDATE SET n = worker_job_counts.n + excluded.n

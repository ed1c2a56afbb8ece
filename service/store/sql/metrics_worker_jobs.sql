SELECT job, outcome, n FROM worker_job_counts ORDER BY job, outcome

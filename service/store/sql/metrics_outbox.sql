-- The outbox backlog: unfinished jobs, and how long the oldest has waited (seconds; 0 when none).
SELECT count(*) AS backlog,
       coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age_s
FROM outbox WHERE done_at IS NULL

-- Workers seen in the last $1 seconds, and the latest sign of life of any (NULL when none ever ran).
SELECT count(*) FILTER (WHERE seen_at > now() - make_interval(secs => $1)) AS alive,
       extract(epoch FROM max(seen_at))::float8 AS last_seen
FROM worker_heartbeats

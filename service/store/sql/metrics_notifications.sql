-- Notices not sent, by channel and status ('pending' or 'failed'), and how long the most overdue
-- pending one has been due (seconds; 0 when none is due).
SELECT channel, status, count(*) AS n,
       coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now())), 0)::float8
           AS oldest_due_s
FROM notifications WHERE status IN ('pending', 'failed')
GROUP BY channel, status

-- Unfinished rows never enqueued, or enqueued long ago and still not done (Redis may have lost them).
SELECT id, job, job_key, args, request_id FROM outbox
WHERE done_at IS NULL AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $1))
ORDER BY id
LIMIT $2
FOR UPDATE SKIP LOCKED

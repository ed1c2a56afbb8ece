-- Unfinished rows never enqueued, or enqueued long ago and still not done (Redis may have lost them).
-- Keyset-paged by id ($3: the last id already seen), so one pass visits each row once even when the
-- staleness is zero (a sweep after Redis lost its data).
SELECT id, job, job_key, args, request_id FROM outbox
WHERE done_at IS NULL AND id > $3 AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $1))
ORDER BY id
LIMIT $2
FOR UPDATE SKIP LOCKED

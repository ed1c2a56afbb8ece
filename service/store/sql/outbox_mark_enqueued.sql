UPDATE outbox SET enqueued_at = now(), attempts = attempts + 1 WHERE id = any($1::bigint[])

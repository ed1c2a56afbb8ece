-- The active queues a user works in.
SELECT q.code FROM queue_members m JOIN queues q ON q.code = m.queue
WHERE m.user_id = $1 AND q.active
ORDER BY q.sort, q.code

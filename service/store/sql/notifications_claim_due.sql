-- The next pending notice due at $1, locked for the caller's transaction; others skip it meanwhile.
SELECT id, case_id, recipient, channel, address, template, subject, body, attempts
FROM notifications
WHERE status = 'pending' AND next_attempt_at <= $1
ORDER BY next_attempt_at, id
LIMIT 1
FOR UPDATE SKIP LOCKED

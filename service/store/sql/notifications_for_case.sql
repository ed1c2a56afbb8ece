SELECT id, recipient, channel, address, template, subject, body, status, attempts, next_attempt_at,
       last_error, created_at, sent_at
FROM notifications
WHERE case_id = $1
ORDER BY id

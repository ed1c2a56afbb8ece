-- Notices that gave up, newest first: for staff to follow up by other means.
SELECT n.id, n.case_id, c.tracking_no, n.recipient, n.channel, n.template, n.subject, n.attempts,
       n.last_error, n.created_at
FROM notifications n
LEFT JOIN cases c ON c.id = n.case_id
WHERE n.status = 'failed'
ORDER BY n.id DESC
LIMIT $1

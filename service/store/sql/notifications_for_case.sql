SELECT n.id, n.recipient, n.channel, nc.label AS channel_label, n.address, n.template, n.subject, n.body,
       n.status, n.attempts, n.next_attempt_at, n.last_error, n.created_at, n.sent_at,
       n.delivery, n.delivery_at
FROM notifications n
JOIN notification_channels nc ON nc.name = n.channel
WHERE n.case_id = $1
ORDER BY n.id

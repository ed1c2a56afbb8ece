-- When the merchant was first told of the case: a notice sent to one of its contacts (a channel with a
-- contact field; the log channel reaches nobody).
SELECT min(n.sent_at) FROM notifications n
JOIN notification_channels nc ON nc.name = n.channel
WHERE n.case_id = $1 AND n.recipient LIKE 'merchant:%' AND n.status = 'sent' AND nc.contact_field IS NOT NULL

-- When the merchant was first told of the case: a notice e-mailed to it (the log channel reaches nobody).
SELECT min(sent_at) FROM notifications
WHERE case_id = $1 AND recipient LIKE 'merchant:%' AND status = 'sent' AND channel = 'email'

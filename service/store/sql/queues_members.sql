SELECT m.queue, u.id AS user_id, u.display_name, u.disabled
FROM queue_members m
JOIN staff_users u ON u.id = m.user_id
ORDER BY m.queue, u.display_name, u.id

-- Every active mediator with their open cases ($1: statuses that no longer count), own limit and teams.
SELECT u.id AS user_id, u.display_name, u.disabled, l.max_open,
       (SELECT count(*) FROM cases c WHERE c.assigned_to = u.id AND c.status <> ALL ($1::text[])) AS open_count,
       coalesce((SELECT array_agg(m.queue ORDER BY m.queue) FROM queue_members m WHERE m.user_id = u.id),
                '{}') AS queues
FROM staff_users u
LEFT JOIN mediator_limits l ON l.user_id = u.id
WHERE 'mediator' = any(u.roles) AND NOT u.disabled
ORDER BY u.display_name, u.id

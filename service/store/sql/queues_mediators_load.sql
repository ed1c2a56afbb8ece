-- Every active mediator with their open cases, own limit and teams. The open cases are counted as in
-- queues_open_count.sql (FINISHED_STATUSES written out, for cases_open_assignment_idx): each mediator's
-- count reads their open assignments only, never the closed cases they once held.
SELECT u.id AS user_id, u.display_name, u.disabled, l.max_open,
       (SELECT count(*) FROM cases c
        WHERE c.assigned_to = u.id AND c.status <> ALL ('{closed,rejected}'::text[])) AS open_count,
       coalesce((SELECT array_agg(m.queue ORDER BY m.queue) FROM queue_members m WHERE m.user_id = u.id),
                '{}') AS queues
FROM staff_users u
LEFT JOIN mediator_limits l ON l.user_id = u.id
WHERE 'mediator' = any(u.roles) AND NOT u.disabled
ORDER BY u.display_name, u.id

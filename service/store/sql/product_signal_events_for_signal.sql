-- A signal's history in order, with the staff member's display name where a person acted.
SELECT e.id, e.kind, e.actor, e.at, e.payload, u.display_name AS actor_name
FROM product_signal_events e
LEFT JOIN staff_users u ON e.actor = 'staff:' || u.id
WHERE e.signal_id = $1
ORDER BY e.id

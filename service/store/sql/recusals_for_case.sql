SELECT r.id, r.case_id, r.party, r.reason, r.requested_at, r.requested_by, r.decided_at, r.decision, r.decided_by,
       r.new_mediator, r.previous_mediator, r.decision_note,
       d.display_name AS decided_by_name, n.display_name AS new_mediator_name, p.display_name AS previous_mediator_name
FROM recusals r
LEFT JOIN staff_users d ON d.id = r.decided_by
LEFT JOIN staff_users n ON n.id = r.new_mediator
LEFT JOIN staff_users p ON p.id = r.previous_mediator
WHERE r.case_id = $1
ORDER BY r.id

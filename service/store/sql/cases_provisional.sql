SELECT id, status, received_on, accepted_on, rule_set_id, acceptance_due, acceptance_due_provisional,
       mediation_due, mediation_due_provisional
FROM cases WHERE acceptance_due_provisional OR mediation_due_provisional
ORDER BY id
FOR UPDATE

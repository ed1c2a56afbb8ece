INSERT INTO case_events (case_id, kind, actor, at, payload, rule_set_id, request_id)
VALUES ($1, $2, $3, $4, $5, (SELECT rule_set_id FROM cases WHERE id = $1), $6)
RETURNING id

UPDATE recusals SET decided_at = $2, decision = $3, decided_by = $4, new_mediator = $5, decision_note = $6
WHERE id = $1 AND decided_at IS NULL
RETURNING id

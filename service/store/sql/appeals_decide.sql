UPDATE appeals SET decided_at = $2, decision = $3, decision_reason = $4, decided_by = $5
WHERE id = $1 AND decided_at IS NULL
RETURNING id

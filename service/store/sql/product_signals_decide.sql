UPDATE product_signals SET decided_at = $2, decision = $3, decision_note = $4, decided_by = $5
WHERE id = $1 AND decided_at IS NULL
RETURNING id

UPDATE offers SET status = $2, answered_at = $3, answered_via = $4, answered_by = $5, answer_note = $6
WHERE id = $1 AND status = 'open'
RETURNING id

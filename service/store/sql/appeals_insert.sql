INSERT INTO appeals (case_id, kind, reason, requested_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (case_id) WHERE decided_at IS NULL DO NOTHING
RETURNING id

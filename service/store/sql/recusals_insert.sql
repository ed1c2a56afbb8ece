INSERT INTO recusals (case_id, party, reason, requested_at, requested_by, previous_mediator)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id

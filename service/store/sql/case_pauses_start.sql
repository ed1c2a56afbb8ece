INSERT INTO case_pauses (case_id, reason, note, started_on, expected_end, started_by) VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id

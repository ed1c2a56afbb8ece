INSERT INTO terminations (case_id, reason, note, terminated_on, notice_due, by_user) VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id

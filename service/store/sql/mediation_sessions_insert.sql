INSERT INTO mediation_sessions (case_id, mode, at, place, attendees, note, by_user) VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id

INSERT INTO mediation_contacts (case_id, party, method, at, note, by_user) VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id

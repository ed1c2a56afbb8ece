INSERT INTO settlements (case_id, offer_id, terms, remedy, amount_fen, perform_by, created_at, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id

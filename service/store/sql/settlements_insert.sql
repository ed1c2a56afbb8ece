-- A draft 调解书 from an accepted offer; the mediator reviews and issues it.
INSERT INTO settlements (case_id, offer_id, terms, remedy, amount_fen, perform_by, created_at, created_by, status)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft')
RETURNING id

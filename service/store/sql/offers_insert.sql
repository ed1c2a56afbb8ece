INSERT INTO offers (case_id, parent_id, from_party, remedy, amount_fen, answer_by, note, created_by, created_at,
                    perform_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING id

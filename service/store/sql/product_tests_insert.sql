INSERT INTO product_tests (case_id, lab, fee_fen, fee_advanced_by, consumer_guarantee_fen, started_on)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id

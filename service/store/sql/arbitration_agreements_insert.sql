INSERT INTO arbitration_agreements (merchant_id, case_id, kind, institution, signed_on, note)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id

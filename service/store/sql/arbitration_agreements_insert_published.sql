-- A clause the merchant publishes (in its terms of sale): not tied to any case.
INSERT INTO arbitration_agreements (merchant_id, kind, institution, signed_on, note)
VALUES ($1, 'published', $2, $3, $4)
RETURNING id, merchant_id, kind, institution, signed_on, note, created_at

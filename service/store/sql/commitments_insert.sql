INSERT INTO commitments (merchant_id, scope_requests, scope_categories, per_claim_cap_fen, active_from, active_until)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, merchant_id, scope_requests, scope_categories, per_claim_cap_fen, active_from, active_until,
          created_at

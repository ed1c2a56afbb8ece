SELECT id, merchant_id, scope_requests, scope_categories, per_claim_cap_fen, active_from, active_until,
       created_at
FROM commitments
WHERE merchant_id = $1
ORDER BY active_from DESC, id DESC

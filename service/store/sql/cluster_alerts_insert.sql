INSERT INTO cluster_alerts (merchant_id, category, window_start, window_end, case_ids, raised_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (merchant_id, category) WHERE decided_at IS NULL DO NOTHING
RETURNING id

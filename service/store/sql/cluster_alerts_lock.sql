SELECT id, merchant_id, category, case_ids, decided_at FROM cluster_alerts WHERE id = $1 FOR UPDATE

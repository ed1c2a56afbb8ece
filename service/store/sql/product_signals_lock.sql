SELECT id, product_key, case_ids, decided_at FROM product_signals WHERE id = $1 FOR UPDATE

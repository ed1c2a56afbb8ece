-- Later cases (and their merchants) join the open signal of their product.
UPDATE product_signals
SET case_ids = ARRAY(SELECT DISTINCT x FROM unnest(case_ids || $2::bigint[]) AS x ORDER BY x),
    merchant_keys = ARRAY(SELECT DISTINCT x FROM unnest(merchant_keys || $3::text[]) AS x ORDER BY x),
    window_end = $4
WHERE id = $1 AND decided_at IS NULL
RETURNING id, cardinality(case_ids) AS count

-- A new signal, with the brand and model as its first case wrote them. Nothing when the product already
-- has an open signal.
INSERT INTO product_signals (product_key, brand, model, category, window_start, window_end, case_ids,
                             merchant_keys, raised_at)
SELECT $1, c.product_brand, c.product_model, $2, $3, $4, $5, $6, $7
FROM cases c WHERE c.id = ($5::bigint[])[1]
ON CONFLICT (product_key) WHERE decided_at IS NULL DO NOTHING
RETURNING id

-- Accepted complaints naming one product (domain.product_risk.product_key), accepted within [$1, $2], for
-- the products with at least $3 of them across at least $4 merchants, each with the product's latest
-- signal (open or decided). A merchant is its registry entry: the one the case is linked to, else the one
-- with the credit code or the name the consumer wrote (merchant_key: NFKC, lower case, no spaces; a case
-- is linked when it is routed, which may come after its acceptance); for a shop not in the registry, that
-- code or name, so that complaints against unregistered shops count too. With $5 (a product key; NULL
-- for all), only that product: the check when a case is accepted. domain.product_risk applies the
-- thresholds again, case by case.
SELECT g.product_key, g.case_ids, g.merchant_keys, g.accepted_ons, g.categories,
       last.id AS last_signal_id, last.case_ids AS last_signal_case_ids,
       last.decided_at IS NULL AS last_signal_open
FROM (
    SELECT product_key,
           array_agg(id ORDER BY id) AS case_ids, array_agg(merchant_key ORDER BY id) AS merchant_keys,
           array_agg(accepted_on ORDER BY id) AS accepted_ons, array_agg(category ORDER BY id) AS categories
    FROM (
        SELECT c.id, c.product_key, c.accepted_on, c.category,
               coalesce('id:' || coalesce(c.merchant_id, by_uscc.id, by_name.id), 'uscc:' || c.merchant_uscc,
                        'name:' || merchant_key(c.merchant_name)) AS merchant_key
        FROM cases c
        LEFT JOIN merchants by_uscc ON by_uscc.uscc = c.merchant_uscc
        LEFT JOIN LATERAL (  -- merchants_name_address_key_idx
            SELECT m.id FROM merchants m WHERE merchant_key(m.name) = merchant_key(c.merchant_name)
            ORDER BY m.id LIMIT 1
        ) by_name ON true
        WHERE c.product_key IS NOT NULL AND ($5::text IS NULL OR c.product_key = $5)
          AND c.accepted_on BETWEEN $1 AND $2 AND c.status <> 'rejected'
          AND c.outcome IS DISTINCT FROM 'spam'
    ) named
    GROUP BY product_key
    HAVING count(*) >= $3 AND count(DISTINCT merchant_key) >= $4
) g
LEFT JOIN LATERAL (
    SELECT s.id, s.case_ids, s.decided_at FROM product_signals s
    WHERE s.product_key = g.product_key
    ORDER BY s.id DESC LIMIT 1
) last ON true
ORDER BY g.product_key

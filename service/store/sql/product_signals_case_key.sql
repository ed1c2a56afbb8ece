-- The product a case names (domain.product_risk.product_key), if any.
SELECT product_key FROM cases WHERE id = $1

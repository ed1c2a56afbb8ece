-- Commitments of a merchant and of the platform or market it sells through, with their holders.
SELECT c.*, m.name AS holder_name, m.kind AS holder_kind
FROM commitments c JOIN merchants m ON m.id = c.merchant_id
WHERE c.merchant_id = $1 OR c.merchant_id = (SELECT parent_id FROM merchants WHERE id = $1)
ORDER BY (c.merchant_id = $1) DESC, c.id

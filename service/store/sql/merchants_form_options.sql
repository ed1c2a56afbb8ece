-- The complaint form's default <datalist>: verified merchants with a first-payment commitment in force on
-- $1 (where finding the merchant decides the route), by name. Public business data only.
SELECT DISTINCT ON (m.name, m.id) m.id, m.name, m.address, m.subdistrict
FROM commitments c
JOIN merchants m ON m.id = c.merchant_id
WHERE m.verified AND m.merged_into IS NULL
  AND c.active_from <= $1 AND (c.active_until IS NULL OR c.active_until >= $1)
ORDER BY m.name, m.id
LIMIT $2

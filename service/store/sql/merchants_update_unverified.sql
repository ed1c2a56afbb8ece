-- Staff correct a merchant made from a complaint (only an unverified one: a registered merchant is
-- edited through the registry). Nothing when it is verified, merged or absent.
UPDATE merchants
SET name = $2, address = $3, subdistrict = $4, uscc = $5, contact_phone = $6, updated_at = $7
WHERE id = $1 AND NOT verified AND merged_into IS NULL
RETURNING id

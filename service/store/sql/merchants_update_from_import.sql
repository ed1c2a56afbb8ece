-- An import in update mode rewrites a registered merchant's registry fields, found by its USCC; it then
-- counts as checked. A merged-away record is never the target. Returns the id (none: not registered).
UPDATE merchants
SET name = $1, address = $3, subdistrict = $4, kind = $5, parent_id = $6, contact_name = $7,
    contact_phone = $8, contact_email = $9, ends_on = $10, verified = true, updated_at = $11
WHERE uscc = $2 AND merged_into IS NULL
RETURNING id

-- Set (or, with NULL, clear) a case's owner.
UPDATE cases
SET assigned_to = $2::bigint,
    assigned_at = CASE WHEN $2::bigint IS NULL THEN NULL ELSE $3::timestamptz END,
    updated_at = $3::timestamptz
WHERE id = $1

-- Mark an unverified duplicate as merged into another merchant; its USCC (typed by a consumer) is
-- released so the registry keeps one holder of a code. Nothing when it is verified or merged already.
UPDATE merchants SET merged_into = $2, merged_at = $3, uscc = NULL, updated_at = $3
WHERE id = $1 AND NOT verified AND merged_into IS NULL
RETURNING id

-- How many merchants the registry list's filters match (merchants_list.sql: $1 q, $2 kind, $3 unverified
-- only), counted no further than $4 rows: the page says "10,000+" instead of reading every merchant.
SELECT count(*)::int FROM (
    SELECT 1 FROM merchants m
    WHERE m.merged_into IS NULL
      AND ($1::text IS NULL OR strpos(lower(m.name), lower($1)) > 0 OR m.uscc = upper($1))
      AND ($2::text IS NULL OR m.kind = $2)
      AND (NOT $3::boolean OR NOT m.verified)
    LIMIT $4
) capped

-- How many cases the staff queue's filters match, counted no further than $1 rows: a page says "10,000+"
-- instead of reading every matching row. `/*filters*/` and $2… as in cases_list.sql ($2 unused there).
SELECT count(*) FROM (
    SELECT 1 FROM cases c
    WHERE /*filters*/
    LIMIT $1
) capped

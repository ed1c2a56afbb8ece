-- The latest version of each month's return, newest month first, with how many versions it has.
SELECT DISTINCT ON (month) month, version, definitions, content_hash, created_at, created_by, restatement_of,
       count(*) OVER (PARTITION BY month) AS versions
FROM monthly_returns
ORDER BY month DESC, version DESC
LIMIT $1

-- The summary figures of the latest version of each of the given months (the bases of MoM and YoY).
SELECT DISTINCT ON (month) month, version, figures -> 'summary' AS summary
FROM monthly_returns
WHERE month = any($1::date[])
ORDER BY month, version DESC

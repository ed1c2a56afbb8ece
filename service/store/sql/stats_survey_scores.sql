-- Satisfaction answers per local month in [$1, $2) by score (NULL: every question answered "don't know"),
-- as a histogram; free-text comments are never read here.
SELECT date_trunc('month', answered_at AT TIME ZONE 'Asia/Shanghai')::date AS month, score, count(*) AS answers
FROM surveys
WHERE answered_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND answered_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
GROUP BY 1, 2

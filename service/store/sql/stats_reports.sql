-- Reports split off for enforcement (诉转案 candidates) per local month in [$1, $2).
SELECT date_trunc('month', created_at AT TIME ZONE 'Asia/Shanghai')::date AS month, count(*) AS reports
FROM enforcement_referrals
WHERE created_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND created_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
GROUP BY 1

-- Complaints received per local (Asia/Shanghai) month in [$1, $2), month starts given as local dates;
-- the bounds become instants so that the received_at index is used.
SELECT date_trunc('month', received_at AT TIME ZONE 'Asia/Shanghai')::date AS month, count(*) AS received
FROM cases
WHERE received_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND received_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
GROUP BY 1

-- Complaints received per local (Asia/Shanghai) month in [$1, $2), month starts given as local dates, by
-- the day each was received (received_on: the day a letter arrived, not the day a clerk entered it).
SELECT date_trunc('month', received_on)::date AS month, count(*) AS received
FROM cases
WHERE received_on >= $1::date
  AND received_on < $2::date
  AND outcome IS DISTINCT FROM 'spam'  -- marked as fake or flooding: not a complaint to count
GROUP BY 1

-- Acceptance decisions per local month in [$1, $2): totals, on time (decided on or before the acceptance
-- deadline, local dates), and rejections by ground (the rows with by_ground = 0).
SELECT month, rejection_ground, grouping(rejection_ground) AS by_ground,
       count(*) AS decided,
       count(*) FILTER (WHERE on_time) AS on_time,
       count(*) FILTER (WHERE rejection_ground IS NULL AND accepted_on IS NOT NULL) AS accepted,
       count(*) FILTER (WHERE rejection_ground IS NOT NULL) AS rejected
FROM (
    SELECT date_trunc('month', decided_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
           rejection_ground,
           accepted_on,
           (decided_at AT TIME ZONE 'Asia/Shanghai')::date <= acceptance_due AS on_time
    FROM cases
    WHERE decided_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND decided_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND outcome IS DISTINCT FROM 'spam'
) AS d
GROUP BY GROUPING SETS ((month), (month, rejection_ground))

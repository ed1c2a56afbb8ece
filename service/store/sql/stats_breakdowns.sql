-- Complaints received in one local month [$1, $2) counted by each classification in one pass; code NULL is
-- "not given" (no sub-district, no route yet); dimension 'total' is the month's count.
SELECT CASE WHEN grouping(quality_domain) = 0 THEN 'quality_domain'
            WHEN grouping(category) = 0 THEN 'category'
            WHEN grouping(problem_type) = 0 THEN 'problem_type'
            WHEN grouping(subdistrict) = 0 THEN 'subdistrict'
            WHEN grouping(channel) = 0 THEN 'channel'
            WHEN grouping(route) = 0 THEN 'route'
            ELSE 'total' END AS dimension,
       coalesce(quality_domain, category, problem_type, subdistrict, channel, route) AS code,
       count(*) AS n
FROM cases
WHERE received_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND received_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
GROUP BY GROUPING SETS ((quality_domain), (category), (problem_type), (subdistrict), (channel), (route), ())

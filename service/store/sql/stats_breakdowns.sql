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
WHERE received_on >= $1::date
  AND received_on < $2::date
  AND outcome IS DISTINCT FROM 'spam'
GROUP BY GROUPING SETS ((quality_domain), (category), (problem_type), (subdistrict), (channel), (route), ())

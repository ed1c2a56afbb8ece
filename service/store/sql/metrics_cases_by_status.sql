SELECT status, count(*) AS n FROM cases GROUP BY status

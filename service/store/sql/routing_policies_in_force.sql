SELECT * FROM routing_policies ORDER BY effective_from <= $1 DESC, abs($1 - effective_from) LIMIT 1

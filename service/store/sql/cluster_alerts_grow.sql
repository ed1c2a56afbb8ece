-- Later cases join the open alert of their cluster.
UPDATE cluster_alerts
SET case_ids = ARRAY(SELECT DISTINCT x FROM unnest(case_ids || $2::bigint[]) AS x ORDER BY x), window_end = $3
WHERE id = $1 AND decided_at IS NULL
RETURNING id, cardinality(case_ids) AS count

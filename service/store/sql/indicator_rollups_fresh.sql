-- The rollups of months in [$1, $2) counted under definitions $3 that are still fresh: no change to their
-- month (logged by migration 0032's triggers) that their snapshot did not see, on this cluster.
SELECT r.month, r.counts
FROM indicator_rollups r
WHERE r.month >= $1::date
  AND r.month < $2::date
  AND r.definitions = $3
  AND r.cluster = (SELECT system_identifier FROM pg_control_system())
  AND NOT EXISTS (
      SELECT 1 FROM indicator_rollup_changes c
      WHERE c.month = r.month AND NOT pg_visible_in_snapshot(c.xid, r.source)
  )

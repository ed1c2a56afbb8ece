-- The day rollups of days in [$1, $2) counted under definitions $3 that are still fresh: no logged change
-- of their day (migration 0032) that their snapshot did not see, on this cluster.
SELECT r.day, r.counts
FROM indicator_day_rollups r
WHERE r.day >= $1::date
  AND r.day < $2::date
  AND r.definitions = $3
  AND r.cluster = (SELECT system_identifier FROM pg_control_system())
  AND NOT EXISTS (
      SELECT 1 FROM indicator_day_rollup_changes c
      WHERE c.day = r.day AND NOT pg_visible_in_snapshot(c.xid, r.source)
  )

-- In the statistics snapshot: the running local month by the server's clock (months before it may be read
-- from rollups) and the snapshot itself with its cluster, the watermark stored with the rollups counted in it.
SELECT date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')::date AS open_month,
       pg_current_snapshot()::text AS snapshot,
       (SELECT system_identifier FROM pg_control_system()) AS cluster

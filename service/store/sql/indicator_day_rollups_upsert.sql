-- Store day $1's counts ($3, definitions $2) read in snapshot $4 of cluster $5, on the rule of
-- indicator_rollups_upsert.sql (a stored rollup is replaced only by one whose snapshot sees all it saw).
INSERT INTO indicator_day_rollups AS r (day, definitions, counts, source, cluster, computed_at)
VALUES ($1, $2, $3, $4::text::pg_snapshot, $5, now())
ON CONFLICT (day) DO UPDATE
    SET definitions = excluded.definitions, counts = excluded.counts, source = excluded.source,
        cluster = excluded.cluster, computed_at = excluded.computed_at
    WHERE r.cluster <> excluded.cluster
       OR (pg_snapshot_xmax(r.source) <= pg_snapshot_xmax(excluded.source)
           AND NOT EXISTS (
               SELECT FROM pg_snapshot_xip(excluded.source) AS x WHERE pg_visible_in_snapshot(x, r.source)
           ))
RETURNING day

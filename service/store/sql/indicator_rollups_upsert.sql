-- Store month $1's counts ($3, definitions $2) read in snapshot $4 of cluster $5. An existing rollup is replaced only by
-- one whose snapshot sees every transaction the old one saw (no later end, and nothing the old one saw
-- still running in the new one), so the changes pruned for the old one stay seen. Returns the month
-- when stored; nothing when the stored rollup was kept.
INSERT INTO indicator_rollups AS r (month, definitions, counts, source, cluster, computed_at)
VALUES ($1, $2, $3, $4::text::pg_snapshot, $5, now())
ON CONFLICT (month) DO UPDATE
    SET definitions = excluded.definitions, counts = excluded.counts, source = excluded.source,
        cluster = excluded.cluster, computed_at = excluded.computed_at
    WHERE r.cluster <> excluded.cluster  -- restored from another server: its snapshot compares with nothing
       OR (pg_snapshot_xmax(r.source) <= pg_snapshot_xmax(excluded.source)
           AND NOT EXISTS (
               SELECT FROM pg_snapshot_xip(excluded.source) AS x WHERE pg_visible_in_snapshot(x, r.source)
           ))
RETURNING month

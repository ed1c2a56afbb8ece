-- Forget the changes of day $1 that snapshot $2 (just stored with its rollup) saw.
DELETE FROM indicator_day_rollup_changes
WHERE day = $1 AND pg_visible_in_snapshot(xid, $2::text::pg_snapshot)

-- Forget the changes of month $1 that snapshot $2 (just stored with its rollup) saw.
DELETE FROM indicator_rollup_changes
WHERE month = $1 AND pg_visible_in_snapshot(xid, $2::text::pg_snapshot)

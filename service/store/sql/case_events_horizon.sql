-- The snapshot's oldest running and next transaction ids, and the event id sequence's high-water mark.
SELECT pg_snapshot_xmin(s)::text::bigint AS xmin, pg_snapshot_xmax(s)::text::bigint AS xmax,
       coalesce(pg_sequence_last_value(pg_get_serial_sequence('case_events', 'id')), 0) AS seq
FROM pg_current_snapshot() AS s

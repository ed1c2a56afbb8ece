-- On the read server: whether it is a standby that has not yet replayed the primary's log up to $1.
SELECT pg_is_in_recovery() AND coalesce(pg_last_wal_replay_lsn() < $1::text::pg_lsn, true)

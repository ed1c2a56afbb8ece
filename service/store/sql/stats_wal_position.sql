-- On the primary: how far its write-ahead log has got (what a replica must have replayed to see it all).
SELECT pg_current_wal_lsn()::text

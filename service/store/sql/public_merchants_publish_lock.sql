-- One publication of a period at a time (concurrent first readers wait, then read the one made).
SELECT pg_advisory_xact_lock(hashtextextended('public_merchants:' || $1::date::text, 0))

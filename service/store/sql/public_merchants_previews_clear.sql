-- The previews emptied for a new count, one count at a time (two workers' hourly runs: the second waits
-- for the first's transaction, then replaces what it stored).
SELECT pg_advisory_xact_lock(hashtextextended('public_merchant_previews', 0));
DELETE FROM public_merchant_previews;

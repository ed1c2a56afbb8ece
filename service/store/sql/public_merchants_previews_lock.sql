-- One count of the previews at a time (two workers' hourly runs: the second waits, then replaces them).
SELECT pg_advisory_xact_lock(hashtextextended('public_merchant_previews', 0))

-- One product-signal sweep at a time (released at commit): "QDPr".
SELECT pg_advisory_xact_lock(1363431538)

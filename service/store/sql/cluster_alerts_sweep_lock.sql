-- One cluster sweep at a time (released at commit): "QDCl".
SELECT pg_advisory_xact_lock(1363428204)

-- Freezing or restating one month's file takes turns (a transaction-level advisory lock per month).
SELECT pg_advisory_xact_lock(hashtext('open_data_files'), $1::date - DATE '2000-01-01')

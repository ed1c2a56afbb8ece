-- Producing one month's return takes turns (a transaction-level advisory lock per month).
SELECT pg_advisory_xact_lock(hashtext('monthly_returns'), $1::date - DATE '2000-01-01')

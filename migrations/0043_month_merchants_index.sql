-- Issue 17: the monthly return's merchants table (stats_merchants.sql) read as the month's alone. Its
-- cases — each with its id, outcome and the merchant it names — are one index-only range of this index
-- (cases_received_on_stats_idx holds only the outcome, so every one of the month's rows was fetched from
-- the table), and each day's lowest and highest case id is one probe of it, which bounds the first
-- payments joined to the month's. Built inside the migration's transaction; on a large database build
-- it first by hand, `CREATE INDEX CONCURRENTLY <same name> …`: IF NOT EXISTS then skips it here.
CREATE INDEX IF NOT EXISTS cases_received_merchant_idx ON cases (received_on, id)
    INCLUDE (outcome, merchant_id, merchant_uscc, merchant_name);

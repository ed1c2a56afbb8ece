-- A merchant's ledger page reads its latest transactions: without this index that is a sequential scan
-- of every merchant's money movements (issue 17, measured at 2 M cases).
CREATE INDEX ledger_transactions_merchant_idx ON ledger_transactions (merchant_id, id DESC);

INSERT INTO ledger_accounts (kind, merchant_id) VALUES ($1, $2)
ON CONFLICT (kind, merchant_id) DO NOTHING

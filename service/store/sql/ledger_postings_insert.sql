INSERT INTO ledger_postings (transaction_id, account_id, amount_fen)
SELECT $1, id, $4 FROM ledger_accounts WHERE kind = $2 AND merchant_id = $3

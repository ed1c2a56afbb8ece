INSERT INTO ledger_transactions (kind, merchant_id, case_id, memo, actor) VALUES ($1, $2, $3, $4, $5) RETURNING id

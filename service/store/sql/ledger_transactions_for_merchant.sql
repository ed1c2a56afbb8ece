SELECT t.id, t.kind, t.case_id, t.memo, t.actor, t.created_at,
       (SELECT sum(p.amount_fen) FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
        WHERE p.transaction_id = t.id AND a.kind = 'deposit')::bigint AS deposit_change
FROM ledger_transactions t WHERE t.merchant_id = $1 ORDER BY t.id DESC LIMIT $2

SELECT a.kind, coalesce(sum(p.amount_fen), 0)::bigint AS balance
FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
WHERE a.merchant_id = $1
GROUP BY a.kind

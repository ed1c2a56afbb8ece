-- One merchant with its parent's name and kind and its guarantee-deposit balance (0 without an account).
SELECT m.id, m.name, m.uscc, m.address, m.subdistrict, m.kind, m.parent_id, m.contact_name,
       m.contact_phone, m.contact_email, m.verified, m.ends_on, m.topup_overdue_since, m.created_at,
       m.updated_at, p.name AS parent_name, p.kind AS parent_kind, m.merged_into,
       (SELECT coalesce(sum(lp.amount_fen), 0)::bigint
        FROM ledger_accounts la JOIN ledger_postings lp ON lp.account_id = la.id
        WHERE la.kind = 'deposit' AND la.merchant_id = m.id) AS deposit_balance_fen
FROM merchants m
LEFT JOIN merchants p ON p.id = m.parent_id
WHERE m.id = $1

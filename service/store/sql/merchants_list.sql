-- The registry for staff: filters are optional ($n IS NULL means "any"); q matches a part of the name
-- (any case) or a whole USCC. The page's rows only, in merchants_name_idx's order; how many match is
-- merchants_count_capped.sql (same filters), which stops counting at its cap.
SELECT m.id, m.name, m.uscc, m.address, m.subdistrict, m.kind, m.parent_id, m.contact_name,
       m.contact_phone, m.contact_email, m.verified, m.ends_on, m.topup_overdue_since, m.created_at,
       m.updated_at, p.name AS parent_name, p.kind AS parent_kind,
       (SELECT coalesce(sum(lp.amount_fen), 0)::bigint
        FROM ledger_accounts la JOIN ledger_postings lp ON lp.account_id = la.id
        WHERE la.kind = 'deposit' AND la.merchant_id = m.id) AS deposit_balance_fen
FROM merchants m
LEFT JOIN merchants p ON p.id = m.parent_id
WHERE m.merged_into IS NULL
  AND ($1::text IS NULL OR strpos(lower(m.name), lower($1)) > 0 OR m.uscc = upper($1))
  AND ($2::text IS NULL OR m.kind = $2)
  AND (NOT $3::boolean OR NOT m.verified)
ORDER BY m.name, m.id
LIMIT $4 OFFSET $5

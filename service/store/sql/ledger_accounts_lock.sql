-- Serialises money movements of one merchant's deposit: two payouts for the last funds take turns.
SELECT id, kind FROM ledger_accounts WHERE merchant_id = $1 ORDER BY kind FOR UPDATE

-- What ties a merchant to money or decisions that a merge cannot simply move.
SELECT
    EXISTS (SELECT 1 FROM commitments WHERE merchant_id = $1) AS commitments,
    EXISTS (SELECT 1 FROM ledger_accounts WHERE merchant_id = $1) AS ledger,
    EXISTS (SELECT 1 FROM first_payments WHERE payer_id = $1) AS first_payments,
    EXISTS (SELECT 1 FROM cluster_alerts WHERE merchant_id = $1) AS cluster_alerts,
    EXISTS (SELECT 1 FROM merchants WHERE parent_id = $1) AS children

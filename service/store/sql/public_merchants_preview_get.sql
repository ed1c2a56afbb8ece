-- Merchant $1's preview for the period [$2, $3] as counted on day $4 (public_merchants_previews_refresh.sql).
-- No row: count it live.
SELECT complaints, by_problem, replies_due, replies_on_time, resolved, first_payments, late, counted_at
FROM public_merchant_previews
WHERE merchant_id = $1 AND period_start = $2 AND period_end = $3 AND counted_on = $4

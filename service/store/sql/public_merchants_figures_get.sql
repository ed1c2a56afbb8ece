-- One merchant's figures in the publication of the period ending $1, as published (no row: the merchant
-- had no accepted complaint in the period, or was not a verified business of the registry that day).
SELECT complaints, by_problem, replies_due, replies_on_time, resolved, first_payments, late
FROM public_merchant_figures
WHERE period_end = $1 AND merchant_id = $2

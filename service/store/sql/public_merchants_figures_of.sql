-- One merchant's figures for the period [$2, $1], counted now as the publication will count them
-- (public_merchant_counts, migration 0041; arguments as in public_merchants_figures_publish.sql), for its
-- own entry before publication: the cases of merchant $6, one index-only range of
-- cases_merchant_accepted_idx. No row: no accepted complaint in the period.
SELECT k.complaints, k.by_problem, k.replies_due, k.replies_on_time, k.resolved, k.first_payments, k.late
FROM public_merchant_counts($1::date, $2::date, $3::text[], $4::text[], $5::date) AS k
WHERE k.merchant_id = $6::bigint

-- The figures of the period [$2, $1] (local dates) for every merchant with an accepted complaint in it, as
-- public_merchant_counts (migration 0041) defines them: one index-only range of the period's acceptances
-- (cases_public_merchants_idx, migration 0036). Outcomes $3 are not counted; $4 are "resolved"; "late" is
-- judged as of $5 for deadlines within the period. A merchant's own preview selects the same function
-- (public_merchants_figures_of.sql). Only verified businesses of the registry (not merged into another)
-- are published: the publication is the registry as it stood that day.
INSERT INTO public_merchant_figures (period_end, merchant_id, complaints, by_problem, replies_due,
                                     replies_on_time, resolved, first_payments, late)
SELECT $1::date, k.merchant_id, k.complaints, k.by_problem, k.replies_due, k.replies_on_time, k.resolved,
       k.first_payments, k.late
FROM public_merchant_counts($1::date, $2::date, $3::text[], $4::text[], $5::date) AS k
WHERE EXISTS (SELECT 1 FROM merchants m WHERE m.id = k.merchant_id AND m.verified AND m.merged_into IS NULL)

-- The coming publication's figures of the period [$2, $1] (local dates), as public_merchant_counts
-- (migration 0041) counts them on day $5 (arguments as in public_merchants_figures_publish.sql), for every
-- merchant with at least $6 complaints in it, counted at $7: one range of cases_public_merchants_idx for
-- all (the caller has emptied the table in the same transaction). Unverified merchants too: a merchant's
-- own preview is shown whether or not it would be published.
INSERT INTO public_merchant_previews (merchant_id, period_start, period_end, counted_on, counted_at,
                                      complaints, by_problem, replies_due, replies_on_time, resolved,
                                      first_payments, late)
SELECT k.merchant_id, $2::date, $1::date, $5::date, $7::timestamptz, k.complaints, k.by_problem,
       k.replies_due, k.replies_on_time, k.resolved, k.first_payments, k.late
FROM public_merchant_counts($1::date, $2::date, $3::text[], $4::text[], $5::date) AS k
WHERE k.complaints >= $6::int

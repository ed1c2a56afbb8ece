-- The figures of the period [$2, $1] (local dates) for every merchant with an accepted complaint in it: one
-- index-only range of the period's acceptances (cases_public_merchants_idx, migration 0036), grouped by
-- merchant and problem type, then by merchant. Outcomes $3 are not counted; $4 are "resolved"; "late" is
-- judged as of $5 for deadlines within the period. The same counts for one merchant:
-- public_merchants_figures_of.sql (keep the two alike). Only verified businesses of the registry (not
-- merged into another) are published: the publication is the registry as it stood that day.
INSERT INTO public_merchant_figures (period_end, merchant_id, complaints, by_problem, replies_due,
                                     replies_on_time, resolved, first_payments, late)
SELECT $1::date, merchant_id, sum(n)::int, jsonb_object_agg(problem_type, n), sum(replies_due)::int,
       sum(replies_on_time)::int, sum(resolved)::int, sum(first_payments)::int, sum(late)::int
FROM (
    SELECT c.merchant_id, c.problem_type, count(*) AS n,
           count(*) FILTER (WHERE c.outcome = ANY ($4::text[])) AS resolved,
           -- still open (not paused for testing, not gone to arbitration) past its handling deadline,
           -- or closed after it
           count(*) FILTER (WHERE c.mediation_due <= $1::date AND c.mediation_due < $5::date AND (
               CASE WHEN c.status = 'closed' THEN (c.closed_at AT TIME ZONE 'Asia/Shanghai')::date > c.mediation_due
                    ELSE c.status <> 'arbitration' AND NOT c.paused END)) AS late,
           -- the monthly return's on-time reply (stats_merchants.sql): first-payment notices answered or
           -- past their reply date, and those answered (paid, or refused with reasons) by that date
           count(fp.case_id) FILTER (
               WHERE fp.state IN ('paid_by_merchant', 'refused', 'deadline_missed', 'paid_from_deposit')
           ) AS replies_due,
           count(fp.case_id) FILTER (
               WHERE fp.reply_overdue_at IS NULL
                 AND (fp.state IN ('refused', 'paid_from_deposit')
                      OR (fp.state = 'paid_by_merchant' AND fp.paid_on <= fp.reply_due))
           ) AS replies_on_time,
           count(fp.case_id) FILTER (WHERE fp.state IN ('paid_by_merchant', 'paid_from_deposit')) AS first_payments
    FROM cases c
    LEFT JOIN first_payments fp ON fp.case_id = c.id
    WHERE c.accepted_on >= $2::date AND c.accepted_on <= $1::date
      AND c.merchant_id IS NOT NULL
      AND (c.outcome IS NULL OR c.outcome <> ALL ($3::text[]))
    GROUP BY c.merchant_id, c.problem_type
) AS k
WHERE EXISTS (SELECT 1 FROM merchants m WHERE m.id = k.merchant_id AND m.verified AND m.merged_into IS NULL)
GROUP BY merchant_id

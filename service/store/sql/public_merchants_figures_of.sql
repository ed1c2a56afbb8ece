-- One merchant's figures for the period [$2, $1], as public_merchants_figures_publish.sql counts them (keep
-- the two alike), for its link before publication: the cases of merchant $6 (cases_cluster_idx).
SELECT coalesce(sum(n), 0)::int AS complaints,
       coalesce(jsonb_object_agg(problem_type, n) FILTER (WHERE problem_type IS NOT NULL), '{}') AS by_problem,
       coalesce(sum(replies_due), 0)::int AS replies_due, coalesce(sum(replies_on_time), 0)::int AS replies_on_time,
       coalesce(sum(resolved), 0)::int AS resolved, coalesce(sum(first_payments), 0)::int AS first_payments,
       coalesce(sum(late), 0)::int AS late
FROM (
    SELECT c.problem_type, count(*) AS n,
           count(*) FILTER (WHERE c.outcome = ANY ($4::text[])) AS resolved,
           count(*) FILTER (WHERE c.mediation_due <= $1::date AND c.mediation_due < $5::date AND (
               CASE WHEN c.status = 'closed' THEN (c.closed_at AT TIME ZONE 'Asia/Shanghai')::date > c.mediation_due
                    ELSE c.status <> 'arbitration' AND NOT c.paused END)) AS late,
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
    WHERE c.merchant_id = $6
      AND c.accepted_on >= $2::date AND c.accepted_on <= $1::date
      AND (c.outcome IS NULL OR c.outcome <> ALL ($3::text[]))
    GROUP BY c.problem_type
) AS k

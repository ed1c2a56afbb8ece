-- Cases closed per local month in [$1, $2) (status closed: a reopened case counts at its latest closing):
-- totals with on-time closures and relief beyond first payments (surveys: stats_surveys.sql); then
-- by outcome (by_outcome = 0) and by calendar days from receipt to closing (by_days = 0).
-- One index-only range of the month's closings (cases_closed_stats_idx, migration 0034); the amount paid
-- first is probed only for a case with relief (paid_fen > 0, relief_fen >= 0: without relief the extra is
-- 0 either way), instead of a hash join that read every paid first payment ever made.
SELECT month, outcome, days, grouping(outcome) AS by_outcome, grouping(days) AS by_days,
       count(*) AS closed,
       count(*) FILTER (WHERE on_time) AS on_time,
       coalesce(sum(relief_extra_fen), 0)::bigint AS relief_extra_fen
FROM (
    SELECT date_trunc('month', c.closed_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
           c.outcome,
           (c.closed_at AT TIME ZONE 'Asia/Shanghai')::date - c.received_on AS days,
           c.mediation_due IS NULL
               OR (c.closed_at AT TIME ZONE 'Asia/Shanghai')::date <= c.mediation_due AS on_time,
           CASE WHEN c.relief_fen > 0 THEN greatest(c.relief_fen - coalesce((
               SELECT fp.paid_fen FROM first_payments fp
               WHERE fp.case_id = c.id AND fp.state IN ('paid_by_merchant', 'paid_from_deposit')
           ), 0), 0) ELSE 0 END AS relief_extra_fen
    FROM cases c
    WHERE c.status = 'closed' AND c.outcome <> 'spam'
      AND c.closed_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND c.closed_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
) AS k
GROUP BY GROUPING SETS ((month), (month, outcome), (month, days))

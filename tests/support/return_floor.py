"""The floor a monthly return's headline totals cannot go under: one statement of plain aggregates over
the month's ranges and joins (tests/bench/test_statistics_bench.py measures the return against it, and
tests/bench/test_partitioning_bench.py both table layouts). $1, $2: the month's first day and the next's."""

BARE_SQL = """
WITH b AS (
    SELECT $1::date::timestamp AT TIME ZONE 'Asia/Shanghai' AS lo,
           $2::date::timestamp AT TIME ZONE 'Asia/Shanghai' AS hi
)
SELECT r.*, d.*, k.*, f.*, a.*, e.*, s.*
FROM b,
LATERAL (SELECT count(*) AS received FROM cases WHERE received_at >= b.lo AND received_at < b.hi) r,
LATERAL (
    SELECT count(*) AS decided,
           count(*) FILTER (WHERE (decided_at AT TIME ZONE 'Asia/Shanghai')::date <= acceptance_due)
               AS on_time,
           count(*) FILTER (WHERE rejection_ground IS NULL AND accepted_on IS NOT NULL) AS accepted,
           count(*) FILTER (WHERE rejection_ground IS NOT NULL) AS rejected
    FROM cases WHERE decided_at >= b.lo AND decided_at < b.hi
) d,
LATERAL (
    SELECT count(*) AS closed,
           count(*) FILTER (WHERE c.mediation_due IS NULL
                                   OR (c.closed_at AT TIME ZONE 'Asia/Shanghai')::date <= c.mediation_due)
               AS closed_on_time,
           sum(greatest(coalesce(c.relief_fen, 0) - coalesce(fp.paid_fen, 0), 0)) AS relief_extra_fen,
           count(s.case_id) AS surveys_sent, count(s.answered_at) AS surveys_responded
    FROM cases c
    LEFT JOIN first_payments fp ON fp.case_id = c.id AND fp.state IN ('paid_by_merchant', 'paid_from_deposit')
    LEFT JOIN surveys s ON s.case_id = c.id
    WHERE c.status = 'closed' AND c.closed_at >= b.lo AND c.closed_at < b.hi
) k,
LATERAL (
    SELECT count(*) AS first_payments, sum(paid_fen) AS first_paid_fen FROM first_payments
    WHERE paid_on >= $1 AND paid_on < $2 AND paid_fen IS NOT NULL
      AND state IN ('paid_by_merchant', 'paid_from_deposit')
) f,
LATERAL (
    SELECT count(*) FILTER (WHERE referred_on >= $1 AND referred_on < $2) AS referrals,
           count(*) FILTER (WHERE award_on >= $1 AND award_on < $2) AS awards
    FROM arbitration_referrals
    WHERE (referred_on >= $1 AND referred_on < $2) OR (award_on >= $1 AND award_on < $2)
) a,
LATERAL (
    SELECT count(*) AS reports FROM enforcement_referrals WHERE created_at >= b.lo AND created_at < b.hi
) e,
LATERAL (
    SELECT count(*) AS answers, avg(score) AS mean_score FROM surveys
    WHERE answered_at >= b.lo AND answered_at < b.hi
) s
"""

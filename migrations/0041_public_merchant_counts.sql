-- Issue 18 §1 and issue 17: the merchants' public figures defined once, and a merchant's own preview read
-- on an index of its own.
--
-- A first-payment notice's reply as the monthly return (stats_merchants.sql) and the merchants' public
-- figures (public_merchant_counts below) count it: due once the notice was answered or its reply date
-- passed, answered on time when paid or refused with reasons by that date (a deposit payout follows a
-- timely refusal), and a first payment made. A plain view: a join to it is a join to first_payments.
CREATE VIEW first_payment_replies AS
SELECT fp.case_id,
       fp.state IN ('paid_by_merchant', 'refused', 'deadline_missed', 'paid_from_deposit') AS reply_due,
       fp.reply_overdue_at IS NULL
           AND (fp.state IN ('refused', 'paid_from_deposit')
                OR (fp.state = 'paid_by_merchant' AND fp.paid_on <= fp.reply_due)) AS replied_on_time,
       fp.state IN ('paid_by_merchant', 'paid_from_deposit') AS paid
FROM first_payments fp;

-- Each merchant's figures for the period [p_start, p_end] (local dates): its complaints accepted in the
-- period (outcomes `p_not_counted` left out) by problem type, those resolved (outcomes `p_resolved`), those
-- late — still open (not paused for testing, not gone to arbitration) past their handling deadline, or
-- closed after it, for deadlines within the period and before `p_today` — and its first-payment replies
-- due, on time, and first payments made (first_payment_replies). The one definition the publication
-- (public_merchants_figures_publish.sql: every merchant, one range of cases_public_merchants_idx) and a
-- merchant's own preview (public_merchants_figures_of.sql: `WHERE merchant_id = …`, which the planner
-- pushes into both GROUP BYs, so it reads cases_merchant_accepted_idx below) select from. A SQL function
-- of one SELECT, inlined into the statement that calls it (EXPLAIN shows the tables, not a function scan).
CREATE FUNCTION public_merchant_counts(p_end date, p_start date, p_not_counted text[], p_resolved text[],
                                       p_today date)
    RETURNS TABLE (merchant_id bigint, complaints integer, by_problem jsonb, replies_due integer,
                   replies_on_time integer, resolved integer, first_payments integer, late integer)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT k.merchant_id, sum(k.n)::int, jsonb_object_agg(k.problem_type, k.n), sum(k.replies_due)::int,
           sum(k.replies_on_time)::int, sum(k.resolved)::int, sum(k.first_payments)::int, sum(k.late)::int
    FROM (
        SELECT c.merchant_id, c.problem_type, count(*) AS n,
               count(*) FILTER (WHERE c.outcome = ANY (p_resolved)) AS resolved,
               count(*) FILTER (WHERE c.mediation_due <= p_end AND c.mediation_due < p_today AND (
                   CASE WHEN c.status = 'closed'
                        THEN (c.closed_at AT TIME ZONE 'Asia/Shanghai')::date > c.mediation_due
                        ELSE c.status <> 'arbitration' AND NOT c.paused END)) AS late,
               count(*) FILTER (WHERE r.reply_due) AS replies_due,
               count(*) FILTER (WHERE r.replied_on_time) AS replies_on_time,
               count(*) FILTER (WHERE r.paid) AS first_payments
        FROM cases c
        LEFT JOIN first_payment_replies r ON r.case_id = c.id
        WHERE c.accepted_on >= p_start
          AND c.accepted_on <= p_end
          AND c.merchant_id IS NOT NULL
          AND (c.outcome IS NULL OR c.outcome <> ALL (p_not_counted))
        GROUP BY c.merchant_id, c.problem_type
    ) AS k
    GROUP BY k.merchant_id;
END;

-- A merchant's own entry (the staff merchant page, the merchant's link) counts the coming publication for
-- that one merchant: its accepted complaints as one index-only range, with the columns the figures read
-- (the period-wide cases_public_merchants_idx leads with the date, so one merchant's count read every
-- merchant's acceptances of the year: 1.0–1.4 s at 2 M cases). Built inside the migration's
-- transaction; on a large database build it first by hand, `CREATE INDEX CONCURRENTLY <same name> …`: IF
-- NOT EXISTS then skips it here.
CREATE INDEX IF NOT EXISTS cases_merchant_accepted_idx ON cases (merchant_id, accepted_on)
    INCLUDE (problem_type, outcome, status, closed_at, mediation_due, paused, id)
    WHERE accepted_on IS NOT NULL AND merchant_id IS NOT NULL;

-- The replies of first_payment_replies from the index alone: a merchant's preview probes it once per
-- case, and the monthly return's merchants (stats_merchants.sql) read the range of the month's case ids.
CREATE INDEX IF NOT EXISTS first_payments_replies_idx ON first_payments (case_id)
    INCLUDE (state, reply_overdue_at, paid_on, reply_due);

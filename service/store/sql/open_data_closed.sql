-- The open-data facts of the cases closed in the local month [$1, $2) (status closed: a reopened case
-- counts at its latest closing, as in stats_closed.sql), outcomes $3 left out. Never a name, contact,
-- address, free text or exact date: the month received, codes, the handling days, the relief amount and
-- the survey score (banded by the caller). The registry name of the merchant only for the ids $4 (the
-- businesses named in public); the case's own merchant text is never read.
SELECT to_char(c.received_on, 'YYYY-MM') AS month_received,
       c.subdistrict, c.quality_domain, c.category, cat.kind AS category_group, c.problem_type, c.channel,
       c.route, c.outcome,
       (c.closed_at AT TIME ZONE 'Asia/Shanghai')::date - c.received_on AS handling_days,
       c.relief_fen,
       s.score,
       m.name AS merchant
FROM cases c
JOIN categories cat ON cat.code = c.category  -- its goods/services group (an inactive category too)
LEFT JOIN surveys s ON s.case_id = c.id AND s.answered_at IS NOT NULL
LEFT JOIN merchants m ON m.id = c.merchant_id AND m.id = ANY ($4::bigint[])
WHERE c.status = 'closed' AND c.outcome <> ALL ($3::text[])
  AND c.closed_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND c.closed_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'

-- The monthly return's product signals (Asia/Shanghai months [$1, $2)): per category, the signals raised
-- in the month and the decisions taken in it; and the products referred or notified in it (named: a
-- decision of the bureau, not a complaint). Brand and model only: never a case, merchant or consumer.
SELECT 'category' AS part, s.category AS code, cat.label_zh AS label,
       count(*) FILTER (WHERE s.raised_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
                          AND s.raised_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS raised,
       count(*) FILTER (WHERE s.decision = 'spot_check' AND s.decided_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
                          AND s.decided_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS spot_check,
       count(*) FILTER (WHERE s.decision = 'recall_notice' AND s.decided_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
                          AND s.decided_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS recall_notice,
       count(*) FILTER (WHERE s.decision = 'dismissed' AND s.decided_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
                          AND s.decided_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS dismissed,
       NULL::text AS brand, NULL::text AS model, NULL::text AS decision, NULL::integer AS complaints
FROM product_signals s
JOIN categories cat ON cat.code = s.category
WHERE (s.raised_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
       AND s.raised_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
   OR (s.decided_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
       AND s.decided_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
GROUP BY s.category, cat.label_zh, cat.sort
UNION ALL
SELECT 'product', s.category, cat.label_zh, 0, 0, 0, 0, s.brand, s.model, s.decision, cardinality(s.case_ids)
FROM product_signals s
JOIN categories cat ON cat.code = s.category
WHERE s.decision IN ('spot_check', 'recall_notice')
  AND s.decided_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND s.decided_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
ORDER BY 1, 2, 8, 9

-- Accepted complaints against one registry merchant in one category within [$1, $2], at least $3 of
-- them, with the latest alert raised for that merchant and category (open or decided). With $4 and $5
-- (a merchant id and a category; both NULL for all), only that one cluster: the check when a case is accepted.
SELECT g.merchant_id, g.category, g.case_ids,
       last.id AS last_alert_id, last.case_ids AS last_alert_case_ids, last.decided_at IS NULL AS last_alert_open
FROM (
    SELECT merchant_id, category, array_agg(id ORDER BY id) AS case_ids
    FROM cases
    WHERE merchant_id IS NOT NULL AND ($4::bigint IS NULL OR (merchant_id = $4 AND category = $5::text))
      AND accepted_on BETWEEN $1 AND $2 AND status <> 'rejected'
      AND outcome IS DISTINCT FROM 'spam'
    GROUP BY merchant_id, category
    HAVING count(*) >= $3
) g
LEFT JOIN LATERAL (
    SELECT a.id, a.case_ids, a.decided_at FROM cluster_alerts a
    WHERE a.merchant_id = g.merchant_id AND a.category = g.category
    ORDER BY a.id DESC LIMIT 1
) last ON true
ORDER BY g.merchant_id, g.category

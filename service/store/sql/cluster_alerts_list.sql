-- Open alerts first (newest first), then those decided since $1; each with its merchant, category and cases.
-- A page holds $2 rows after the keyset ($3 decided?, $4 its time, $5 id) of the last row shown (none: NULL),
-- from row $6 on; open_total and total count the rows past the keyset (all of them without one).
SELECT a.id, a.merchant_id, m.name AS merchant_name, a.category, cat.label_zh AS category_label,
       a.window_start, a.window_end, a.case_ids, cardinality(a.case_ids) AS count, a.raised_at,
       a.decided_at, a.decision, a.decision_note, u.display_name AS decided_by_name,
       count(*) FILTER (WHERE a.decided_at IS NULL) OVER () AS open_total, count(*) OVER () AS total,
       ARRAY(SELECT k.tracking_no FROM unnest(a.case_ids) WITH ORDINALITY AS i (id, n)
             JOIN cases k ON k.id = i.id ORDER BY i.n) AS tracking_nos
FROM cluster_alerts a
JOIN merchants m ON m.id = a.merchant_id
JOIN categories cat ON cat.code = a.category
LEFT JOIN staff_users u ON u.id = a.decided_by
WHERE (a.decided_at IS NULL OR a.decided_at >= $1)
  AND ($3::boolean IS NULL
       OR (a.decided_at IS NOT NULL) > $3
       OR (a.decided_at IS NOT NULL) = $3 AND (coalesce(a.decided_at, a.raised_at), a.id) < ($4::timestamptz, $5::bigint))
ORDER BY a.decided_at IS NOT NULL, coalesce(a.decided_at, a.raised_at) DESC, a.id DESC
LIMIT $2 OFFSET $6

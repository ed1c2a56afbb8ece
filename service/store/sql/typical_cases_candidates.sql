-- The closed cases of a local year ([$2, $3)) whose consumer consented to publication, newest closing first
-- (at most $4), each with the typical case written from it for year $1, if any. No personal data.
SELECT c.id AS case_id, c.tracking_no, c.category, cat.label_zh AS category_label, c.outcome, c.closed_at,
       t.title, t.summary, t.saved_at
FROM cases c
JOIN categories cat ON cat.code = c.category
LEFT JOIN typical_cases t ON t.case_id = c.id AND t.year = $1
WHERE c.status = 'closed' AND c.consent_publish AND c.outcome <> 'spam'
  AND c.closed_at >= $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND c.closed_at < $3::date::timestamp AT TIME ZONE 'Asia/Shanghai'
ORDER BY c.closed_at DESC, c.id DESC
LIMIT $4

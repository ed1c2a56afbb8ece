-- The typical cases of year $1 in the order the report prints them (by closing, then case), with the
-- case's category and outcome. No personal data.
SELECT t.case_id, t.title, t.summary, t.saved_at, c.category, cat.label_zh AS category_label, c.outcome
FROM typical_cases t
JOIN cases c ON c.id = t.case_id
JOIN categories cat ON cat.code = c.category
WHERE t.year = $1
ORDER BY c.closed_at NULLS LAST, t.case_id

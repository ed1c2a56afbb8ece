-- Product risk signals as the staff list and a signal's own page show them (product_signals_list.sql,
-- product_signals_get.sql read this one definition instead of each writing it out): each with its
-- category's label, who decided it, its merchants' names, its cases' problem types with their counts
-- (most first), the batches named, the injuries reported, and its cases' tracking numbers (in case id
-- order). Business data only: no consumer. A plain view, so a WHERE on its columns reaches the table's
-- indexes (the list's decided_at, the page's id). A later migration that changes a column read here
-- drops and recreates the view in the same file.
CREATE VIEW product_signals_shown AS
SELECT s.id, s.product_key, s.brand, s.model, s.category, cat.label_zh AS category_label,
       s.window_start, s.window_end, s.case_ids, cardinality(s.case_ids) AS count,
       s.raised_at, s.decided_at, s.decision, s.decision_note, u.display_name AS decided_by_name,
       ARRAY(SELECT DISTINCT coalesce(m.name, c.merchant_name) FROM cases c
             LEFT JOIN merchants m ON m.id = c.merchant_id WHERE c.id = any(s.case_ids) ORDER BY 1) AS merchant_names,
       k.problem_types, k.batches, k.injuries, k.tracking_nos
FROM product_signals s
JOIN categories cat ON cat.code = s.category
LEFT JOIN staff_users u ON u.id = s.decided_by
CROSS JOIN LATERAL (
    SELECT ARRAY(SELECT p.label_zh || '×' || n FROM (
                     SELECT c.problem_type, count(*) AS n FROM cases c WHERE c.id = any(s.case_ids)
                     GROUP BY c.problem_type) t
                 JOIN problem_types p ON p.code = t.problem_type ORDER BY t.n DESC, p.sort) AS problem_types,
           ARRAY(SELECT DISTINCT c.product_batch FROM cases c
                 WHERE c.id = any(s.case_ids) AND c.product_batch IS NOT NULL ORDER BY 1) AS batches,
           (SELECT count(*) FROM cases c WHERE c.id = any(s.case_ids) AND c.product_injury) AS injuries,
           ARRAY(SELECT c.tracking_no FROM cases c WHERE c.id = any(s.case_ids) ORDER BY c.id) AS tracking_nos
) k;

-- Open requests (oldest first), then those decided since $1 (newest first), $2 in all, each with its case,
-- the survey answers behind it and who decided it. The page's requests are chosen first (the open ones
-- through appeals_one_open, the decided through appeals_decided_idx, each up to $2), then only those rows
-- are joined: joining every request of the window to cases and surveys read both tables whole.
WITH open_ones AS (
    SELECT * FROM appeals WHERE decided_at IS NULL ORDER BY requested_at, id LIMIT $2
), decided AS (
    SELECT * FROM appeals WHERE decided_at IS NOT NULL AND decided_at >= $1
    ORDER BY decided_at DESC, requested_at, id LIMIT $2
), page AS (
    SELECT * FROM (SELECT * FROM open_ones UNION ALL SELECT * FROM decided) p
    ORDER BY p.decided_at IS NOT NULL, p.decided_at DESC, p.requested_at, p.id
    LIMIT $2
)
SELECT a.*, c.tracking_no, c.status AS case_status, c.merchant_name, c.outcome AS case_outcome, c.closed_at,
       s.timeliness, s.fairness, s.attitude, s.outcome, s.overall, s.score, s.comment, s.answered_at,
       u.display_name AS decided_by_name
FROM page a
JOIN cases c ON c.id = a.case_id
LEFT JOIN surveys s ON s.case_id = a.case_id
LEFT JOIN staff_users u ON u.id = a.decided_by
ORDER BY a.decided_at IS NOT NULL, a.decided_at DESC, a.requested_at, a.id

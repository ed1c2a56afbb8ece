SELECT a.*, c.tracking_no, c.status AS case_status, c.merchant_name, c.outcome AS case_outcome, c.closed_at,
       s.timeliness, s.fairness, s.attitude, s.outcome, s.overall, s.score, s.comment, s.answered_at,
       u.display_name AS decided_by_name
FROM appeals a
JOIN cases c ON c.id = a.case_id
LEFT JOIN surveys s ON s.case_id = a.case_id
LEFT JOIN staff_users u ON u.id = a.decided_by
WHERE a.decided_at IS NULL OR a.decided_at >= $1
ORDER BY a.decided_at IS NOT NULL, a.decided_at DESC, a.requested_at, a.id
LIMIT $2

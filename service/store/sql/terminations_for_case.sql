-- Every termination of a case, the current one (not superseded by a reopening) last.
SELECT t.id, t.case_id, t.reason, t.note, t.terminated_on, t.notice_due, t.notice_sent_at, t.notice_sent_by,
       t.by_user, t.superseded_at, u.display_name AS by_name, s.display_name AS notice_sent_by_name
FROM terminations t
LEFT JOIN staff_users u ON u.id = t.by_user
LEFT JOIN staff_users s ON s.id = t.notice_sent_by
WHERE t.case_id = $1
ORDER BY (t.superseded_at IS NULL), t.id

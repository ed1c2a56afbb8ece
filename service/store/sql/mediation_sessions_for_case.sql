SELECT m.id, m.mode, m.at, m.place, m.attendees, m.note, m.by_user, u.display_name AS by_name
FROM mediation_sessions m LEFT JOIN staff_users u ON u.id = m.by_user
WHERE m.case_id = $1
ORDER BY m.at, m.id

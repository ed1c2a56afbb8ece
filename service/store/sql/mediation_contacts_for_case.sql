SELECT m.id, m.party, m.method, m.at, m.note, m.by_user, u.display_name AS by_name
FROM mediation_contacts m LEFT JOIN staff_users u ON u.id = m.by_user
WHERE m.case_id = $1
ORDER BY m.at, m.id

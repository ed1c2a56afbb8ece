SELECT c.*, r.name_zh AS rule_set_name, r.mediation_days, r.mediation_unit,
       con.name AS consumer_name, con.phone AS consumer_phone, con.address AS consumer_address,
       con.id_number AS consumer_id_number,
       CASE WHEN con.id_number IS NOT NULL THEN coalesce(con.id_type, 'resident_id') END AS consumer_id_type,
       u.display_name AS decided_by_name
FROM cases c
JOIN rule_sets r ON r.id = c.rule_set_id
JOIN case_consumers con ON con.case_id = c.id
LEFT JOIN staff_users u ON u.id = c.decided_by
WHERE c.id = $1

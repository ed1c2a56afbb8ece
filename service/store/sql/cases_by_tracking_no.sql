SELECT c.*, r.name_zh AS rule_set_name
FROM cases c JOIN rule_sets r ON r.id = c.rule_set_id
WHERE c.tracking_no = $1

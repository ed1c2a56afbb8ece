SELECT citations FROM rule_sets WHERE id = $1

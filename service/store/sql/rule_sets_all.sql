SELECT * FROM rule_sets ORDER BY effective_from

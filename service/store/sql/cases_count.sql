SELECT count(*) FROM cases

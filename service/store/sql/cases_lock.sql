SELECT id, status FROM cases WHERE id = $1 FOR UPDATE

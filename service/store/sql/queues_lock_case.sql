SELECT id, status, queue, assigned_to FROM cases WHERE id = $1 FOR UPDATE

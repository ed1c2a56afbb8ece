-- The open cases a mediator holds ($2: the statuses that no longer count).
SELECT count(*) FROM cases WHERE assigned_to = $1 AND status <> ALL ($2::text[])

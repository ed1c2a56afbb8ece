-- The open cases a mediator holds. Closed and rejected no longer count (domain/queues.py FINISHED_STATUSES,
-- written out: then cases_open_assignment_idx serves it, an index-only range of this mediator's open cases).
SELECT count(*) FROM cases c WHERE c.assigned_to = $1 AND c.status <> ALL ('{closed,rejected}'::text[])

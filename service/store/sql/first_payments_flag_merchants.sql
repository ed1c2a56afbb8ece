UPDATE merchants SET topup_overdue_since = coalesce(topup_overdue_since, $2) WHERE id = any($1::bigint[])

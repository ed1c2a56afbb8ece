SELECT id, name, kind, parent_id, ends_on, verified, topup_overdue_since FROM merchants WHERE id = $1

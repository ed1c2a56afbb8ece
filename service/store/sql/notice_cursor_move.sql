UPDATE notice_cursor SET last_event_id = $1 WHERE id = 1

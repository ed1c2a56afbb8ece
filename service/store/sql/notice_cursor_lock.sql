-- How far the notice reader has read the case history, locked: two readers never read the same events.
SELECT last_event_id FROM notice_cursor WHERE id = 1 FOR UPDATE

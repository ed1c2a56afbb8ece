-- Notices are derived from the case history: a cursor records how far the worker has read it.
-- Starting at the current end: an upgrade does not notify about the past.
CREATE TABLE notice_cursor (
    id             integer PRIMARY KEY CHECK (id = 1),
    last_event_id  bigint NOT NULL
);
INSERT INTO notice_cursor (id, last_event_id) SELECT 1, coalesce(max(id), 0) FROM case_events;

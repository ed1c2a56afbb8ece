-- A notice of channel $2, locked: a report that beats the send's commit waits here for the sender's lock
-- (an UPDATE alone would skip a row still 'pending' in its snapshot instead of waiting).
SELECT id, status, delivery FROM notifications WHERE id = $1 AND channel = $2 FOR UPDATE

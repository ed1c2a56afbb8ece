-- Cases in mediation that never joined a queue (those routed before queues existed).
SELECT id, subdistrict, category FROM cases WHERE status = 'mediation' AND queue IS NULL ORDER BY id FOR UPDATE

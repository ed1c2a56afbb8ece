-- Set (or, with $2 NULL, clear) a mediator's own open-case limit; returns the previous one (NULL: none).
WITH old AS (SELECT max_open FROM mediator_limits WHERE user_id = $1),
     del AS (DELETE FROM mediator_limits WHERE user_id = $1 AND $2::integer IS NULL),
     ins AS (
        INSERT INTO mediator_limits (user_id, max_open, set_by, set_at)
        SELECT $1, $2, $3, $4 WHERE $2::integer IS NOT NULL
        ON CONFLICT (user_id) DO UPDATE SET max_open = excluded.max_open, set_by = excluded.set_by,
                                            set_at = excluded.set_at
     )
SELECT (SELECT max_open FROM old) AS previous

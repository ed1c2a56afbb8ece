-- The day's base for tracking numbers (migration 0017): the first process to need it draws it; a NULL
-- back means another drew it meanwhile (read it again). No draw when the day has its base already.
WITH existing AS (
    SELECT base FROM tracking_day_base WHERE day = $1
), drawn AS (
    INSERT INTO tracking_day_base (day, base)
    SELECT $1, nextval('tracking_seq') WHERE NOT EXISTS (SELECT FROM existing)
    ON CONFLICT (day) DO NOTHING
    RETURNING base
)
SELECT coalesce((SELECT base FROM drawn), (SELECT base FROM existing))

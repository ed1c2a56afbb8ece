-- Save the typical case of year $1 written from case $2 (a new one, or new text for it); true when new.
INSERT INTO typical_cases (year, case_id, title, summary, saved_at, saved_by)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (year, case_id) DO UPDATE
    SET title = EXCLUDED.title, summary = EXCLUDED.summary, saved_at = EXCLUDED.saved_at, saved_by = EXCLUDED.saved_by
RETURNING (xmax = 0) AS inserted

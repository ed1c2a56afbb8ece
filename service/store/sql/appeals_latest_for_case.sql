SELECT * FROM appeals WHERE case_id = $1 ORDER BY requested_at DESC, id DESC LIMIT 1

SELECT * FROM appeals WHERE id = $1

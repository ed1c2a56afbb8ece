-- Remove the typical case of year $1 written from case $2; its title, or no row when there was none.
DELETE FROM typical_cases WHERE year = $1 AND case_id = $2
RETURNING title

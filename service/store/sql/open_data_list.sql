-- The files of the last $1 months with a file, newest month first, each month's versions newest first
-- (without their rows).
SELECT month, version, dictionary, k, content_hash, rows_in, row_count, generalised_merchant, generalised_category,
       generalised_subdistrict, suppressed, created_at, restatement_of, changes, reason
FROM open_data_files
WHERE month IN (SELECT DISTINCT month FROM open_data_files ORDER BY month DESC LIMIT $1)
ORDER BY month DESC, version DESC

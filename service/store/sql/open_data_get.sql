-- One version of a month's file, or nothing.
SELECT month, version, dictionary, k, columns, rows, content_hash, rows_in, row_count, generalised_merchant, generalised_category,
       generalised_subdistrict, suppressed, created_at, created_by, restatement_of, changes, reason
FROM open_data_files
WHERE month = $1 AND version = $2

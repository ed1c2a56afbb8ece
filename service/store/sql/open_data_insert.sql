-- A month's file, version $2 (the caller holds the month's lock and read the latest version).
INSERT INTO open_data_files (month, version, dictionary, k, columns, rows, content_hash, rows_in, row_count,
                             generalised_merchant, generalised_category, generalised_subdistrict, suppressed,
                             created_at, created_by, restatement_of, changes, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
RETURNING month, version, dictionary, k, columns, rows, content_hash, rows_in, row_count, generalised_merchant,
          generalised_category, generalised_subdistrict, suppressed, created_at, created_by, restatement_of, changes, reason

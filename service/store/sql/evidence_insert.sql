INSERT INTO evidence (case_id, sha256, size_bytes, content_type, original_name, uploaded_by)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (case_id, sha256) DO NOTHING
RETURNING id

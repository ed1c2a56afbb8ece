SELECT id, sha256, size_bytes, content_type, original_name, uploaded_at FROM evidence WHERE case_id = $1 ORDER BY id

SELECT id, sha256, size_bytes, content_type, original_name FROM evidence WHERE case_id = $1 AND id = $2

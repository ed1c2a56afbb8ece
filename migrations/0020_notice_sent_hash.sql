-- A sent notice keeps no usable link token: its body is redacted once delivered, and the SHA-256 of the
-- body exactly as it was sent is kept, so what the recipient received can still be proven.
ALTER TABLE notifications ADD COLUMN sent_body_sha256 text;

-- A channel the code declares, as the lookup keeps it (a notice may name only a channel listed here).
INSERT INTO notification_channels (name, label, contact_field, max_chars) VALUES ($1, $2, $3, $4)
ON CONFLICT (name) DO UPDATE SET label = EXCLUDED.label, contact_field = EXCLUDED.contact_field,
                                 max_chars = EXCLUDED.max_chars

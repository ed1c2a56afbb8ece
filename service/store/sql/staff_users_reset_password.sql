-- A temporary password from the administrator: it opens nothing but the page that replaces it.
UPDATE staff_users
SET password_hash = $2, must_change_password = true, failed_logins = 0, locked_until = NULL,
    password_changed_at = $3
WHERE id = $1 RETURNING id

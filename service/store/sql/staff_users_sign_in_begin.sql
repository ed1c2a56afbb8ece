-- Count a sign-in attempt before its password is checked (a success takes it back): concurrent attempts
-- queue on the row lock, so no more than $2 are ever checked before the account locks, and the one that
-- reaches $2 sets the lock. A disabled or locked account returns nothing: its password is never checked.
-- An expired lock starts the count again.
UPDATE staff_users
SET failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END,
    locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END) >= $2
                        THEN $4::timestamptz END
WHERE username = $1 AND NOT disabled AND (locked_until IS NULL OR locked_until <= $3)
RETURNING id, username, display_name, roles, password_hash, failed_logins, must_change_password

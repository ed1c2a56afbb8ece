-- Count a failed sign-in; the Nth failure locks the account for a while.
UPDATE staff_users
SET failed_logins = failed_logins + 1,
    locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
WHERE id = $1
RETURNING failed_logins, locked_until

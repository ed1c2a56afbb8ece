-- A success takes back the count only while no other attempt was counted after it ($2 is the count this
-- attempt left): a lock set meanwhile by concurrent failures stands.
UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND failed_logins = $2

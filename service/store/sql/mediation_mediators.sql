-- Who may take over a case after a recusal: active staff with the mediator role.
SELECT id, display_name FROM staff_users WHERE NOT disabled AND 'mediator' = any(roles) ORDER BY display_name, id

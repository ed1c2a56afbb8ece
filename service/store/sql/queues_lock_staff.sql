-- Serializes one mediator's claims, so two at once cannot both pass the open-case limit. NO KEY UPDATE:
-- the foreign keys to staff_users (cases.assigned_to) take KEY SHARE locks and are not held up by it.
SELECT id FROM staff_users WHERE id = $1 FOR NO KEY UPDATE

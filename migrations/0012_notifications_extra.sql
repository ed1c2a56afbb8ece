-- Notifications: the case page lists a case's notices with their tries; the escalation sweep reads
-- only cases in mediation that still have a flag to raise.

CREATE INDEX notifications_case_idx ON notifications (case_id, id) WHERE case_id IS NOT NULL;
CREATE INDEX notifications_failed_idx ON notifications (id) WHERE status = 'failed';
CREATE INDEX notification_attempts_notification_idx ON notification_attempts (notification_id, id);
CREATE INDEX cases_mediation_flags_idx ON cases (mediation_due)
    WHERE status = 'mediation' AND (mediation_warned_at IS NULL OR mediation_escalated_at IS NULL);

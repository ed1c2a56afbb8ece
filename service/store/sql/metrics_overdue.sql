-- Deadlines passed ($1 is today, Asia/Shanghai): undecided acceptances, mediations past their limit
-- (not paused), merchants that did not answer a first-payment request, deposits not topped up.
SELECT
    (SELECT count(*) FROM cases WHERE status = 'received' AND acceptance_due < $1) AS acceptance,
    (SELECT count(*) FROM cases WHERE status = 'mediation' AND NOT paused AND mediation_due < $1) AS mediation,
    (SELECT count(*) FROM first_payments
      WHERE state = 'deadline_missed' OR (state = 'notified' AND reply_due < $1)) AS merchant_reply,
    (SELECT count(*) FROM first_payments
      WHERE state = 'paid_from_deposit' AND topup_done_at IS NULL AND topup_due < $1) AS topup

-- The termination-notice period of a case's rule set.
SELECT termination_notice_days, termination_notice_unit FROM rule_sets WHERE id = $1

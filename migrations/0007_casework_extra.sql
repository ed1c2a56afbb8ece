-- Arbitration referrals, product testing and cluster alerts at work: who decided an alert, and the
-- indexes the case page, the referral bundle and the cluster sweep read by.

ALTER TABLE cluster_alerts ADD COLUMN decided_by bigint REFERENCES staff_users (id);
CREATE INDEX cluster_alerts_pair_idx ON cluster_alerts (merchant_id, category, id);
CREATE INDEX cluster_alerts_recent_idx ON cluster_alerts (decided_at DESC) WHERE decided_at IS NOT NULL;

CREATE INDEX product_tests_case_idx ON product_tests (case_id);
-- at most one test under way per case (its clock pause is the case's one open pause)
CREATE UNIQUE INDEX product_tests_one_open ON product_tests (case_id) WHERE finished_on IS NULL;

CREATE INDEX arbitration_agreements_merchant_idx ON arbitration_agreements (merchant_id) WHERE kind = 'published';
CREATE INDEX arbitration_agreements_case_idx ON arbitration_agreements (case_id);

-- the cluster sweep: accepted cases of one merchant and category by acceptance date
CREATE INDEX cases_cluster_idx ON cases (merchant_id, category, accepted_on) WHERE accepted_on IS NOT NULL;

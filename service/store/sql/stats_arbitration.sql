-- Arbitration per month in [$1, $2): referrals by referral date (award_for NULL), awards by award date and side.
SELECT 'referral' AS kind, date_trunc('month', referred_on)::date AS month, NULL::text AS award_for,
       count(*) AS n
FROM arbitration_referrals
WHERE referred_on >= $1 AND referred_on < $2
GROUP BY 2
UNION ALL
SELECT 'award', date_trunc('month', award_on)::date, coalesce(award_for, 'consumer'), count(*)
FROM arbitration_referrals
WHERE award_on >= $1 AND award_on < $2
GROUP BY 2, 3

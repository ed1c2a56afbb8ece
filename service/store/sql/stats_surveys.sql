-- Follow-up surveys per local month in [$1, $2) by the month each was sent (definitions v2): one
-- population for the count sent, the answers, the response rate and the scores, so that they agree.
-- A case reopened and closed again keeps its one survey (answered once): no second reply is counted.
-- Rows with by_score = 1: the month's totals; by_score = 0: answers by score (NULL: every question
-- "don't know", or not answered). Free-text comments are never read here. Spam is left out by an anti-join
-- on the few spam cases (cases_spam_idx): a join to `cases` read the whole table (1.1 s of the return's
-- 1.4 s at 1 M cases; 0.15 s now).
SELECT month, score, grouping(score) AS by_score,
       count(*) AS surveys,
       count(*) FILTER (WHERE answered) AS answered
FROM (
    SELECT date_trunc('month', s.created_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
           s.score,
           s.answered_at IS NOT NULL AS answered
    FROM surveys s
    WHERE s.created_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND s.created_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = s.case_id AND c.outcome = 'spam')
) AS x
GROUP BY GROUPING SETS ((month), (month, score))

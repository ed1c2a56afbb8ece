-- Follow-up surveys per local month in [$1, $2) by the month each was sent (definitions v2): one
-- population for the count sent, the answers, the response rate and the scores, so that they agree.
-- A case reopened and closed again keeps its one survey (answered once): no second reply is counted.
-- Rows with by_score = 1: the month's totals; by_score = 0: answers by score (NULL: every question
-- "don't know", or not answered). Free-text comments are never read here.
SELECT month, score, grouping(score) AS by_score,
       count(*) AS surveys,
       count(*) FILTER (WHERE answered) AS answered
FROM (
    SELECT date_trunc('month', s.created_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
           s.score,
           s.answered_at IS NOT NULL AS answered
    FROM surveys s
    JOIN cases c ON c.id = s.case_id
    WHERE s.created_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND s.created_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND c.outcome IS DISTINCT FROM 'spam'
) AS x
GROUP BY GROUPING SETS ((month), (month, score))

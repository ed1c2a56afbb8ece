SELECT version, timeliness, fairness, attitude, outcome, overall
FROM survey_weights
WHERE effective_from <= $1
ORDER BY effective_from DESC
LIMIT 1

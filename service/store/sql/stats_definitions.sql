SELECT code, name_zh, name_en, formula, numerator, denominator, unit, period, sort, kind, target
FROM indicator_definitions
WHERE version = $1
ORDER BY sort, code

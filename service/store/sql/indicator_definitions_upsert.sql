-- One indicator definition of the current version, from domain/indicator_definitions.py (disputes migrate).
INSERT INTO indicator_definitions
    (version, code, name_zh, name_en, formula, numerator, denominator, unit, sort, period, kind, target)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (version, code) DO UPDATE SET
    name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, formula = EXCLUDED.formula,
    numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator, unit = EXCLUDED.unit,
    sort = EXCLUDED.sort, period = EXCLUDED.period, kind = EXCLUDED.kind, target = EXCLUDED.target

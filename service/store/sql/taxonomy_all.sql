SELECT 'quality_domains' AS kind, code, label_zh, label_en, NULL AS grp, sort FROM quality_domains
UNION ALL SELECT 'categories', code, label_zh, label_en, kind, sort FROM categories WHERE active
UNION ALL SELECT 'problem_types', code, label_zh, label_en, NULL, sort FROM problem_types
UNION ALL SELECT 'subdistricts', code, label_zh, label_en, NULL, sort FROM subdistricts WHERE active
ORDER BY kind, sort, code

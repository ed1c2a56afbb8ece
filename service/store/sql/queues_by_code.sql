SELECT code, name_zh, name_en, subdistricts, categories, max_open_per_mediator, sort, active
FROM queues WHERE code = $1

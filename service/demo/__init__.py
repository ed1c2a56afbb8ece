"""Demo data: a year of fictional complaints played through the real use cases (`disputes seed-demo`,
`disputes dev`).

- `data/*.json` — what the demo is made of: merchants and platforms, scenarios (what was bought, what went
  wrong, what people said), consumers' names and streets, and how often each ending happens (`story.json`);
  read once at import by `catalog.py` and `story.py`.
- `bodies.py` — the complaint bodies in the JSON API's shape, each with its receipt moment.
- `story.py` — the tables the lifecycle deals from, survey answers and the receipt photo.
- `lifecycle/` — plays each complaint through intake, routing and its route's ending.
- `seed.py` — `seed_demo`: the demo staff and registry, then the year.

Everything is deterministic for the seed (`random.Random(seed)`), so the same seed and day give the same
demo.
"""

"""The products the demo's goods complaints name (issue 18 §4), read once from `data/products.json`: a
brand and model for most of them, a batch or production date for some, an injury now and then where the
problem is one of safety; and the *waves* — one defective product complained of at several shops within
weeks, which raises a product risk signal. All drawn from the demo's own `random.Random` for products,
so the other draws (and so every other figure) of a seed stay as they were."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from service.demo.catalog import load, tuples

_FILE = load("products")
ITEMS: dict[str, tuple[tuple[str, str], ...]] = tuples(_FILE["items"])
SHARE: float = _FILE["share"]
BATCH_SHARE: float = _FILE["batch_share"]
INJURY_SHARE: float = _FILE["injury_share"]
SAFETY_PROBLEMS = frozenset({"safety", "food_safety"})


@dataclass(frozen=True, slots=True)
class Wave:
    key: str
    days_ago: tuple[int, int]  # received between these many days before the day of loading
    count: int
    scenario: str
    item: str
    brand: str
    model: str
    batches: tuple[str, ...]
    issue: str
    injured: int  # how many of its complaints report an injury
    merchants: tuple[str, ...]
    decide: str | None  # the demo supervisor's action on its signal; None: left open
    note: str | None


WAVES: tuple[Wave, ...] = tuple(Wave(**tuples(w)) for w in _FILE["waves"])
BY_PRODUCT: dict[tuple[str, str], Wave] = {(w.brand, w.model): w for w in WAVES}


def product_of(rng: random.Random, item: str, problem: str, purchase: date) -> dict[str, Any] | None:
    """The product a goods complaint names, or None (not every consumer gives it)."""
    known = ITEMS.get(item)
    if not known or rng.random() >= SHARE:
        return None
    brand, model = rng.choice(known)
    product: dict[str, Any] = {"brand": brand, "model": model}
    if rng.random() < BATCH_SHARE:
        product["batch"] = (purchase - timedelta(days=rng.randint(20, 200))).strftime("%Y%m%d")
    if problem in SAFETY_PROBLEMS and rng.random() < INJURY_SHARE:
        product["injury"] = True
    return product


def wave_product(wave: Wave, n: int) -> dict[str, Any]:
    """The n-th complaint of a wave: its product, batch, and whether it reports an injury."""
    product: dict[str, Any] = {
        "brand": wave.brand,
        "model": wave.model,
        "batch": wave.batches[n % len(wave.batches)],
    }
    if n < wave.injured:
        product["injury"] = True
    return product

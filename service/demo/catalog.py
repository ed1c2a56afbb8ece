"""The demo's merchants, platforms and scenarios, read once from `data/merchants.json` and
`data/scenarios.json`.

The merchants, their addresses, credit codes and phone numbers are invented: the credit codes carry valid
GB 32100 check characters so they pass validation (with Gongshu's division code 330105), and both the code
and the phone are derived from the merchant's name, so they stay the same whatever the seed. Any
resemblance to a real business is accidental.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from importlib import resources
from typing import Any

from domain.identifiers import USCC_CHARS, uscc_check_char

GONGSHU_DIVISION = "330105"


def load(name: str) -> Any:
    """One of the demo's data files (`service/demo/data/<name>.json`), parsed."""
    return json.loads(resources.files("service.demo").joinpath("data", f"{name}.json").read_text("utf-8"))


def tuples(value: Any) -> Any:
    """JSON lists as tuples, all the way down (the tables are read, never changed)."""
    if isinstance(value, list):
        return tuple(tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: tuples(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class DemoMerchant:
    name: str
    short: str  # how a consumer names it in a description
    address: str
    subdistrict: str
    uscc: str
    phone: str | None
    scenarios: tuple[str, ...]
    platforms: tuple[str, ...]  # keys of PLATFORMS it also sells through
    weight: int  # relative frequency of complaints against it; 0 = only ever named as a platform


@dataclass(frozen=True, slots=True)
class DemoPlatform:
    key: str
    kind: str  # "online", "mall" or "market"
    merchant: str  # the operator's name in MERCHANTS


@dataclass(frozen=True, slots=True)
class Scenario:
    category: str
    domain: str
    problem: str
    opening: str  # format fields: date, where, shop, item, price
    items: tuple[tuple[str, int, int], ...]  # name, lowest and highest price in yuan
    issues: tuple[str, ...]
    replies: tuple[str, ...]
    requests: tuple[tuple[str, ...], ...]
    claim: str  # "paid", "food10", "fraction", "paid_plus_loss" or "loss"
    # report text; whether it alleges fraud (the claim becomes refund + 3×); the issue it goes with ("": any)
    violations: tuple[tuple[str, bool, str], ...] = ()
    recent_days: int = 90  # purchases happen up to this many days before the complaint (most much sooner)
    old_issues: tuple[str, ...] = ()  # non-empty: a purchase more than 3 years back is plausible
    fraction: tuple[float, float] = (0.3, 0.8)
    loss: tuple[int, int] = (0, 0)  # yuan


def _org_check(first8: str) -> str:
    """GB 11714 check character of an organisation code (the 9th to 17th characters of a USCC)."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(first8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def fixed_uscc(name: str, individual: bool) -> str:
    rng = random.Random(f"uscc:{name}")  # fixed per merchant, whatever the seed
    letters = "".join(c for c in USCC_CHARS if c.isalpha() and c != "X")
    if rng.random() < 0.6:  # codes issued since 2015 start "MA"
        org = "MA2" + "".join(rng.choice("0123456789" + letters) for _ in range(5))
    else:
        org = rng.choice("57") + "".join(rng.choice("0123456789") for _ in range(7))
    first17 = ("92" if individual else "91") + GONGSHU_DIVISION + org + _org_check(org)
    return first17 + uscc_check_char(first17)


def fixed_phone(name: str) -> str:
    rng = random.Random(f"phone:{name}")
    return "0571-8" + "".join(rng.choice("0123456789") for _ in range(7))


def _merchant(row: dict[str, Any]) -> DemoMerchant:
    return DemoMerchant(
        name=row["name"],
        short=row["short"],
        address=row["address"],
        subdistrict=row["subdistrict"],
        uscc=fixed_uscc(row["name"], row.get("individual", False)),
        phone=fixed_phone(row["name"]) if row.get("phone", True) else None,
        scenarios=tuple(row["scenarios"]),
        platforms=tuple(row.get("platforms", ())),
        weight=row.get("weight", 2),
    )


def _scenario(row: dict[str, Any], openings: dict[str, str]) -> Scenario:
    fields = tuples(row)
    return Scenario(**(fields | {"opening": openings.get(row["opening"], row["opening"])}))


_MERCHANTS_FILE = load("merchants")
_SCENARIOS_FILE = load("scenarios")
MERCHANTS: tuple[DemoMerchant, ...] = tuple(_merchant(row) for row in _MERCHANTS_FILE["merchants"])
PLATFORMS: dict[str, DemoPlatform] = {
    key: DemoPlatform(key, p["kind"], p["merchant"]) for key, p in _MERCHANTS_FILE["platforms"].items()
}
BY_NAME: dict[str, DemoMerchant] = {m.name: m for m in MERCHANTS}
WAVE_MERCHANT = BY_NAME[_MERCHANTS_FILE["wave"]["merchant"]]  # a training school that shut its doors
WAVE_ISSUE: str = _MERCHANTS_FILE["wave"]["issue"]

SCENARIOS: dict[str, Scenario] = {
    key: _scenario(row, _SCENARIOS_FILE["openings"]) for key, row in _SCENARIOS_FILE["scenarios"].items()
}
GENERIC_REPLIES: tuple[str, ...] = tuple(_SCENARIOS_FILE["generic_replies"])
OLD_REPLIES: tuple[str, ...] = tuple(_SCENARIOS_FILE["old_replies"])
CLOSINGS: tuple[str, ...] = tuple(_SCENARIOS_FILE["closings"])
REQUEST_ZH: dict[str, str] = _SCENARIOS_FILE["request_zh"]

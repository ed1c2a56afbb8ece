"""The demo's complaint bodies: a year of realistic, entirely fictional complaints.

Everything random comes from `random.Random(seed)`, so the same seed and `today` always give the same
complaints. Each body is exactly what the JSON API accepts (`domain.intake.parse_complaint`), paired with a
receipt moment on a weekday between 08:30 and 17:30 Beijing time during the 12 months before `today`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain.identifiers import id_check_char
from domain.money import format_yuan
from domain.taxonomy import REQUEST_KINDS
from service.demo.catalog import (
    BY_NAME,
    CLOSINGS,
    GENERIC_REPLIES,
    MERCHANTS,
    OLD_REPLIES,
    PLATFORMS,
    REQUEST_ZH,
    SCENARIOS,
    WAVE_ISSUE,
    WAVE_MERCHANT,
    DemoMerchant,
    Scenario,
    load,
)
from service.demo.products import WAVES, Wave, product_of, wave_product
from service.usecases.clock import LOCAL_TZ

WINDOW_DAYS = 365  # receipts fall in [today - 365 days, today - 1 day]
WORK_START_MINUTE = 8 * 60 + 30
WORK_END_MINUTE = 17 * 60 + 30  # exclusive: the last receipt moment is 17:29:59

# Stratified rather than independent draws, so every block of that many bodies has exactly one such case.
VIOLATION_EVERY = 15
PLATFORM_EVERY = 8
OLD_PURCHASE_EVERY = 25
# A training school that shut its doors: a burst of refund complaints within a few weeks (a cluster).
WAVE_SHARE = 1 / 20
WAVE_DAYS = 40
DESCRIPTION_LIMITS = (40, 200)  # characters; well inside what intake accepts

_PEOPLE = load("consumers")
_SURNAMES: str = _PEOPLE["surnames"]
_COMPOUND_SURNAMES: tuple[str, ...] = tuple(_PEOPLE["compound_surnames"])
_GIVEN_MALE: tuple[str, ...] = tuple(_PEOPLE["given_male"])
_GIVEN_FEMALE: tuple[str, ...] = tuple(_PEOPLE["given_female"])
_MOBILE_PREFIXES: tuple[str, ...] = tuple(_PEOPLE["mobile_prefixes"])
_STREETS: tuple[str, ...] = tuple(_PEOPLE["streets"])
_COMPOUNDS: tuple[str, ...] = tuple(_PEOPLE["compounds"])
_HANGZHOU_DIVISIONS: tuple[str, ...] = tuple(_PEOPLE["hangzhou_divisions"])


def _consumer(rng: random.Random, received_on: date) -> dict[str, str]:
    female = rng.random() < 0.55  # women file a little more than half of consumer complaints
    surname = rng.choice(_COMPOUND_SURNAMES) if rng.random() < 0.02 else rng.choice(_SURNAMES)
    name = surname + rng.choice(_GIVEN_FEMALE if female else _GIVEN_MALE)
    phone = rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
    street = rng.choice(_STREETS)
    if rng.random() < 0.7:
        address = (
            f"杭州市拱墅区{street}{rng.randint(1, 899)}号{rng.choice(_COMPOUNDS)}"
            f"{rng.randint(1, 32)}幢{rng.randint(1, 4)}单元{rng.randint(1, 18)}{rng.randint(1, 4):02d}室"
        )
    else:
        address = f"杭州市拱墅区{street}{rng.randint(1, 899)}号{rng.randint(1, 6)}{rng.randint(1, 8):02d}室"
    consumer = {"name": name, "phone": phone, "address": address}
    if rng.random() < 0.35:
        consumer["id_number"] = _id_number(rng, received_on, female)
    return consumer


def _id_number(rng: random.Random, received_on: date, female: bool) -> str:
    birth = date(received_on.year - rng.randint(20, 75), rng.randint(1, 12), rng.randint(1, 28))
    sex_digit = rng.choice("02468" if female else "13579")  # GB 11643: the 17th digit is odd for men
    first17 = f"{rng.choice(_HANGZHOU_DIVISIONS)}{birth:%Y%m%d}{rng.randint(0, 99):02d}{sex_digit}"
    return first17 + id_check_char(first17)


# ----------------------------------------------------------------------------------------------------------
# Bodies
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    merchant: DemoMerchant
    scenario: str
    platform: str | None


_CANDIDATES: tuple[_Candidate, ...] = tuple(
    _Candidate(m, s, p) for m in MERCHANTS if m.weight for s in m.scenarios for p in (None, *m.platforms)
)


def demo_bodies(seed: int, count: int, today: date) -> list[tuple[datetime, dict[str, Any]]]:
    """`count` complaint bodies in the JSON API shape, each with its receipt moment (UTC), sorted by time."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    wave_start = today - timedelta(days=rng.randint(60, WINDOW_DAYS - 45))
    violations = _marks(rng, count, VIOLATION_EVERY)
    platforms = _marks(rng, count, PLATFORM_EVERY)
    olds = _marks(rng, count, OLD_PURCHASE_EVERY)
    consumers: list[dict[str, str]] = []
    bodies = []
    # the products named: their own draws, so that every other draw of a seed stays as it was
    products = random.Random(f"demo:{seed}:products")
    plains = []
    for i in range(count):
        plain = i not in violations and i not in platforms and i not in olds
        wave = wave_start if plain and rng.random() < WAVE_SHARE else None
        bodies.append(
            _body(
                rng,
                today,
                consumers,
                violation=i in violations,
                platform=i in platforms,
                old=i in olds,
                wave_start=wave,
                products=products,
            )
        )
        plains.append(plain and wave is None)
    _product_waves(products, today, bodies, plains)
    bodies.sort(key=lambda pair: pair[0])
    return bodies


def _product_waves(
    rng: random.Random, today: date, bodies: list[tuple[datetime, dict[str, Any]]], plains: list[bool]
) -> None:
    """Each product wave takes the place of that many plain complaints received in its weeks (their
    moments kept, so the year's rhythm and count stay), now about the defective product at its shops."""
    taken: set[int] = set()
    for wave in WAVES:
        first, last = (today - timedelta(days=d) for d in wave.days_ago)
        fits = [
            i
            for i, (at, _) in enumerate(bodies)
            if plains[i] and i not in taken and first <= at.astimezone(LOCAL_TZ).date() <= last
        ]
        chosen = sorted(rng.sample(fits, min(wave.count, len(fits))), key=lambda i: bodies[i][0])
        for n, i in enumerate(chosen):
            merchant = BY_NAME[wave.merchants[n % len(wave.merchants)]]
            pick = _Candidate(merchant, wave.scenario, None)
            bodies[i] = _body(
                rng,
                today,
                [],
                violation=False,
                platform=False,
                old=False,
                wave_start=None,
                products=rng,
                wave=_WaveSlot(wave, n, bodies[i][0], pick),
            )
            taken.add(i)


def demo_access_code_choice(seed: int) -> Callable[[str], str]:
    """Deterministic access codes for demo cases (never for real ones: those use secrets.choice)."""
    return random.Random(seed ^ 0xC0DE).choice


def _marks(rng: random.Random, count: int, every: int) -> frozenset[int]:
    """One position in every block of `every` (a trailing partial block may get none)."""
    return frozenset(pos for start in range(0, count, every) if (pos := start + rng.randrange(every)) < count)


def _weekday(rng: random.Random, first: date, last: date) -> date:
    while True:
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        if day.weekday() < 5:
            return day


def _moment(rng: random.Random, day: date) -> datetime:
    minute = rng.randrange(WORK_START_MINUTE, WORK_END_MINUTE)
    local = datetime.combine(day, time(minute // 60, minute % 60, rng.randrange(60)), tzinfo=LOCAL_TZ)
    return local.astimezone(UTC)


def _price(rng: random.Random, lo: int, hi: int) -> int:
    """A realistic shelf price in fen between lo and hi yuan: 39.90, 268.00, 2299.00, 12800.00."""
    if hi <= 100:
        return rng.randint(lo, hi - 1) * 100 + rng.choice((0, 50, 80, 90))
    if hi <= 3000:
        tens = rng.randint(lo, hi) // 10 * 10
        return max(lo, tens - rng.choice((0, 0, 1, 2))) * 100
    hundreds = rng.randint(lo, hi) // 100 * 100
    return max(lo, hundreds - rng.choice((0, 0, 0, 1, 20))) * 100


def _words(fen: int) -> str:
    """Yuan as a consumer writes it: 2299, 39.9."""
    text = format_yuan(fen)
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True, slots=True)
class _WaveSlot:
    """A complaint of a product wave: the wave, its number in it, its moment and its shop."""

    wave: Wave
    n: int
    received_at: datetime
    pick: _Candidate


def _body(
    rng: random.Random,
    today: date,
    consumers: list[dict[str, str]],
    *,
    violation: bool,
    platform: bool,
    old: bool,
    wave_start: date | None,
    products: random.Random,
    wave: _WaveSlot | None = None,
) -> tuple[datetime, dict[str, Any]]:
    if wave is None:
        received_on, pick = _pick(
            rng, today, violation=violation, platform=platform, old=old, wave_start=wave_start
        )
        received_at = _moment(rng, received_on)
    else:
        received_at, pick = wave.received_at, wave.pick
        received_on = received_at.astimezone(LOCAL_TZ).date()
    m, sc = pick.merchant, SCENARIOS[pick.scenario]

    if old:
        purchase = received_on - timedelta(days=3 * 365 + rng.randint(30, 700))
    else:
        purchase = received_on - timedelta(days=int(sc.recent_days * rng.random() ** 1.5))
    if wave is None:
        item, lo, hi = rng.choice(sc.items)
    else:
        item, lo, hi = next(entry for entry in sc.items if entry[0] == wave.wave.item)
    paid = _price(rng, lo, hi)
    requests = set(rng.choice(sc.requests))
    if wave is not None:
        issue = wave.wave.issue
    else:
        issue = WAVE_ISSUE if wave_start is not None else rng.choice(sc.old_issues if old else sc.issues)

    report: str | None = None
    mode = sc.claim
    if violation:
        text, fraud, goes_with = rng.choice(sc.violations)
        report = text.format(shop=m.short, item=item)
        if goes_with and not old:
            issue = goes_with
        if fraud and mode != "food10":  # CPL art. 55(1): refund plus three times the price, at least 500 yuan
            mode = "fraud3"
            requests = {"refund", "compensate"} | ({"return"} if sc.domain == "product" else set())
    ordered = [kind for kind in REQUEST_KINDS if kind in requests]
    claim = _claim(rng, sc, mode, paid, "compensate" in requests)
    description = _description(rng, sc, pick, item, purchase, paid, claim, mode, ordered, issue, old)

    body = _parties(rng, consumers, received_on, pick)
    body |= {
        "quality_domain": sc.domain,
        "category": sc.category,
        "problem_type": sc.problem,
        "purchase_date": purchase.isoformat(),
        "amount_paid": format_yuan(paid),
        "claim_amount": format_yuan(claim),
        "requests": ordered,
        "description": description,
        "consents": {
            "mediation": rng.random() < 0.92,
            "entrusted_mediation": rng.random() < 0.3,
            "publish": rng.random() < 0.15,
        },
    }
    if report is not None:
        body["reports_violation"] = report
    if sc.domain == "product":
        product = (
            wave_product(wave.wave, wave.n) if wave else product_of(products, item, sc.problem, purchase)
        )
        if product is not None:
            body["product"] = product
    body["channel"] = "web"
    return received_at, body


def _pick(
    rng: random.Random, today: date, *, violation: bool, platform: bool, old: bool, wave_start: date | None
) -> tuple[date, _Candidate]:
    """The day of receipt and what the complaint is about: a merchant, a scenario, maybe a platform."""
    if wave_start is not None:
        received_on = _weekday(rng, wave_start, wave_start + timedelta(days=WAVE_DAYS))
        return received_on, _Candidate(WAVE_MERCHANT, "training_refund", None)
    received_on = _weekday(rng, today - timedelta(days=WINDOW_DAYS), today - timedelta(days=1))
    fits = [
        c
        for c in _CANDIDATES
        if (c.platform is not None) == platform
        and (not old or SCENARIOS[c.scenario].old_issues)
        and (not violation or SCENARIOS[c.scenario].violations)
    ]
    return received_on, rng.choices(fits, weights=[c.merchant.weight for c in fits])[0]


def _parties(
    rng: random.Random, consumers: list[dict[str, str]], received_on: date, pick: _Candidate
) -> dict[str, Any]:
    """The consumer (now and then someone who complained before), the merchant as the consumer knows it,
    the platform and the subdistrict."""
    m = pick.merchant
    reuse = consumers and rng.random() < 0.04
    consumer = dict(rng.choice(consumers)) if reuse else _consumer(rng, received_on)
    consumers.append(consumer)
    merchant = {"name": m.name, "address": m.address}
    if rng.random() < 0.9:
        merchant["uscc"] = m.uscc
    if m.phone and rng.random() < 0.8:
        merchant["phone"] = m.phone
    body: dict[str, Any] = {"consumer": consumer, "merchant": merchant}
    if pick.platform:
        plat = BY_NAME[PLATFORMS[pick.platform].merchant]
        body["platform"] = (
            {"name": plat.name, "uscc": plat.uscc} if rng.random() < 0.7 else {"name": plat.name}
        )
    if rng.random() < 0.9:
        body["subdistrict"] = m.subdistrict
    return body


def _claim(rng: random.Random, sc: Scenario, mode: str, paid: int, compensate: bool) -> int:
    if mode == "food10":  # Food Safety Law art. 148(2): ten times the price, at least 1000 yuan
        return paid + max(10 * paid, 100_000)
    if mode == "fraud3":
        return paid + max(3 * paid, 50_000)
    if mode == "fraction":  # the unused part of a prepaid service, an overcharge, a repair estimate
        return max(100, round(paid * rng.uniform(*sc.fraction) / 100) * 100)
    if mode in ("paid_plus_loss", "loss"):
        loss = rng.randint(*sc.loss) // 10 * 10 * 100
        if mode == "loss":  # the value of what the service damaged
            return loss
        return paid + loss if compensate else paid
    return paid


def _description(
    rng: random.Random,
    sc: Scenario,
    pick: _Candidate,
    item: str,
    purchase: date,
    paid: int,
    claim: int,
    mode: str,
    requests: list[str],
    issue: str,
    old: bool,
) -> str:
    """What was bought, when and where; what went wrong; what the merchant said; what the consumer wants."""
    shop = pick.merchant.short
    if pick.platform is None:
        where = f"在{shop}"
    else:
        platform = PLATFORMS[pick.platform]
        via = BY_NAME[platform.merchant].short
        where = {
            "online": f"通过{via}平台在“{shop}”网店",
            "mall": f"在{via}的{shop}",
            "market": f"在{via}{shop}摊位",
        }[platform.kind]
    opening = sc.opening.format(
        date=f"{purchase.year}年{purchase.month}月{purchase.day}日",
        where=where,
        shop=shop,
        item=item,
        price=_words(paid),
    )
    reply = rng.choice((*sc.replies, *GENERIC_REPLIES, *(OLD_REPLIES if old else ())))
    wanted = "、".join(REQUEST_ZH[kind] for kind in requests)
    if mode == "food10":
        extra = "并按价款十倍赔偿" if 10 * paid >= 100_000 else "并按法定最低标准赔偿1000元"
        ask = f"要求商家退还{_words(paid)}元，{extra}，共计{_words(claim)}元。"
    elif mode == "fraud3":
        extra = "退一赔三" if 3 * paid >= 50_000 else "退款并按法定最低标准赔偿500元"
        ask = f"要求商家{extra}，共计{_words(claim)}元。"
    elif mode == "paid":
        ask = f"要求商家{wanted}。"
    else:
        ask = f"要求商家{wanted}，涉及金额{_words(claim)}元。"
    closing = rng.choice(CLOSINGS)
    full = f"{opening}{issue}，{reply}。{ask}"
    # every template combination fits; the shorter forms only guard the limit against future template edits
    for text in (full + closing, full, f"{opening}{issue}。{ask}"):
        if len(text) <= DESCRIPTION_LIMITS[1]:
            return text
    return text[: DESCRIPTION_LIMITS[1]]

"""Demo data: deterministic, valid under the real intake rules, varied enough to demonstrate the service."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.identifiers import normalize_phone, valid_id_number, valid_uscc
from domain.intake import parse_complaint
from domain.money import parse_yuan
from domain.taxonomy import REQUEST_KINDS, Label, Taxonomy
from domain.tracking import new_access_code
from service.demo.bodies import demo_access_code_choice, demo_bodies
from service.demo.catalog import MERCHANTS, PLATFORMS
from service.usecases.clock import LOCAL_TZ

TODAY = date(2026, 11, 26)
MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "0002_taxonomy.sql"
SEEDS = (1, 2, 42, 2026)


def _taxonomy_from_migration() -> Taxonomy:
    """The codes exactly as migration 0002 inserts them (parsed, not retyped)."""
    sql = MIGRATION.read_text(encoding="utf-8")
    tables: dict[str, list[Label]] = {}
    for table, columns, values in re.findall(r"INSERT INTO (\w+) \(([^)]*)\) VALUES(.*?);", sql, re.S):
        names = [c.strip() for c in columns.split(",")]
        labels = []
        for row in re.findall(r"^\s*\((.*)\),?\s*$", values, re.M):
            strings = re.findall(r"'((?:[^']|'')*)'", row)
            record = dict(zip([n for n in names if n != "sort"], strings, strict=True))
            labels.append(Label(record["code"], record["label_zh"], record["label_en"], record.get("kind")))
        tables[table] = labels
    return Taxonomy(
        quality_domains=tuple(tables["quality_domains"]),
        categories=tuple(tables["categories"]),
        problem_types=tuple(tables["problem_types"]),
        subdistricts=tuple(tables["subdistricts"]),
    )


TAXONOMY = _taxonomy_from_migration()
SERVICE_CATEGORIES = frozenset(label.code for label in TAXONOMY.categories if label.group == "services")


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def _three_years_before(day: date) -> date:
    return day.replace(year=day.year - 3) if (day.month, day.day) != (2, 29) else date(day.year - 3, 2, 28)


def test_taxonomy_parsed_from_the_migration() -> None:
    assert len(TAXONOMY.quality_domains) == 4
    assert len(TAXONOMY.problem_types) == 7
    assert len(TAXONOMY.subdistricts) == 18
    assert len(TAXONOMY.categories) == 33
    assert "decoration_property" in SERVICE_CATEGORIES and "food" not in SERVICE_CATEGORIES


@pytest.mark.parametrize("count", [0, 1, 200])
def test_count_is_respected(count: int) -> None:
    assert len(demo_bodies(7, count, TODAY)) == count


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        demo_bodies(7, -1, TODAY)


def test_same_seed_same_output_and_different_seed_different_output() -> None:
    first = demo_bodies(11, 60, TODAY)
    assert first == demo_bodies(11, 60, TODAY)
    assert first != demo_bodies(12, 60, TODAY)
    assert [body for _, body in first] != [body for _, body in demo_bodies(12, 60, TODAY)]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_body_passes_intake(seed: int) -> None:
    for received_at, body in demo_bodies(seed, 200, TODAY):
        draft = parse_complaint(body, TAXONOMY, TODAY)
        # submit_complaint validates against the receipt's local date: the purchase must not follow it
        parse_complaint(body, TAXONOMY, _local(received_at).date())
        assert draft.channel == "web"
        assert draft.purchase_date <= _local(received_at).date()
        assert 40 <= len(body["description"]) <= 200
        assert draft.description == body["description"]
        assert draft.amount_paid_fen > 0 and draft.claim_amount_fen > 0
        assert list(draft.requests) == body["requests"]  # already in statutory order, no repeats
        assert set(body["requests"]) <= set(REQUEST_KINDS)


@pytest.mark.parametrize("today", [date(2028, 2, 29), date(2027, 1, 1), date(2026, 12, 31)])
def test_valid_for_other_todays(today: date) -> None:
    for received_at, body in demo_bodies(5, 120, today):
        parse_complaint(body, TAXONOMY, today)
        local = _local(received_at)
        assert today - timedelta(days=365) <= local.date() < today


def test_bodies_are_plain_json_values() -> None:
    def check(value: Any) -> None:
        if isinstance(value, Mapping):
            assert all(isinstance(k, str) for k in value)
            for v in value.values():
                check(v)
        elif isinstance(value, list):
            for v in value:
                check(v)
        else:
            assert isinstance(value, str | bool), value

    for _, body in demo_bodies(9, 100, TODAY):
        check(body)
        assert re.fullmatch(r"\d+\.\d\d", body["amount_paid"])
        assert re.fullmatch(r"\d+\.\d\d", body["claim_amount"])


def test_merchant_pool() -> None:
    assert 38 <= len(MERCHANTS) <= 45
    assert len({m.name for m in MERCHANTS}) == len(MERCHANTS)
    assert len({m.uscc for m in MERCHANTS}) == len(MERCHANTS)
    subdistricts = TAXONOMY.codes("subdistricts")
    for m in MERCHANTS:
        assert valid_uscc(m.uscc), m
        assert re.fullmatch(r"9[12]330105[0-9A-Z]{10}", m.uscc), m.uscc
        assert m.subdistrict in subdistricts
        assert m.address.startswith("杭州市拱墅区")
        if m.phone is not None:
            assert re.fullmatch(r"0571-8\d{7}", m.phone)
            assert normalize_phone(m.phone) == m.phone
    names = {m.name for m in MERCHANTS}
    assert all(p.merchant in names for p in PLATFORMS.values())
    assert {p.kind for p in PLATFORMS.values()} == {"online", "mall", "market"}


@pytest.mark.parametrize("seed", SEEDS)
def test_identifiers_in_bodies(seed: int) -> None:
    ids = 0
    for received_at, body in demo_bodies(seed, 200, TODAY):
        consumer = body["consumer"]
        assert re.fullmatch(r"1[3-9]\d{9}", consumer["phone"])
        assert normalize_phone(consumer["phone"]) == consumer["phone"]
        assert consumer["address"].startswith("杭州市拱墅区")
        for party in (body["merchant"], body.get("platform") or {}):
            if "uscc" in party:
                assert valid_uscc(party["uscc"])
        if "id_number" in consumer:
            ids += 1
            code = consumer["id_number"]
            assert valid_id_number(code)
            assert code.startswith("3301")
            born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
            age = (_local(received_at).date() - born).days / 365.25
            assert 18 <= age <= 80
    assert ids > 20


@pytest.mark.parametrize("seed", SEEDS)
def test_receipt_moments(seed: int) -> None:
    pairs = demo_bodies(seed, 200, TODAY)
    moments = [at for at, _ in pairs]
    assert moments == sorted(moments)
    for at in moments:
        assert at.utcoffset() == timedelta(0)
        local = _local(at)
        assert time(8, 30) <= local.time() <= time(17, 30)
        assert local.weekday() < 5
        assert TODAY - timedelta(days=365) <= local.date() < TODAY
    # spread over the year, not bunched
    months = {(_local(at).year, _local(at).month) for at in moments}
    assert len(months) >= 11


@pytest.mark.parametrize("seed", SEEDS)
def test_the_mix(seed: int) -> None:
    pairs = demo_bodies(seed, 200, TODAY)
    bodies = [body for _, body in pairs]
    violations = [b for b in bodies if "reports_violation" in b]
    platforms = [b for b in bodies if "platform" in b]
    old = [
        b
        for at, b in pairs
        if date.fromisoformat(b["purchase_date"]) < _three_years_before(_local(at).date())
    ]
    assert 200 // 15 <= len(violations) <= 200 // 15 + 1
    assert 200 // 8 <= len(platforms) <= 200 // 8 + 1
    assert 200 // 25 <= len(old) <= 200 // 25 + 1
    assert len({b["category"] for b in bodies}) >= 12
    assert len({b.get("subdistrict") for b in bodies} - {None}) >= 12
    assert {b["quality_domain"] for b in bodies} == {"product", "service", "engineering", "environment"}
    assert sum("subdistrict" in b for b in bodies) > 150
    assert sum(b["consents"]["mediation"] for b in bodies) > 150
    recent = [b for at, b in pairs if (_local(at).date() - date.fromisoformat(b["purchase_date"])).days <= 92]
    assert len(recent) > 120  # mostly within three months


@pytest.mark.parametrize("seed", SEEDS)
def test_classification_is_consistent(seed: int) -> None:
    for _, body in demo_bodies(seed, 200, TODAY):
        category, domain, problem = body["category"], body["quality_domain"], body["problem_type"]
        if category == "food":
            assert problem in {"food_safety", "quality"}
            assert domain == "product"
        if category == "decoration_property":
            assert domain in {"engineering", "environment", "service"}
        elif category in SERVICE_CATEGORIES:
            assert domain == "service"
        else:
            assert domain in {"product", "environment"}
        if domain == "engineering":
            assert category == "decoration_property"


@pytest.mark.parametrize("seed", SEEDS)
def test_amounts_follow_the_claim_rules(seed: int) -> None:
    for _, body in demo_bodies(seed, 200, TODAY):
        paid = parse_yuan(body["amount_paid"])
        claim = parse_yuan(body["claim_amount"])
        assert paid is not None and claim is not None
        assert 1_000 <= paid <= 20_000_000  # 10 yuan … 200,000 yuan
        if body["problem_type"] == "food_safety":
            assert claim == paid + max(10 * paid, 100_000)  # refund + 10× price, at least 1000 yuan
            assert body["requests"] == ["refund", "compensate"]
        if "compensate" not in body["requests"]:
            assert claim <= paid


def test_a_violation_report_reads_like_one() -> None:
    reports = [b["reports_violation"] for _, b in demo_bodies(4, 200, TODAY) if "reports_violation" in b]
    assert reports
    for text in reports:
        assert 10 <= len(text) <= 200
        assert re.search("涉嫌|疑似|隐患", text)


def test_some_consumers_come_back() -> None:
    bodies = [b for _, b in demo_bodies(8, 200, TODAY)]
    phones = [b["consumer"]["phone"] for b in bodies]
    assert len(set(phones)) < len(phones)


def test_a_closure_wave_forms_a_cluster() -> None:
    pairs = demo_bodies(1, 200, TODAY)
    dates = sorted(
        _local(at).date() for at, b in pairs if b["merchant"]["name"] == "杭州优学思维教育科技有限公司"
    )
    best = max(sum(1 for d in dates if start <= d <= start + timedelta(days=90)) for start in dates)
    assert best >= 5


def test_access_codes_are_deterministic() -> None:
    first = demo_access_code_choice(5)
    second = demo_access_code_choice(5)
    codes = [new_access_code(first) for _ in range(20)]
    assert codes == [new_access_code(second) for _ in range(20)]
    assert len(set(codes)) == 20
    assert new_access_code(demo_access_code_choice(6)) != codes[0]

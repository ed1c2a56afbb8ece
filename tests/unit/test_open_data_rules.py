"""The open dataset's rules (issue 18 §2): k-anonymity over any generated rows and any k (a property
test), the relief and satisfaction bands, the content hash and a restatement's changes."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import open_data as rules
from domain.return_snapshots import content_hash

GROUPS = {
    "food": "goods",
    "clothing_shoes": "goods",
    "toys": "goods",
    "beauty": "services",
    "repair": "services",
}
SUBDISTRICTS = ("hushu", "mishixiang", "xiaohe", "")


def row(
    subdistrict: str = "hushu", category: str = "food", problem_type: str = "quality", **other: object
) -> rules.Row:
    values: dict[str, object] = {
        "month_received": "2026-09",
        "month_closed": "2026-10",
        "subdistrict": subdistrict,
        "quality_domain": "product",
        "category": category,
        "problem_type": problem_type,
        "channel": "web",
        "route": "mediation",
        "outcome": "settled",
        "handling_days": 12,
        "relief_band": "100_500",
        "satisfaction_band": "90_plus",
        "merchant": "",
    }
    return rules.Row(**{**values, **other})  # type: ignore[arg-type]


rows_strategy = st.lists(
    st.builds(
        row,
        subdistrict=st.sampled_from(SUBDISTRICTS),
        category=st.sampled_from(sorted(GROUPS)),
        problem_type=st.sampled_from(("quality", "after_sales", "price")),
        channel=st.sampled_from(("web", "phone")),
        handling_days=st.integers(0, 90),
        relief_band=st.sampled_from([code for _u, code, _zh, _en in rules.RELIEF_BANDS]),
        merchant=st.sampled_from(("", "杭州某商行")),
    ),
    max_size=120,
)


def generalised_from(out: rules.Row, source: rules.Row) -> bool:
    """`out` is `source` with at most its merchant blanked, then also its category generalised, then also
    its sub-district."""
    same_rest = (
        replace(out, category=source.category, subdistrict=source.subdistrict, merchant=source.merchant)
        == source
    )
    merchant_ok = out.merchant in (source.merchant, "")
    category_ok = out.category == source.category or (
        out.category == GROUPS[source.category] and out.merchant == ""
    )
    subdistrict_ok = out.subdistrict == source.subdistrict or (
        out.subdistrict == rules.DISTRICT and out.category == GROUPS[source.category]
    )
    return same_rest and merchant_ok and category_ok and subdistrict_ok


@settings(max_examples=300, deadline=None)
@given(rows=rows_strategy, k=st.integers(1, 10))
def test_every_published_combination_has_at_least_k_rows(rows: list[rules.Row], k: int) -> None:
    out, counts = rules.anonymise(rows, k, groups=GROUPS)

    sizes = Counter(rules.quasi_identifiers(r) for r in out)
    assert all(size >= k for size in sizes.values())
    assert rules.smallest_combination(out) is None or rules.smallest_combination(out) >= k  # type: ignore[operator]
    # nothing lost without being counted, nothing counted twice
    assert counts.rows_in == len(rows)
    assert counts.rows == len(out)
    assert len(out) + counts.suppressed == len(rows)
    # the generalised counts are the rows that carry a generalised value
    assert counts.generalised_category == sum(
        r.category in GROUPS.values() and r.subdistrict != rules.DISTRICT for r in out
    )
    assert counts.generalised_subdistrict == sum(r.subdistrict == rules.DISTRICT for r in out)
    assert all(r.category in GROUPS.values() for r in out if r.subdistrict == rules.DISTRICT)
    assert all(r.merchant == "" for r in out if r.category in GROUPS.values())
    # a blanked merchant was a named one: at most the named rows that lost their name
    named = sum(r.merchant != "" for r in rows) - sum(r.merchant != "" for r in out)
    assert 0 <= counts.generalised_merchant <= named
    # no value is invented: each row out is a distinct row in, at most generalised
    # (rows out as they came in first, then the least generalised: identical rows are interchangeable)
    unused = Counter(rows) - Counter(out)
    changed = Counter(out) - Counter(rows)
    steps = sorted(
        changed.elements(), key=lambda r: (r.subdistrict == rules.DISTRICT, r.category in GROUPS.values())
    )
    for r in steps:
        match = next((s for s in unused.elements() if generalised_from(r, s)), None)
        assert match is not None, r
        unused[match] -= 1
    # a combination frequent enough is never touched (other rows may join it once generalised)
    frequent = {q for q, n in Counter(rules.quasi_identifiers(r) for r in rows).items() if n >= k}
    assert not Counter(r for r in rows if rules.quasi_identifiers(r) in frequent) - Counter(out)
    assert out == sorted(out)


def test_rare_combinations_are_generalised_step_by_step_then_suppressed() -> None:
    rows = (
        [row(category="food")] * 5  # frequent: kept as it is
        + [row(category="clothing_shoes")] * 3
        + [row(category="toys")] * 2  # with the clothing rows: 5 goods in hushu
        + [row(subdistrict="xiaohe", category="beauty")] * 2
        + [row(subdistrict="mishixiang", category="repair")] * 3  # with xiaohe's: 5 services in the district
        + [row(subdistrict="xiaohe", category="food", problem_type="price")]  # alone even at the district
    )
    out, counts = rules.anonymise(rows, 5, groups=GROUPS)

    assert Counter(rules.quasi_identifiers(r) for r in out) == {
        ("hushu", "food", "quality", ""): 5,
        ("hushu", "goods", "quality", ""): 5,
        (rules.DISTRICT, "services", "quality", ""): 5,
    }
    assert counts == rules.Counts(
        rows_in=16,
        rows=15,
        generalised_merchant=0,
        generalised_category=5,
        generalised_subdistrict=5,
        suppressed=1,
    )
    assert counts.generalised == 10
    assert counts.as_json()["generalised"] == 10


def test_a_named_merchant_is_blanked_where_naming_it_would_leave_fewer_than_k_rows() -> None:
    rows = (
        [row(merchant="甲商行")] * 5  # named five times: kept with its name
        + [row(merchant="乙商行")] * 2  # named twice: blanked, joining the three unnamed rows
        + [row()] * 3
        + [row(category="toys", merchant="丙商行")] * 2  # blanked, still two: goods, still two: gone
    )
    out, counts = rules.anonymise(rows, 5, groups=GROUPS)

    assert Counter(rules.quasi_identifiers(r) for r in out) == {
        ("hushu", "food", "quality", "甲商行"): 5,
        ("hushu", "food", "quality", ""): 5,
    }
    assert "乙商行" not in {r.merchant for r in out}
    assert (counts.generalised_merchant, counts.generalised_category, counts.suppressed) == (2, 0, 2)
    assert counts.generalised == 2


def test_k_of_one_publishes_everything_as_it_is() -> None:
    rows = [row(category=c) for c in GROUPS]
    out, counts = rules.anonymise(rows, 1, groups=GROUPS)
    assert sorted(rows) == out
    assert (counts.generalised, counts.suppressed) == (0, 0)


def test_a_generalised_value_that_is_also_a_specific_one_is_refused() -> None:
    with pytest.raises(ValueError, match="generalised"):
        rules.anonymise([row(category="goods")], 5, groups={**GROUPS, "goods": "goods"})
    with pytest.raises(ValueError, match="generalised"):
        rules.anonymise([row(subdistrict=rules.DISTRICT)], 5, groups=GROUPS)
    with pytest.raises(ValueError):
        rules.anonymise([], 0, groups=GROUPS)


@pytest.mark.parametrize(
    ("fen", "band"),
    [
        (None, "none"),
        (0, "none"),
        (1, "under_100"),
        (99_99, "under_100"),
        (100_00, "100_500"),
        (499_99, "100_500"),
        (500_00, "500_2000"),
        (1_999_99, "500_2000"),
        (2_000_00, "2000_10000"),
        (9_999_99, "2000_10000"),
        (10_000_00, "10000_plus"),
        (123_456_789_00, "10000_plus"),
    ],
)
def test_relief_bands(fen: int | None, band: str) -> None:
    assert rules.relief_band(fen) == band


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (None, "none"),
        (0, "under_60"),
        (Decimal("59.99"), "under_60"),
        (60, "60_80"),
        (Decimal("79.50"), "60_80"),
        (80, "80_90"),
        (89.9, "80_90"),
        (90, "90_plus"),
        (Decimal("100.00"), "90_plus"),
    ],
)
def test_satisfaction_bands(score: int | float | Decimal | None, band: str) -> None:
    assert rules.satisfaction_band(score) == band


def test_out_of_range_amounts_and_scores_are_refused() -> None:
    with pytest.raises(ValueError):
        rules.relief_band(-1)
    with pytest.raises(ValueError):
        rules.satisfaction_band(101)


def test_the_hash_depends_on_every_row_not_on_the_order_given() -> None:
    rows = [row(category="food", handling_days=d) for d in (3, 1, 2, 5, 4)]
    out, counts = rules.anonymise(rows, 5, groups=GROUPS)
    again, _ = rules.anonymise(list(reversed(rows)), 5, groups=GROUPS)
    digest = content_hash(rules.file_content("2026-10", 5, counts, out))
    assert digest == content_hash(rules.file_content("2026-10", 5, counts, again))
    changed = [replace(out[0], handling_days=30), *out[1:]]
    assert digest != content_hash(rules.file_content("2026-10", 5, counts, changed))
    assert rules.file_content("2026-10", 5, counts, out)["columns"] == list(rules.COLUMNS)


def test_a_restatement_counts_the_rows_added_and_removed() -> None:
    old = [row(handling_days=d) for d in (1, 2, 2, 3)]
    new = [row(handling_days=d) for d in (1, 2, 4, 5, 6)]
    assert rules.row_changes(old, new) == {"added": 3, "removed": 2}
    assert rules.row_changes(old, old) == {"added": 0, "removed": 0}


def test_the_dictionary_describes_every_column_in_order() -> None:
    assert [c.name for c in rules.DICTIONARY] == list(rules.COLUMNS)
    assert rules.as_list(rules.from_list(rules.as_list(row()))) == rules.as_list(row())
    assert all(c.zh and c.en for c in rules.DICTIONARY)

"""Chart geometry (service/web/charts.py): values in, SVG coordinates out; no page, no database."""

from __future__ import annotations

from datetime import date

import pytest

from service.web import charts

MONTHS = [date(2026, m, 1) for m in range(1, 5)]


@pytest.mark.parametrize(
    ("value", "bound"),
    [(0, 1.0), (-3, 1.0), (0.7, 1.0), (1, 1.0), (1.5, 2.0), (2.2, 2.5), (3, 5.0), (7, 10.0), (120, 200.0)],
)
def test_nice_max_is_a_round_bound_at_or_above_the_value(value: float, bound: float) -> None:
    assert charts.nice_max(value) == bound


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (1200, "1,200"), (2.5, "2.5"), (0.25, "0.25")])
def test_tick_text(value: float, text: str) -> None:
    assert charts.tick_text(value) == text


def test_hbars_scale_to_the_largest_value() -> None:
    c = charts.hbars([("a", 5, "5件"), ("b", 10, "10件")], width=680, label_w=170)
    plot_w = 680 - 170 - 90
    assert [b.width for b in c["bars"]] == [plot_w / 2, plot_w]
    assert [b.y for b in c["bars"]] == [3, 29] and c["height"] == 2 * 26 + 6


def test_hbars_without_rows_still_have_a_height() -> None:
    c = charts.hbars([])
    assert c["bars"] == [] and c["height"] == 26 + 6


def test_a_trend_line_breaks_where_a_month_has_no_value() -> None:
    c = charts.trend(MONTHS, [("受理量", [10, None, 20, 40], ["10", "—", "20", "40"])])
    (line,) = c["series"]
    assert line.style == "s1" and [p.text for p in line.points] == ["10", "20", "40"]
    assert len(line.segments) == 2 and len(line.segments[1].split(" ")) == 2
    # the axis runs to a round bound above the largest value; the top tick is that bound
    assert c["ticks"][-1]["text"] == "50" and c["ticks"][-1]["y"] == c["top"]
    assert [label["text"] for label in c["labels"]] == ["26年1月", "26年2月", "26年3月", "26年4月"]


def test_points_sit_in_the_middle_of_their_month_and_scale_with_the_axis() -> None:
    c = charts.trend(MONTHS, [("x", [0, 50, 100, 25], ["", "", "", ""])], y_max=100)
    points = c["series"][0].points
    step = (720 - 56 - 16) / 4
    assert [p.x for p in points] == [56 + step * (i + 0.5) for i in range(4)]
    assert points[0].y == c["bottom"] and points[2].y == c["top"]
    assert points[1].y == pytest.approx((c["top"] + c["bottom"]) / 2)


def test_target_whiskers_notes_and_a_custom_tick() -> None:
    c = charts.trend(
        MONTHS,
        [("满意度", [90, 85, None, 95], ["90", "85", "—", "95"])],
        y_max=100,
        target=90,
        whiskers=[(88, 92), None, None, (93, 97)],
        notes=["n=3", "n=2", "n=0", "n=4"],
        tick=lambda v: f"{v:.0f}分",
    )
    assert c["target"]["text"] == "目标 90" and c["target"]["y"] == pytest.approx(
        c["top"] + (c["bottom"] - c["top"]) * 0.1
    )
    assert [w["x"] for w in c["whiskers"]] == [c["labels"][0]["x"], c["labels"][3]["x"]]
    assert [n["text"] for n in c["notes"]] == ["n=3", "n=2", "n=0", "n=4"]
    assert [t["text"] for t in c["ticks"]] == ["0分", "25分", "50分", "75分", "100分"]
    assert c["bottom"] == 14 + 250 - 14 - 52  # notes take room under the axis


def test_at_most_three_styled_series() -> None:
    series = [(str(i), [1, 2, 3, 4], ["", "", "", ""]) for i in range(4)]
    assert [s.style for s in charts.trend(MONTHS, series)["series"]] == ["s1", "s2", "s3"]


def test_score_scale() -> None:
    c = charts.score_scale(82.5, 80, 85, 90, mean_text="82.5")
    plot = 680 - 40
    assert c["mean"] == {"x": 20 + plot * 0.825, "text": "82.5"}
    assert c["interval"] == {"x1": 20 + plot * 0.8, "x2": 20 + plot * 0.85}
    assert c["target"]["text"] == "目标 90" and len(c["ticks"]) == 11
    empty = charts.score_scale(None, None, None, None)
    assert empty["mean"] is None and empty["interval"] is None and empty["target"] is None

"""Chart geometry for the statistics pages: values in, SVG coordinates and point lists out (the templates
draw the elements). Pure: no Litestar, no I/O; texts shown beside the marks arrive already formatted."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

SERIES_STYLES = ("s1", "s2", "s3")  # colour and dash (see the templates), so print in grey still reads


def nice_max(value: float) -> float:
    """A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def tick_text(v: float) -> str:
    """An axis number: 1,200 or 2.5."""
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class HBar:
    label: str
    text: str
    y: float
    width: float


def hbars(items: Sequence[tuple[str, float, str]], *, width: int = 680, label_w: int = 170) -> dict[str, Any]:
    """Horizontal bars: (label, value, text shown after the bar)."""
    row = 26
    top = max((v for _, v, _ in items), default=0) or 1
    plot_w = width - label_w - 90
    return {
        "width": width,
        "height": max(len(items), 1) * row + 6,
        "label_w": label_w,
        "row": row,
        "bars": [
            HBar(label, text, i * row + 3, plot_w * v / top) for i, (label, v, text) in enumerate(items)
        ],
    }


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    style: str
    points: list[Point]
    segments: list[str]  # polyline point lists, broken where a month has no value


@dataclass(frozen=True, slots=True)
class _Frame:
    """The plot area of a trend chart and its scales."""

    left: float
    top: float
    plot_h: float
    step: float
    top_value: float

    def x(self, i: int) -> float:
        return self.left + self.step * (i + 0.5)

    def y(self, v: float) -> float:
        return self.top + self.plot_h * (1 - v / self.top_value)


def series_geometry(
    frame: _Frame, name: str, style: str, values: Sequence[float | None], texts: Sequence[str]
) -> Series:
    """One line: its points and the polylines between them, broken where a month has no value."""
    points: list[Point] = []
    segments: list[str] = []
    current: list[str] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        points.append(Point(frame.x(i), frame.y(v), texts[i]))
        current.append(f"{frame.x(i):.1f},{frame.y(v):.1f}")
    if current:
        segments.append(" ".join(current))
    return Series(name, style, points, segments)


def trend(
    months: Sequence[date],
    series: Sequence[tuple[str, Sequence[float | None], Sequence[str]]],
    *,
    y_max: float | None = None,
    target: float | None = None,
    whiskers: Sequence[tuple[float, float] | None] = (),
    notes: Sequence[str] = (),
    bars: bool = False,
    tick: Callable[[float], str] = tick_text,
) -> dict[str, Any]:
    """A chart of monthly values: lines (or bars for one series), an optional target line, optional
    interval whiskers (satisfaction's 95% CI), a note under each month (its n); `tick` writes the axis."""
    width, height = 720, 250
    left, right, top, bottom = 56, 16, 14, 52 if notes else 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs, _ in series for v in vs if v is not None]
    values += [hi for w in whiskers if w for hi in (w[1],)] + ([target] if target is not None else [])
    top_value = y_max if y_max is not None else nice_max(max(values, default=0))
    step = plot_w / max(len(months), 1)
    frame = _Frame(left, top, plot_h, step, top_value)
    x, y = frame.x, frame.y
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "bar_w": step * 0.6,
        "bars": bars,
        "labels": [{"x": x(i), "text": f"{m.year % 100:02d}年{m.month}月"} for i, m in enumerate(months)],
        "notes": [{"x": x(i), "text": t} for i, t in enumerate(notes)],
        "ticks": [{"y": y(top_value * k / 4), "text": tick(top_value * k / 4)} for k in range(5)],
        "series": [
            series_geometry(frame, name, style, vs, texts)
            for (name, vs, texts), style in zip(series, SERIES_STYLES, strict=False)
        ],
        "target": {"y": y(target), "text": f"目标 {target:g}"} if target is not None else None,
        "whiskers": [
            {"x": x(i), "y1": y(w[0]), "y2": y(w[1])} for i, w in enumerate(whiskers) if w is not None
        ],
    }


def score_scale(
    mean: float | None, low: float | None, high: float | None, target: float | None, *, mean_text: str = ""
) -> dict[str, Any]:
    """One satisfaction score on a 0–100 scale with its interval and the target."""
    width, left, right = 680, 20, 20
    plot = width - left - right

    def x(v: float) -> float:
        return left + plot * v / 100

    return {
        "width": width,
        "height": 88,
        "ticks": [{"x": x(v), "text": str(v)} for v in range(0, 101, 10)],
        "mean": {"x": x(mean), "text": mean_text} if mean is not None else None,
        "interval": {"x1": x(low), "x2": x(high)} if low is not None and high is not None else None,
        "target": {"x": x(target), "text": f"目标 {target:g}"} if target is not None else None,
        "left": left,
        "right": width - right,
    }

"""A monthly return's snapshot: its canonical JSON and content hash, and what changed between two versions
of it (the restatement's list of changes, labelled in Chinese)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from domain.indicator_definitions import BY_CODE

# --- snapshots --------------------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no white space, UTF-8: the same figures always give the same bytes."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


def content_hash(figures: Any) -> str:
    return hashlib.sha256(canonical_json(figures)).hexdigest()


@dataclass(frozen=True, slots=True)
class Change:
    path: str  # "summary/received", "breakdowns/category/food/count"
    label: str  # in Chinese, for people
    old: Any
    new: Any

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "label": self.label, "old": self.old, "new": self.new}


SECTION_LABELS: dict[str, str] = {
    "summary": "总览",
    "breakdowns": "分布",
    "quality_domain": "质量领域",
    "category": "分类",
    "problem_type": "问题类型",
    "subdistrict": "街道",
    "channel": "渠道",
    "route": "处理方式",
    "rejections_by_ground": "不予受理情形",
    "outcomes": "办结结果",
    "arbitration_awards": "仲裁裁决",
    "merchants": "经营者",
    "comparisons": "比较",
    "mom": "环比",
    "yoy": "同比",
    "deltas": "变化",
    "period": "统计期间",
    "count": "件数",
    "share": "占比",
    "complaints": "投诉件数",
    "replies_due": "应答复数",
    "replies_on_time": "按时答复数",
    "on_time_reply_rate": "按时答复率",
    "base": "基数",
    "change": "增减",
    "relative": "增幅",
}


def diff(old: Any, new: Any) -> list[Change]:
    """What changed from one version's figures to the next. Lists of rows with a "code" are matched by
    code, so a reordered table shows the counts that changed, not every row."""
    out: list[Change] = []
    _diff(old, new, (), (), out)
    return out


def _keyed(rows: Any) -> dict[str, Any] | None:
    if isinstance(rows, list) and all(isinstance(r, dict) and "code" in r for r in rows):
        return {str(r["code"]): r for r in rows}
    return None


def _row_label(row: Any) -> str | None:
    if isinstance(row, dict):
        for key in ("label", "name"):
            if isinstance(row.get(key), str):
                return str(row[key])
    return None


def _diff(old: Any, new: Any, path: tuple[str, ...], label: tuple[str, ...], out: list[Change]) -> None:
    if old == new and type(old) is type(new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            name = BY_CODE[key].name_zh if key in BY_CODE else SECTION_LABELS.get(key, key)
            _diff(old.get(key), new.get(key), (*path, key), (*label, name), out)
        return
    old_rows, new_rows = _keyed(old), _keyed(new)
    if old_rows is not None and new_rows is not None:
        for code in sorted(set(old_rows) | set(new_rows)):
            a, b = old_rows.get(code), new_rows.get(code)
            name = _row_label(b) or _row_label(a) or code
            if a is None or b is None:
                out.append(Change("/".join((*path, code)), " · ".join((*label, name)), a, b))
            else:
                _diff(
                    {k: v for k, v in a.items() if k not in ("code", "rank")},
                    {k: v for k, v in b.items() if k not in ("code", "rank")},
                    (*path, code),
                    (*label, name),
                    out,
                )
        return
    if old == new:  # 1 and 1.0
        return
    out.append(Change("/".join(path), " · ".join(label), old, new))

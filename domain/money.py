"""Money is integer fen (分); people and the API speak decimal yuan strings ("399.00")."""

from __future__ import annotations

import re
import unicodedata

MAX_AMOUNT_FEN = 1_000_000_000  # ten million yuan: above any consumer dispute, below any overflow
_YUAN = re.compile(r"^(\d{1,10})(?:\.(\d{1,2}))?$")
# what people type around the figure: "¥350", "350元", "人民币350元", "350 元" all mean 350.00 yuan
_CURRENCY_PREFIX = ("人民币", "RMB", "¥")
_CURRENCY_SUFFIX = ("元整", "元", "圆")


def parse_yuan(raw: str) -> int | None:
    """Yuan text to fen: "399.5" → 39950; None unless a non-negative amount with at most two decimals."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
    text = _strip_currency(text)
    match = _YUAN.match(text)
    if not match:
        return None
    whole, frac = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(frac)


def _strip_currency(text: str) -> str:
    for prefix in _CURRENCY_PREFIX:
        if text.upper().startswith(prefix):
            text = text[len(prefix) :].strip()
            break
    for suffix in _CURRENCY_SUFFIX:
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    return text


def format_yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"

"""How a text message is split on the air (3GPP TS 23.038 / 23.040): pure arithmetic, no gateway.

A message whose every character is in the GSM 7-bit alphabet goes as GSM-7: 160 characters alone, 153
per part of a concatenated message (the user data header takes 7). Any other character (Chinese, 【】,
curly quotes) makes the whole message UCS-2: 70 alone, 67 per part. Characters of the GSM extension
table (€, [, ], {, }, …) cost two septets each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

MAX_PARTS = 3  # the most parts a notice may take (the gateway's max-messages): more is a template bug


class Coding(StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"


SINGLE = {Coding.GSM7: 160, Coding.UCS2: 70}
PER_PART = {Coding.GSM7: 153, Coding.UCS2: 67}


@dataclass(frozen=True, slots=True)
class Segments:
    coding: Coding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int


def coding_of(text: str) -> Coding:
    ok = all(ch in _GSM_BASIC or ch in _GSM_EXTENSION for ch in text)
    return Coding.GSM7 if ok else Coding.UCS2


def segments(text: str) -> Segments:
    """The coding a text needs, its length in that coding, and how many messages it takes."""
    coding = coding_of(text)
    if coding is Coding.GSM7:
        units = sum(2 if ch in _GSM_EXTENSION else 1 for ch in text)
    else:
        units = len(text.encode("utf-16-be")) // 2  # a character outside the BMP takes two
    if units <= SINGLE[coding]:
        return Segments(coding, units, 1)
    return Segments(coding, units, -(-units // PER_PART[coding]))

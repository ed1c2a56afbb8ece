"""Staff pages speak of the consumer in the third person.

The routing rules explain themselves to the consumer ("您已同意调解"), and those sentences are stored
with the decision; staff pages and records read them as "消费者已同意调解". One rewrite, at display.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# longest first: "向您" must not become "向消费者" twice, "您的" keeps its particle
_THIRD_PERSON = (
    ("您们", "消费者"),
    ("您", "消费者"),
)


def third_person(text: str) -> str:
    """A consumer-facing sentence as staff read it: 您 → 消费者."""
    for second, third in _THIRD_PERSON:
        text = text.replace(second, third)
    return text


def staff_explanation(explanation: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored routing explanation with its reasons and summary in the third person."""
    if explanation is None:
        return None
    out = dict(explanation)
    for key in ("fired", "checked"):
        hits = explanation.get(key)
        if isinstance(hits, list):
            out[key] = [
                {**hit, "reason": third_person(str(hit.get("reason", "")))}
                if isinstance(hit, Mapping)
                else hit
                for hit in hits
            ]
    if isinstance(explanation.get("summary"), str):
        out["summary"] = third_person(explanation["summary"])
    return out

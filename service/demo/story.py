"""After acceptance: what the demo's lifecycle (`service.demo.lifecycle`) deals from, read once from
`data/story.json`.

The lifecycle plays each complaint through the real use cases; these tables only say how often each way
and ending happens and what people wrote on the way. The (code, weight) tables are dealt in proportion
across the whole demo (`Dealer`), so even a small demo reaches every ending; the details (days, amounts,
wording) are drawn from the case's own `random.Random`. Both depend on the seed only.

The tables: `CHANNELS` how complaints arrive (the consumer's web form, or recorded by the clerk; a letter
is recorded `LETTER_DAYS` after it arrived); `NAMING` how a consumer on the web names the business (as
registered, or as people say it without its credit code, for the registry search to rank); `UNDECIDED`
and `STALLS` a few complaints wait past their acceptance deadline and a few stalled mediations past
theirs; `SPAM` fake filings, found on reading; `MEDIATION_PLANS` settle (after a product test: the clock
stops, then the parties settle), terminate because the business refuses or does not turn up (art. 23 (2))
or because offers go back and forth without agreement (art. 23 (3)), withdraw, duplicate, stall (past its
limit it is terminated, art. 23 (5), or still overdue); `ENFORCEMENT` of complaints with a report;
`FIRST_PAYMENT_PLANS` (a missed deadline leads to a payout from the deposit, recourse and a top-up, late
ones flagged by the daily job: `TOP_UPS`); `RESPONSES` of the surveys sent; `APPEALS` of the scores below
60. Moods: how a consumer answers the follow-up, by how the case went for them — mostly 80–100 (the
district's target is 90), a few below 60, who may ask for a reopen or appeal.
"""

from __future__ import annotations

import random
import zlib
from typing import Any

from service.demo.catalog import load, tuples

Weighted = tuple[tuple[str, int], ...]

_STORY = load("story")
_WEIGHTS: dict[str, Any] = tuples(_STORY["weights"])
_TEXTS: dict[str, Any] = tuples(_STORY["texts"])

EVIDENCE_SHARE = 0.7  # web complaints that come with a photo of the receipt (proof of purchase)
LETTER_DAYS = (1, 3)
CHANNELS: Weighted = _WEIGHTS["channels"]
NAMING: Weighted = _WEIGHTS["naming"]
UNDECIDED: Weighted = _WEIGHTS["undecided"]
STALLS: Weighted = _WEIGHTS["stalls"]
SPAM: Weighted = _WEIGHTS["spam"]
MEDIATION_PLANS: Weighted = _WEIGHTS["mediation_plans"]
ENFORCEMENT: Weighted = _WEIGHTS["enforcement"]
FIRST_PAYMENT_PLANS: Weighted = _WEIGHTS["first_payment_plans"]
TOP_UPS: Weighted = _WEIGHTS["top_ups"]
AWARDS: Weighted = _WEIGHTS["awards"]
PERFORMANCE: Weighted = _WEIGHTS["performance"]
RESPONSES: Weighted = _WEIGHTS["responses"]
APPEALS: Weighted = _WEIGHTS["appeals"]
APPEAL_DECISIONS: Weighted = _WEIGHTS["appeal_decisions"]

SPAM_REASON: str = _TEXTS["spam_reason"]
CONTACT_NOTES: dict[str, tuple[str, ...]] = _TEXTS["contact_notes"]
SESSION_NOTES: tuple[str, ...] = _TEXTS["session_notes"]
SESSION_PLACES: tuple[str, ...] = _TEXTS["session_places"]
OFFER_NOTES: dict[str, tuple[str | None, ...]] = _TEXTS["offer_notes"]
SETTLEMENT_WORDING: tuple[str, ...] = _TEXTS["settlement_wording"]
TESTS: tuple[tuple[str, str], ...] = _TEXTS["tests"]  # testing institution, fee in yuan
TEST_RESULTS: tuple[str, ...] = _TEXTS["test_results"]
# by the termination ground's number (art. 23)
TERMINATION_NOTES: dict[int, tuple[str, ...]] = {int(k): v for k, v in _TEXTS["termination_notes"].items()}
WITHDRAW_NOTES: tuple[str, ...] = _TEXTS["withdraw_notes"]
DUPLICATE_NOTE: str = _TEXTS["duplicate_note"]
ENFORCEMENT_NOTE: str = _TEXTS["enforcement_note"]
MERCHANT_REFUSALS: tuple[str, ...] = _TEXTS["merchant_refusals"]
FOOD_OVERRIDE_REASON: str = _TEXTS["food_override_reason"]
NO_PAYER_REASON: str = _TEXTS["no_payer_reason"]
DEPOSIT_SHORT_REASON: str = _TEXTS["deposit_short_reason"]
PAYOUT_CLOSE_NOTE: str = _TEXTS["payout_close_note"]
MERCHANT_PAID_NOTE: str = _TEXTS["merchant_paid_note"]
REOPEN_AFTER_DEFAULT: str = _TEXTS["reopen_after_default"]
APPEAL_REASONS: tuple[str, ...] = _TEXTS["appeal_reasons"]
APPEAL_DECLINES: tuple[str, ...] = _TEXTS["appeal_declines"]
APPEAL_ACCEPTS: tuple[str, ...] = _TEXTS["appeal_accepts"]
REOPEN_OVERRIDE_REASON: str = _TEXTS["reopen_override_reason"]
SURVEY_COMMENTS: tuple[str | None, ...] = _TEXTS["survey_comments"]
CLUSTER_DECISIONS: tuple[str, ...] = _TEXTS["cluster_decisions"]
CLUSTER_NOTES: dict[str, str] = _TEXTS["cluster_notes"]

_MOODS: dict[str, Weighted] = tuples(_STORY["moods"])  # (level, weight) per question, by mood
_MOOD_BY_OUTCOME: dict[str, Weighted] = tuples(_STORY["mood_by_outcome"])
_DEFAULT_MOODS: Weighted = tuples(_STORY["default_moods"])


class Dealer:
    """Deals the codes of a (code, weight) table in proportion, spread out (smooth weighted round robin):
    every code comes up within the first total-weight deals, so even a small demo shows each ending."""

    def __init__(self, weighted: Weighted) -> None:
        self._weights = dict(weighted)
        self._credit = dict.fromkeys(self._weights, 0)
        self._total = sum(self._weights.values())

    def deal(self) -> str:
        for code, weight in self._weights.items():
            self._credit[code] += weight
        best = max(self._credit, key=self._credit.__getitem__)  # ties: the first in the table
        self._credit[best] -= self._total
        return best


def _pick(rng: random.Random, weighted: Weighted) -> str:
    codes, weights = zip(*weighted, strict=True)
    return str(rng.choices(codes, weights=weights)[0])


def moods_for(outcome: str) -> Weighted:
    """How consumers feel about an ending: a (mood, weight) table."""
    return _MOOD_BY_OUTCOME.get(outcome, _DEFAULT_MOODS)


def survey_form(rng: random.Random, mood: str) -> dict[str, str | None]:
    """A consumer's answers to the five questions (level codes of domain.satisfaction) and a comment."""
    levels = _MOODS[mood]
    form: dict[str, str | None] = {
        q: _pick(rng, levels) for q in ("timeliness", "fairness", "attitude", "outcome", "overall")
    }
    form["comment"] = rng.choice(SURVEY_COMMENTS) if mood in ("pleased", "content") else None
    return form


def receipt_png(rng: random.Random) -> bytes:
    """A small grey PNG standing in for a photographed receipt: a real image, a few hundred bytes."""
    width, height = 48, 64
    paper, ink = b"\xeb" * width, b"\x3c"
    rows = []
    for y in range(height):
        line = paper
        if y % 6 in (2, 3) and 4 <= y < height - 4:  # a printed line of some length
            length = rng.randint(20, 36)
            line = paper[:6] + ink * length + paper[6 + length :]
        rows.append(b"\x00" + line)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + (zlib.crc32(body) & 0xFFFFFFFF).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 0, 0, 0, 0))  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )

"""Offers and answers in mediation: what a proposal and an answer must contain, which side may answer,
and when an open offer reads as expired. Nothing here reads a clock: `today` is passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.mediation import ANSWERS, NOTE_MAX, PARTIES, PERFORM_DAYS_DEFAULT, MediationConflict
from domain.mediation_fields import MediationFields
from domain.taxonomy import REQUEST_KINDS


@dataclass(frozen=True, slots=True)
class OfferInput:
    from_party: str
    remedy: str
    amount_fen: int
    answer_by: date
    note: str | None
    perform_by: date | None = None  # the performance date the proposal asks for


def _offer_fields(
    f: MediationFields, remedy: object, amount: object, answer_by: object, note: object, today: date
) -> tuple[str | None, int | None, date | None, str | None]:
    clean_remedy = f.code("remedy", remedy, REQUEST_KINDS, missing="请选择处理方式（修理、退货、赔偿等）")
    fen = f.money("amount", amount, missing="请填写金额（元）；不涉及金额的填 0")
    clean_by = f.day("answer_by", answer_by, missing="请填写答复期限", today=today)
    clean_note = f.text("note", note, required=None, max_len=NOTE_MAX)
    return clean_remedy, fen, clean_by, clean_note


def _perform_by(f: MediationFields, raw: object, answer_by: date | None, today: date) -> date | None:
    """The performance date an offer asks for: optional, not before the answer deadline."""
    value = f.day("perform_by", raw, missing=None, today=today)
    if value is not None and answer_by is not None and value < answer_by:
        f.fail("perform_by", "before_answer", "履行期限不能早于答复期限", "Not before the answer deadline")
        return None
    return value


def offer_input(
    from_party: object,
    remedy: object,
    amount: object,
    answer_by: object,
    note: object,
    *,
    today: date,
    perform_by: object = None,
) -> OfferInput:
    f = MediationFields()
    clean_party = f.code("from_party", from_party, PARTIES, missing="请选择方案由哪一方提出")
    clean_remedy, fen, clean_by, clean_note = _offer_fields(f, remedy, amount, answer_by, note, today)
    clean_perform = _perform_by(f, perform_by, clean_by, today)
    f.done()
    assert clean_party and clean_remedy and fen is not None and clean_by
    return OfferInput(clean_party, clean_remedy, fen, clean_by, clean_note, clean_perform)


@dataclass(frozen=True, slots=True)
class AnswerInput:
    answer: str  # accept | refuse | counter
    note: str | None  # why refused, or what the acceptance adds; a counter's own note
    counter: OfferInput | None  # the counter-offer, from the answering side
    perform_by: date | None  # a performance deadline agreed on acceptance (staff only)


def answer_input(
    answer: object,
    *,
    answering: str,
    remedy: object = None,
    amount: object = None,
    answer_by: object = None,
    note: object = None,
    perform_by: object = None,
    today: date,
) -> AnswerInput:
    """An answer from `answering` (consumer | merchant): accept, refuse, or counter with a new offer.
    `perform_by`: on a counter-offer the date it asks for; on acceptance the date the mediator sets."""
    f = MediationFields()
    kind = f.code("answer", answer, ANSWERS, missing="请选择：接受、拒绝或提出反方案")
    counter = None
    clean_note: str | None
    clean_perform: date | None = None
    if kind == "counter":
        clean_remedy, fen, clean_by, clean_note = _offer_fields(f, remedy, amount, answer_by, note, today)
        asked = _perform_by(f, perform_by, clean_by, today)
        if clean_remedy and fen is not None and clean_by:
            counter = OfferInput(answering, clean_remedy, fen, clean_by, clean_note, asked)
    else:
        clean_note = f.text("note", note, required=None, max_len=NOTE_MAX)
    if kind == "accept":
        clean_perform = f.day("perform_by", perform_by, missing=None, today=today)
    f.done()
    assert kind is not None
    return AnswerInput(kind, clean_note, counter, clean_perform)


def other_party(party: str) -> str:
    return "merchant" if party == "consumer" else "consumer"


def check_answering_side(offer_from: str, answering: str) -> None:
    """Only the other side answers an offer: nobody accepts (or counters) its own proposal."""
    if answering == offer_from:
        raise MediationConflict(
            "own_offer",
            f"该方案由{PARTIES[offer_from][0]}提出，应由{PARTIES[other_party(offer_from)][0]}答复",
        )


def effective_status(status: str, answer_by: date, today: date) -> str:
    """An open offer whose answer deadline has passed reads as expired before the job marks it."""
    return "expired" if status == "open" and answer_by < today else status


def default_perform_by(answer_by: date) -> date:
    return answer_by + timedelta(days=PERFORM_DAYS_DEFAULT)

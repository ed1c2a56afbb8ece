"""Mediation and its endings (DESIGN §2.6; SAMR Order 121 arts. 22–24).

Pure rules over plain values: what a contact, a session, an offer, an answer, a recusal, a termination
and a settlement's performance must contain; which side may answer an offer; the settlement's terms in
plain Chinese; the eight termination reasons of art. 23 and the routes that remain to the consumer.
Nothing here reads a clock: `today` and `now` are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from domain.calendar import Deadline, Unit, WorkCalendar, compute_deadline
from domain.errors import CodedConflict
from domain.mediation_fields import MediationFields
from domain.mediation_terms import TERMINATION_REASONS

NOTE_MAX = 2000
TEXT_MAX = 200  # a place: a name or an address
ATTENDEES_MAX = 500
PERFORM_DAYS_DEFAULT = 7  # the settlement is performed within 7 days of the offer's answer deadline
PARTIES: dict[str, tuple[str, str]] = {
    "consumer": ("消费者", "The consumer"),
    "merchant": ("经营者", "The business"),
}

CONTACT_METHODS: dict[str, tuple[str, str]] = {
    "phone": ("电话", "Phone"),
    "visit": ("上门或来访", "Visit"),
    "message": ("短信、微信或信函", "Message or letter"),
}

SESSION_MODES: dict[str, tuple[str, str]] = {
    "on_site": ("现场调解", "On site"),
    "phone": ("电话调解", "By phone"),
    "video": ("视频调解", "By video"),
}

OFFER_STATUSES: dict[str, tuple[str, str]] = {
    "open": ("等待答复", "Awaiting an answer"),
    "accepted": ("已接受", "Accepted"),
    "refused": ("已拒绝", "Refused"),
    "countered": ("已提出反方案", "Countered"),
    "expired": ("已过答复期限", "Expired"),
    "withdrawn": ("已撤回", "Withdrawn"),
}

ANSWERS: dict[str, tuple[str, str]] = {
    "accept": ("接受", "Accept"),
    "refuse": ("拒绝", "Refuse"),
    "counter": ("提出反方案", "Counter-offer"),
}

ANSWERED_VIA: dict[str, tuple[str, str]] = {
    "tracking": ("消费者在查询页面答复", "On the tracking page"),
    "merchant_link": ("经营者通过答复链接答复", "Through the merchant link"),
    "phone": ("调解员记录的电话答复", "By phone, recorded by the mediator"),
}

PERFORMANCE: dict[str, tuple[str, str]] = {
    "pending": ("待履行", "To be performed"),
    "performed": ("已履行", "Performed"),
    "not_performed": ("未按期履行", "Not performed by the deadline"),
}
PERFORMANCE_RECORDS = ("performed", "not_performed")

SETTLEMENT_STATUSES: dict[str, tuple[str, str]] = {
    "draft": ("草稿，待调解员审核", "Draft, awaiting the mediator's review"),
    "issued": ("已出具，待双方确认", "Issued, awaiting both parties' confirmation"),
    "effective": ("双方已确认，已生效", "Confirmed by both parties: in effect"),
}

# How a party's confirmation of the settlement was given; the mediator records the last three.
CONFIRMED_VIA: dict[str, tuple[str, str]] = {
    "tracking": ("消费者在查询页面确认", "On the tracking page"),
    "merchant_link": ("经营者通过答复链接确认", "Through the merchant link"),
    "on_site": ("现场确认", "On site, recorded by the mediator"),
    "phone": ("电话确认", "By phone, recorded by the mediator"),
    "signature": ("在纸质调解书上签字（盖章）", "Signed on paper"),
    "before_review": ("按原流程签字确认", "Signed under the earlier procedure"),
}
STAFF_CONFIRM_MEANS = ("on_site", "phone", "signature")
WORDING_MAX = 1000

RECUSAL_DECISIONS: dict[str, tuple[str, str]] = {
    "granted": ("同意回避，更换调解员", "Granted: another mediator"),
    "denied": ("不同意回避", "Denied"),
}


class MediationConflict(CodedConflict):
    """A mediation step clashes with the record (no longer in mediation, an offer already answered, the
    wrong side answering …): HTTP 409. `code` is stable (pages put it in a redirect); str(exc) is Chinese."""


def not_in_mediation() -> MediationConflict:
    return MediationConflict("not_in_mediation", "案件不在调解阶段，不能办理此事项")


def recusal_open() -> MediationConflict:
    return MediationConflict("recusal_open", "当事人申请调解员回避，待科长决定后才能继续")


# --- the record: contacts and sessions ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactInput:
    party: str
    method: str
    at: datetime
    note: str | None


def contact_input(
    party: object, method: object, at: object, note: object, *, now: datetime, tz: tzinfo
) -> ContactInput:
    f = MediationFields()
    clean_party = f.code("party", party, PARTIES, missing="请选择联系的是哪一方")
    clean_method = f.code("method", method, CONTACT_METHODS, missing="请选择联系方式")
    clean_at = f.moment("at", at, now=now, tz=tz)
    clean_note = f.text("note", note, required=None, max_len=NOTE_MAX)
    f.done()
    assert clean_party is not None and clean_method is not None
    return ContactInput(clean_party, clean_method, clean_at, clean_note)


@dataclass(frozen=True, slots=True)
class SessionInput:
    mode: str
    at: datetime
    place: str | None
    attendees: str
    note: str | None


def session_input(
    mode: object, at: object, place: object, attendees: object, note: object, *, now: datetime, tz: tzinfo
) -> SessionInput:
    f = MediationFields()
    clean_mode = f.code("mode", mode, SESSION_MODES, missing="请选择调解方式")
    clean_at = f.moment("at", at, now=now, tz=tz)
    clean_place = f.text(
        "place", place, required="现场调解请填写地点" if mode == "on_site" else None, max_len=TEXT_MAX
    )
    clean_attendees = f.text("attendees", attendees, required="请填写参加人员", max_len=ATTENDEES_MAX)
    clean_note = f.text("note", note, required=None, max_len=NOTE_MAX)
    f.done()
    assert clean_mode is not None and clean_attendees is not None
    return SessionInput(clean_mode, clean_at, clean_place, clean_attendees, clean_note)


@dataclass(frozen=True, slots=True)
class ReviewInput:
    wording: str | None
    perform_by: date


def review_input(wording: object, perform_by: object, *, current: date, today: date) -> ReviewInput:
    """The mediator's review of the draft: the confirmed wording of any further agreement, and the
    performance date (kept when blank)."""
    f = MediationFields()
    clean_wording = f.text("wording", wording, required=None, max_len=WORDING_MAX)
    clean_perform = f.day("perform_by", perform_by, missing=None, today=today)
    f.done()
    return ReviewInput(clean_wording, clean_perform or current)


@dataclass(frozen=True, slots=True)
class ConfirmationInput:
    party: str
    via: str


def staff_confirmation_input(party: object, means: object) -> ConfirmationInput:
    """A party's confirmation recorded by the mediator, with how it was given."""
    f = MediationFields()
    clean_party = f.code("party", party, PARTIES, missing="请选择确认的是哪一方")
    clean_means = f.code(
        "means",
        means,
        {k: CONFIRMED_VIA[k] for k in STAFF_CONFIRM_MEANS},
        missing="请选择确认方式：现场、电话或书面签字",
    )
    f.done()
    assert clean_party is not None and clean_means is not None
    return ConfirmationInput(clean_party, clean_means)


def settlement_status(status: str, consumer_confirmed: bool, merchant_confirmed: bool) -> str:
    """draft → issued → effective (both parties confirmed)."""
    if status == "issued" and consumer_confirmed and merchant_confirmed:
        return "effective"
    return status


def survey_ready(performance: str, perform_by: date, today: date) -> bool:
    """A settled case is rated once its performance is known: recorded, or the date has passed."""
    return performance != "pending" or perform_by < today


@dataclass(frozen=True, slots=True)
class PerformanceInput:
    performance: str
    note: str | None


def performance_input(performance: object, note: object) -> PerformanceInput:
    f = MediationFields()
    kind = f.code("performance", performance, PERFORMANCE_RECORDS, missing="请选择：已履行或未按期履行")
    clean_note = f.text(
        "note",
        note,
        required="请说明未履行的情况" if performance == "not_performed" else None,
        max_len=NOTE_MAX,
    )
    f.done()
    assert kind is not None
    return PerformanceInput(kind, clean_note)


def commitment_active(active_from: date, active_until: date | None, today: date) -> bool:
    return active_from <= today and (active_until is None or today <= active_until)


# --- recusal ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecusalInput:
    party: str
    reason: str


def recusal_input(party: object, reason: object) -> RecusalInput:
    f = MediationFields()
    clean_party = f.code("party", party, PARTIES, missing="请选择申请回避的一方")
    clean_reason = f.text("reason", reason, required="请写明申请回避的理由", max_len=NOTE_MAX)
    f.done()
    assert clean_party is not None and clean_reason is not None
    return RecusalInput(clean_party, clean_reason)


@dataclass(frozen=True, slots=True)
class RecusalDecision:
    decision: str
    new_mediator: int | None
    note: str | None


def recusal_decision(decision: object, new_mediator: object, note: object) -> RecusalDecision:
    f = MediationFields()
    kind = f.code("decision", decision, RECUSAL_DECISIONS, missing="请选择：同意回避或不同意")
    mediator = f.ident("new_mediator", new_mediator, missing=None)
    if kind == "denied" and mediator is not None:
        f.fail("new_mediator", "not_expected", "不同意回避时不更换调解员", "Only when the recusal is granted")
    clean_note = f.text(
        "note", note, required="不同意回避请写明理由" if kind == "denied" else None, max_len=NOTE_MAX
    )
    f.done()
    assert kind is not None
    return RecusalDecision(kind, mediator, clean_note)


# --- termination and reopening ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TerminationInput:
    reason: int
    note: str


def termination_input(reason: object, note: object) -> TerminationInput:
    f = MediationFields()
    number: int | None = None
    if reason is None or reason == "":
        f.fail("reason", "required", "请选择终止调解的理由", "Choose a reason")
    else:
        if isinstance(reason, str) and reason.strip().isdigit():
            reason = int(reason.strip())
        if isinstance(reason, bool) or not isinstance(reason, int) or reason not in TERMINATION_REASONS:
            f.fail("reason", "unknown_code", "不是可选的选项", "Not one of the allowed codes")
        else:
            number = reason
    clean_note = f.text("note", note, required="请写明终止调解的具体情况", max_len=NOTE_MAX)
    f.done()
    assert number is not None and clean_note is not None
    return TerminationInput(number, clean_note)


def notice_due(cal: WorkCalendar, terminated_on: date, days: int, unit: Unit) -> Deadline:
    """Both parties are told within the rule set's notice period (7 working days under Order 121)."""
    return compute_deadline(cal, terminated_on, days, unit)


def optional_note(note: object) -> str | None:
    f = MediationFields()
    clean = f.text("note", note, required=None, max_len=NOTE_MAX)
    f.done()
    return clean


def reopen_reason(reason: object) -> str:
    f = MediationFields()
    clean = f.text("reason", reason, required="请写明重新办理的理由", max_len=NOTE_MAX)
    f.done()
    assert clean is not None
    return clean

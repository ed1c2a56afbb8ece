"""Mediation and its endings (DESIGN §2.6; SAMR Order 121 arts. 22–24).

Pure rules over plain values: what a contact, a session, an offer, an answer, a recusal, a termination
and a settlement's performance must contain; which side may answer an offer; the settlement's terms in
plain Chinese; the eight termination reasons of art. 23 and the routes that remain to the consumer.
Nothing here reads a clock: `today` and `now` are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from domain.calendar import Deadline, Unit, WorkCalendar, compute_deadline
from domain.errors import Conflict
from domain.fields import Fields
from domain.money import format_yuan, parse_yuan
from domain.taxonomy import REQUEST_KINDS

NOTE_MAX = 2000
TEXT_MAX = 200  # a place: a name or an address
ATTENDEES_MAX = 500
MAX_AMOUNT_FEN = 1_000_000_000  # ten million yuan: above any consumer dispute, below any overflow
ANSWER_WINDOW_DAYS = 365  # an answer deadline further away than this is a typing error
PERFORM_DAYS_DEFAULT = 7  # the settlement is performed within 7 days of the offer's answer deadline
FUTURE_SLACK = timedelta(minutes=10)  # a contact "now" typed on a clock a little ahead is not the future
ID_MAX = 2**63

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

# Order 121 art. 23: the grounds on which mediation is terminated.
TERMINATION_REASONS: dict[int, tuple[str, str]] = {
    1: (
        "投诉人撤回投诉或者双方自行和解",
        "The complaint was withdrawn or the parties settled between themselves",
    ),
    2: (
        "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
        "A party did not attend without good reason, or the business refused mediation",
    ),
    3: ("投诉人或者被投诉人明确表示无法达成调解协议", "A party stated that no agreement is possible"),
    4: (
        "投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
        "The parties could not agree on the testing institution or on who pays for testing",
    ),
    5: ("调解期限届满，投诉人和被投诉人未能达成调解协议", "The time limit was reached without an agreement"),
    6: ("受理投诉后发现存在不予受理情形", "A ground for non-acceptance was found after acceptance"),
    7: (
        "投诉人或者被投诉人死亡，或者作为当事人的法人、其他组织终止",
        "A party died, or a party that is an organisation ceased to exist",
    ),
    8: ("法律、法规、规章规定的应当终止调解的其他情形", "Other grounds in laws, regulations or rules"),
}

# What remains to a consumer once mediation ended without a performed agreement (CPL art. 39).
REMAINING_ROUTES: tuple[tuple[str, str], ...] = (
    (
        "根据与经营者达成的仲裁协议，向仲裁机构申请仲裁",
        "Apply to an arbitration institution under an arbitration agreement with the business",
    ),
    ("向人民法院提起诉讼", "Bring a lawsuit in a people's court"),
    (
        "争议金额较小的，可以向人民法院申请适用小额诉讼程序，一审终审、审理快捷",
        "For a small amount, ask the court for the small claims procedure (quick, one instance)",
    ),
)
FIRST_PAYMENT_HINT = (
    "经营者作出了先行赔付承诺，您可以申请先行赔付：请拨打 12315 或联系办案人员。",
    "The business has a first-payment commitment: you may apply for first payment.",
)

_CN = "〇一二三四五六七八九十"


class MediationConflict(Conflict):
    """A mediation step clashes with the record (no longer in mediation, an offer already answered, the
    wrong side answering …): HTTP 409. `code` is stable (pages put it in a redirect); str(exc) is Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def not_in_mediation() -> MediationConflict:
    return MediationConflict("not_in_mediation", "案件不在调解阶段，不能办理此事项")


def recusal_open() -> MediationConflict:
    return MediationConflict("recusal_open", "当事人申请调解员回避，待科长决定后才能继续")


# --- reading the fields ------------------------------------------------------------------------------


class _Form(Fields):
    def money(self, field: str, raw: object, *, missing: str) -> int | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            self.fail(field, "required", missing, "This field is required")
            return None
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            self.fail(field, "invalid_type", '金额应写成文字，如 "300.00"', 'A decimal string, e.g. "300.00"')
            return None
        fen = parse_yuan(raw)
        if fen is None:
            self.fail(
                field,
                "invalid_amount",
                "金额格式不正确：以元为单位，最多两位小数",
                "Yuan, at most two decimals",
            )
            return None
        if fen > MAX_AMOUNT_FEN:
            self.fail(field, "too_large", "金额过大，请核对", "Amount is implausibly large")
            return None
        return fen

    def day(self, field: str, raw: object, *, missing: str | None, today: date) -> date | None:
        """A date from today on (an answer or performance deadline), within the answer window."""
        if raw is None or raw == "":
            if missing:
                self.fail(field, "required", missing, "This field is required")
            return None
        if isinstance(raw, date) and not isinstance(raw, datetime):
            value = raw
        else:
            try:
                value = date.fromisoformat(str(raw).strip())
            except ValueError:
                self.fail(field, "invalid_date", "日期格式应为 年-月-日", "Use YYYY-MM-DD")
                return None
        if value < today:
            self.fail(field, "in_past", "日期不能早于今天", "Cannot be in the past")
            return None
        if value > today + timedelta(days=ANSWER_WINDOW_DAYS):
            self.fail(field, "too_far", "日期过远，请核对", "Too far ahead")
            return None
        return value

    def moment(self, field: str, raw: object, *, now: datetime, tz: tzinfo) -> datetime:
        """When something happened: ISO date-time (a bare one is local time); absent means now."""
        if raw is None or raw == "":
            return now
        if isinstance(raw, datetime):
            value = raw
        else:
            try:
                value = datetime.fromisoformat(str(raw).strip())
            except ValueError:
                self.fail(field, "invalid_datetime", "时间格式应为 年-月-日 时:分", "Use YYYY-MM-DDTHH:MM")
                return now
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        if value > now + FUTURE_SLACK:
            self.fail(field, "in_future", "时间不能晚于现在", "Cannot be in the future")
            return now
        return value

    def ident(self, field: str, raw: object, *, missing: str | None) -> int | None:
        if raw is None or raw == "":
            if missing:
                self.fail(field, "required", missing, "This field is required")
            return None
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw.strip())
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < ID_MAX:
            self.fail(field, "invalid_type", "应为正整数编号", "Must be a positive integer")
            return None
        return raw


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
    f = _Form()
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
    f = _Form()
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


# --- offers and answers --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfferInput:
    from_party: str
    remedy: str
    amount_fen: int
    answer_by: date
    note: str | None
    perform_by: date | None = None  # the performance date the proposal asks for


def _offer_fields(
    f: _Form, remedy: object, amount: object, answer_by: object, note: object, today: date
) -> tuple[str | None, int | None, date | None, str | None]:
    clean_remedy = f.code("remedy", remedy, REQUEST_KINDS, missing="请选择处理方式（修理、退货、赔偿等）")
    fen = f.money("amount", amount, missing="请填写金额（元）；不涉及金额的填 0")
    clean_by = f.day("answer_by", answer_by, missing="请填写答复期限", today=today)
    clean_note = f.text("note", note, required=None, max_len=NOTE_MAX)
    return clean_remedy, fen, clean_by, clean_note


def _perform_by(f: _Form, raw: object, answer_by: date | None, today: date) -> date | None:
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
    f = _Form()
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
    f = _Form()
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


# --- the settlement (调解书) -------------------------------------------------------------------------------


def _numbered(n: int) -> str:
    return _CN[n] if n <= 10 else str(n)


def _ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _what(remedy: str, consumer: str, amount_fen: int) -> str:
    money = f"人民币{format_yuan(amount_fen)}元"
    extra = f"，并向消费者支付{money}" if amount_fen > 0 else ""
    return {
        "repair": f"为消费者{consumer}免费修理所购商品或所接受的服务{extra}",
        "redo": f"为消费者{consumer}免费重作{extra}",
        "replace": f"为消费者{consumer}更换同品种、同型号的合格商品{extra}",
        "return": f"为消费者{consumer}办理退货，并退还货款{money}",
        "make_up_quantity": f"为消费者{consumer}补足商品数量{extra}",
        "refund": f"向消费者{consumer}退还货款和服务费用{money}",
        "compensate": f"向消费者{consumer}赔偿损失{money}",
    }.get(remedy, f"按“{remedy}”方式处理{extra}")


def settlement_terms(
    *,
    consumer: str,
    merchant: str,
    remedy: str,
    amount_fen: int,
    perform_by: date,
    wording: str | None,
) -> str:
    """The agreed terms in plain Chinese, numbered: who does what for whom by when, from the accepted
    offer's remedy, amount and date; `wording` is the mediator's confirmed text of anything else both
    sides agreed. A remark a party typed with an offer is never a clause (it is that party's position)."""
    clauses = [f"{merchant}于{_ymd(perform_by)}前{_what(remedy, consumer, amount_fen)}。"]
    if remedy in ("return", "replace"):
        clauses.append(f"消费者{consumer}应配合将所购商品退还{merchant}，商品无人为损坏。")
    if wording:
        clauses.append(f"其他约定：{wording.strip().rstrip('。')}。")
    clauses.append(f"{merchant}按期履行上述义务后，双方就本次消费争议不再另行主张权利。")
    clauses.append(
        f"{merchant}未按期履行的，消费者可以依法申请仲裁、向人民法院提起诉讼；"
        "经营者作出先行赔付承诺的，消费者可以申请先行赔付。"
    )
    clauses.append(
        "本调解书经双方当事人确认（签名、盖章，或经查询页面、答复链接确认）后生效，"
        "一式三份，双方当事人及调解机关各执一份。"
    )
    head = "经拱墅区市场监督管理局主持调解，双方当事人自愿达成如下协议："
    return "\n".join([head, *(f"{_numbered(i)}、{text}" for i, text in enumerate(clauses, start=1))])


@dataclass(frozen=True, slots=True)
class ReviewInput:
    wording: str | None
    perform_by: date


def review_input(wording: object, perform_by: object, *, current: date, today: date) -> ReviewInput:
    """The mediator's review of the draft: the confirmed wording of any further agreement, and the
    performance date (kept when blank)."""
    f = _Form()
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
    f = _Form()
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
    f = _Form()
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


# What the route means for the merchant, said on its link page for each case (DESIGN §2.5).
ROUTE_NOTES: dict[str, str] = {
    "commitment": (
        "本案适用先行赔付承诺：请在答复期限内答复并直接向消费者赔付；逾期不答复或无正当理由拒绝的，"
        "将依承诺从质量保证金中先行赔付，并向贵单位追偿、通知补足保证金。"
    ),
    "food_drug": (
        "本案涉及食品或药品：依照《中华人民共和国食品安全法》第一百四十八条、《中华人民共和国药品管理法》"
        "第一百四十四条，接到消费者赔偿要求的经营者应当先行赔付，不得推诿；属于生产者责任的，"
        "经营者赔偿后有权向生产者追偿。"
    ),
    "venue": (
        "依照《中华人民共和国消费者权益保护法》第四十三条、第四十四条，本案由贵单位先行赔偿；"
        "赔偿后，贵单位有权向销售者或者服务者追偿。"
    ),
    "mediation": (
        "本案由市场监督管理部门组织调解：调解遵循自愿原则，请与调解员联系并对调解方案作出答复。"
        "双方达成协议的，以调解书为准；未达成协议的，双方可以依法申请仲裁或向人民法院起诉。"
    ),
    "arbitration": "本案依据双方的仲裁协议，由仲裁机构处理。",
    "pending": "本案正在受理审查，确定处理方式后将另行通知。",
}
_VENUE_RULES = ("platform_unidentified", "exhibition_ended", "counter_lease_expired")


def merchant_route_kind(route: str | None, fired: tuple[str, ...]) -> str:
    """Which sentence the case's route calls for: the deposit and recourse only where a first-payment
    commitment applies, the food/drug first-payer rule only where it fired, mediation for mediation."""
    if route == "first_payment":
        if "commitment" in fired:
            return "commitment"
        if "food_drug" in fired:
            return "food_drug"
        if any(rule in fired for rule in _VENUE_RULES):
            return "venue"
    if route in ("mediation", "arbitration"):
        return route
    return "pending"


def merchant_route_note(route: str | None, fired: tuple[str, ...]) -> str:
    return ROUTE_NOTES[merchant_route_kind(route, fired)]


def commitment_active(active_from: date, active_until: date | None, today: date) -> bool:
    return active_from <= today and (active_until is None or today <= active_until)


# --- recusal ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecusalInput:
    party: str
    reason: str


def recusal_input(party: object, reason: object) -> RecusalInput:
    f = _Form()
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
    f = _Form()
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
    f = _Form()
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


def reason_label(reason: int) -> str:
    """第二十三条第（二）项：…"""
    return f"第二十三条第（{_numbered(reason)}）项：{TERMINATION_REASONS[reason][0]}"


def notice_due(cal: WorkCalendar, terminated_on: date, days: int, unit: Unit) -> Deadline:
    """Both parties are told within the rule set's notice period (7 working days under Order 121)."""
    return compute_deadline(cal, terminated_on, days, unit)


def optional_note(note: object) -> str | None:
    f = _Form()
    clean = f.text("note", note, required=None, max_len=NOTE_MAX)
    f.done()
    return clean


def reopen_reason(reason: object) -> str:
    f = _Form()
    clean = f.text("reason", reason, required="请写明重新办理的理由", max_len=NOTE_MAX)
    f.done()
    assert clean is not None
    return clean

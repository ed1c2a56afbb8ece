"""Notices to the parties and to staff: zh-CN message templates, and the retry schedule for sending them.

Pure: a template is text with str.format-style fields; `render` fills it and returns (subject, body).
The Chinese texts are also the message ids of the English catalog: a consumer's notice is rendered with
the caller's `translate` (the catalog's gettext) and `day` (how dates read: `en_date` for English).
Templates name only what their recipient already knows — the tracking number, dates, amounts, the
merchant's own name — and never personal data of the other party. The access code is never sent: it
is shown once, at registration, and no template has a field for it (a test checks the field names).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.acceptance import OTHER_ROUTES


class Party(StrEnum):
    CONSUMER = "consumer"
    MERCHANT = "merchant"
    STAFF = "staff"


# Field names no template may use: secrets and the consumer's personal data (DESIGN §3: tested, not promised).
FORBIDDEN_FIELDS = frozenset(
    {"access_code", "code", "token", "password", "phone", "address", "id_number", "email", "consumer_name"}
)

# Sending: the waits after the 1st, 2nd, 3rd and 4th failed try; the 5th failure gives up ('failed').
RETRY_BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_BACKOFF) + 1


def next_try(failed_attempts: int) -> timedelta | None:
    """The wait before the next try after `failed_attempts` failures; None: give up."""
    if failed_attempts < 1:
        raise ValueError("next_try counts failures, starting at 1")
    if failed_attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_BACKOFF[failed_attempts - 1]


@dataclass(frozen=True, slots=True)
class Template:
    code: str
    audience: tuple[Party, ...]  # who receives it by default
    subject: str
    body: str

    @property
    def fields(self) -> frozenset[str]:
        """The fields the caller fills (the other routes of art. 39 `render` fills itself)."""
        return (fields_of(self.subject) | fields_of(self.body)) - {OTHER_ROUTES_FIELD}


def fields_of(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def N_(message: str) -> str:
    """Marks a message id for `pybabel extract` (make i18n); the text itself is the source language."""
    return message


SIGNATURE = N_("杭州市拱墅区市场监督管理局\n（本通知由系统发送，请勿直接回复。）")
LIST_SEPARATOR = N_("、")
# the other routes of CPL art. 39, as a rejection or a termination lists them: filled in by `render`
OTHER_ROUTES_FIELD = "other_routes"
_ROUTE_NUMBER = N_("（{n}）{route}")
_ROUTE_SEPARATOR = N_("；")

_TEMPLATES = (
    Template(
        "complaint_registered",
        (Party.CONSUMER,),
        N_("投诉已登记（{tracking_no}）"),
        N_(
            "您的投诉已于{received_on}登记，投诉编号：{tracking_no}。\n"
            "我局将在{acceptance_due}前作出是否受理的决定。您可以凭投诉编号和登记时取得的查询码"
            "在网上查询办理进度；查询码请自行妥善保管，工作人员不会向您索要。"
        ),
    ),
    Template(
        "acceptance_accepted",
        (Party.CONSUMER,),
        N_("投诉已受理（{tracking_no}）"),
        N_("您的投诉（编号{tracking_no}）已于{accepted_on}受理。我局将确定处理方式并另行通知您。"),
    ),
    Template(
        "acceptance_rejected",
        (Party.CONSUMER,),
        N_("投诉不予受理告知（{tracking_no}）"),
        N_(
            "您的投诉（编号{tracking_no}）经审查，于{decided_on}决定不予受理。\n"
            "理由：{ground}\n"
            "根据《中华人民共和国消费者权益保护法》第三十九条，您还可以通过以下途径解决争议：{other_routes}。"
        ),
    ),
    Template(
        "route_decided",
        (Party.CONSUMER, Party.MERCHANT),
        N_("投诉处理方式告知（{tracking_no}）"),
        N_("编号{tracking_no}的投诉经审查，按“{route}”方式处理。承办人员将与您联系。"),
    ),
    Template(
        "first_payment_requested",
        (Party.MERCHANT,),
        "先行赔付通知（{tracking_no}）",
        "{merchant_name}：\n"
        "编号{tracking_no}的投诉适用贵方作出的先行赔付承诺，索赔金额{amount}元。\n"
        "请于{reply_due}前答复并履行；逾期未答复或无正当理由拒绝的，将依承诺从质量保证金中先行赔付，"
        "并由贵方在规定期限内补足保证金。",
    ),
    Template(
        "offer_to_answer",
        (Party.CONSUMER,),  # the party that must answer; the caller names it
        N_("调解方案待您答复（{tracking_no}）"),
        N_(
            "编号{tracking_no}的投诉中，{from_party}提出了调解方案：{remedy}，金额{amount}元。\n"
            "请于{answer_by}前答复（接受、拒绝或提出新的方案）；逾期未答复的，视为不接受该方案。"
        ),
    ),
    Template(
        "settlement_made",
        (Party.CONSUMER, Party.MERCHANT),
        N_("调解协议已达成（{tracking_no}）"),
        N_(
            "编号{tracking_no}的投诉已于{settled_on}达成调解协议：{remedy}，金额{amount}元，"
            "应于{perform_by}前履行完毕。调解书可向承办调解员领取。"
        ),
    ),
    Template(
        "termination_notice",
        (Party.CONSUMER, Party.MERCHANT),
        N_("终止调解告知（{tracking_no}）"),
        N_(
            "编号{tracking_no}的投诉于{terminated_on}终止调解。\n"
            "理由：{reason}\n"
            "消费者还可以通过以下途径解决争议：{other_routes}。"
        ),
    ),
    Template(
        "case_closed",
        (Party.CONSUMER,),
        N_("投诉已办结（{tracking_no}）"),
        N_(
            "您的投诉（编号{tracking_no}）已于{closed_on}办结，结果：{outcome}。\n"
            "欢迎您在30日内对本次处理进行评价：{survey_link}\n"
            "（也可以凭投诉编号和查询码登录查询页面评价。）"
        ),
    ),
    Template(
        "settlement_to_confirm",
        (Party.CONSUMER, Party.MERCHANT),
        N_("调解书待确认（{tracking_no}）"),
        N_(
            "编号{tracking_no}的投诉，调解员已根据双方接受的方案出具调解书：{remedy}，金额{amount}元，"
            "应于{perform_by}前履行。\n"
            "消费者请凭投诉编号和查询码在查询页面确认，经营者请通过答复链接确认；双方均确认后调解书生效。"
        ),
    ),
    Template(
        "case_closed_settled",
        (Party.CONSUMER,),
        N_("投诉已办结（{tracking_no}）"),
        N_(
            "您的投诉（编号{tracking_no}）已于{closed_on}办结，结果：{outcome}。\n"
            "调解协议履行后（或约定的履行期限届满后），我们将请您对本次处理进行评价。"
        ),
    ),
    Template(
        "survey_invite",
        (Party.CONSUMER,),
        N_("请您评价本次投诉处理（{tracking_no}）"),
        N_(
            "您的投诉（编号{tracking_no}）的调解协议{performance}。\n"
            "欢迎您在30日内对本次处理进行评价：{survey_link}\n"
            "（也可以凭投诉编号和查询码登录查询页面评价。）"
        ),
    ),
    Template(
        "mediation_due_soon",
        (Party.STAFF,),
        "调解期限将至：{tracking_no}",
        "您承办的案件{tracking_no}调解期限为{mediation_due}，还剩{working_days_left}个工作日。"
        "请及时推进调解，或依法办理终止、中止手续。",
    ),
    Template(
        "mediation_escalated",
        (Party.STAFF,),
        "调解超期：{tracking_no}",
        "案件{tracking_no}的调解期限{mediation_due}已过，尚未办结。承办调解员：{mediator}。请科长督办。",
    ),
)

TEMPLATES: Mapping[str, Template] = {t.code: t for t in _TEMPLATES}


def template(code: str) -> Template:
    try:
        return TEMPLATES[code]
    except KeyError:
        raise ValueError(f"no notice template {code!r}") from None


def same(text: str) -> str:
    """The untranslated text (Chinese, the source language)."""
    return text


def render(
    code: str,
    fields: Mapping[str, object],
    *,
    translate: Callable[[str], str] = same,
    day: Callable[[date], str] | None = None,
) -> tuple[str, str]:
    """(subject, body) of the template filled with exactly its fields, in the language of `translate`.

    Dates become Chinese dates (2026年7月6日) unless `day` says otherwise; sequences are joined with 、.
    Text values (labels such as a route's) are passed through `translate` too. A missing or an extra
    field is an error, so nothing the caller did not mean to send slips in.
    """
    t = template(code)
    given = frozenset(fields)
    if given & FORBIDDEN_FIELDS:
        raise ValueError(f"{code}: never send {sorted(given & FORBIDDEN_FIELDS)}")
    if missing := t.fields - given:
        raise ValueError(f"{code}: missing fields {sorted(missing)}")
    if extra := given - t.fields:
        raise ValueError(f"{code}: unexpected fields {sorted(extra)}")
    values = {name: as_text(value, translate, day or zh_date) for name, value in fields.items()}
    if OTHER_ROUTES_FIELD in fields_of(t.body):
        values[OTHER_ROUTES_FIELD] = other_routes(translate)
    body = translate(t.body).format_map(values) + "\n\n" + translate(SIGNATURE)
    return translate(t.subject).format_map(values), body


def other_routes(translate: Callable[[str], str] = same) -> str:
    """CPL art. 39's other routes, numbered: （1）与经营者协商和解；（2）…"""
    numbered = (
        translate(_ROUTE_NUMBER).format(n=n, route=translate(zh)) for n, (zh, _) in enumerate(OTHER_ROUTES, 1)
    )
    return translate(_ROUTE_SEPARATOR).join(numbered)


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def en_date(day: date) -> str:
    """6 July 2026: the way British and international English writes a date, never ambiguous."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def as_text(
    value: object, translate: Callable[[str], str] = same, day: Callable[[date], str] = zh_date
) -> str:
    """A field's value as the notice prints it."""
    if isinstance(value, datetime):
        raise ValueError("pass the local date, not a timestamp")
    if isinstance(value, date):
        return day(value)
    if isinstance(value, str):
        return translate(value) if value else value  # gettext("") is the catalog's header
    if isinstance(value, Sequence):
        return translate(LIST_SEPARATOR).join(as_text(v, translate, day) for v in value)
    return str(value)

"""The text messages to consumers: one short text per notice kind, signed 【拱墅区市场监管局】, with the
tracking number and a link (`link`: the tracking page; the survey's own link where there is one).

Pure, like domain.notices: a text uses a subset of its notice's fields (plus `link`), and a reason or a
ground too long for a text message is left to the page the link opens. Only consumers get texts (the
merchant's and staff's notices carry more than a text can). The access code never travels by SMS,
except in the one text a consumer asked for on the form (`REGISTERED_WITH_CODE`); a unit test checks
both ways, and another that every text stays within `domain.sms.MAX_PARTS` in both languages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from domain import notices
from domain.notices import FORBIDDEN_FIELDS, N_, Party

SIGNATURE = N_("【拱墅区市场监管局】")
REGISTERED_WITH_CODE = "complaint_registered_code"
CODE_FIELD = "access_code"

TEXTS: Mapping[str, str] = {
    "complaint_registered": N_(
        "您的投诉已登记，编号{tracking_no}，我局将于{acceptance_due}前决定是否受理。"
        "凭编号和查询码查询进度：{link}"
    ),
    REGISTERED_WITH_CODE: N_(
        "您的投诉已登记，编号{tracking_no}，查询码{access_code}，请妥善保管，勿告知他人。"
        "我局将于{acceptance_due}前决定是否受理。查询进度：{link}"
    ),
    "acceptance_accepted": N_(
        "您的投诉{tracking_no}已于{accepted_on}受理，处理方式将另行通知。查询进度：{link}"
    ),
    "acceptance_rejected": N_(
        "您的投诉{tracking_no}经审查于{decided_on}决定不予受理。理由及其他解决途径请查看：{link}"
    ),
    "route_decided": N_("您的投诉{tracking_no}将按“{route}”方式处理，承办人员将与您联系。查询进度：{link}"),
    "offer_to_answer": N_(
        "投诉{tracking_no}有新的调解方案：{remedy}，{amount}元，请于{answer_by}前答复，"
        "逾期视为不接受。答复：{link}"
    ),
    "settlement_made": N_(
        "投诉{tracking_no}已于{settled_on}达成调解协议：{remedy}，{amount}元，"
        "应于{perform_by}前履行完毕。详情：{link}"
    ),
    "termination_notice": N_("投诉{tracking_no}于{terminated_on}终止调解。理由及其他解决途径请查看：{link}"),
    "case_closed": N_(
        "您的投诉{tracking_no}已于{closed_on}办结，结果：{outcome}。欢迎30日内评价：{survey_link}"
    ),
    "settlement_to_confirm": N_(
        "投诉{tracking_no}的调解书已出具：{remedy}，{amount}元，请凭编号和查询码确认：{link}"
    ),
    "case_closed_settled": N_(
        "您的投诉{tracking_no}已于{closed_on}办结，结果：{outcome}。协议履行后我们将请您评价。详情：{link}"
    ),
    "survey_invite": N_("您的投诉{tracking_no}的调解协议{performance}，欢迎30日内评价：{survey_link}"),
}


def has_text(code: str, party: Party) -> bool:
    return party == Party.CONSUMER and code in TEXTS


def fields_of(code: str) -> frozenset[str]:
    return notices.fields_of(TEXTS[code])


def render(
    code: str,
    fields: Mapping[str, object],
    *,
    translate: Callable[[str], str] = notices.same,
    day: Callable[[date], str] = notices.zh_date,
) -> str:
    """The signed text of a notice kind, filled from the notice's fields (those it does not use are left
    out). A secret among the fields is an error, but for the access code in the one text asked for."""
    if code not in TEXTS:
        raise ValueError(f"no text message for {code!r}")
    allowed = {CODE_FIELD} if code == REGISTERED_WITH_CODE else set()
    if secret := (frozenset(fields) & FORBIDDEN_FIELDS) - allowed:
        raise ValueError(f"{code}: never send {sorted(secret)}")
    if missing := fields_of(code) - frozenset(fields):
        raise ValueError(f"{code}: missing fields {sorted(missing)}")
    values = {name: notices.as_text(fields[name], translate, day) for name in fields_of(code)}
    return translate(SIGNATURE) + translate(TEXTS[code]).format_map(values)

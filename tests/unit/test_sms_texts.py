"""Text messages (domain.sms, domain.sms_texts, the SMS channel's request): how long each text is on the
air in both languages, that the access code travels only in the one text asked for, and what Kannel is
sent. Pure: no gateway, no database."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from domain import notices, sms, sms_texts
from domain.notices import Party
from domain.outcomes import OUTCOMES
from domain.routing import ROUTE_LABELS
from domain.taxonomy import REQUEST_KINDS
from service import i18n
from service.adapters.channels.base import Message
from service.adapters.channels.sms import DLR_MASK, SmsChannel, e164, genuine, report_key
from service.settings import Settings
from service.usecases.notice_language import tracking_link, wording

BASE_URL = "https://tousu.gongshu.gov.cn"  # a realistic public address, longer than the dev one
SURVEY_LINK = f"{BASE_URL}/survey/{'x' * 43}"  # token_urlsafe(32) is 43 characters


def _longest(table: dict[object, tuple[str, str]]) -> str:
    """The label of a table whose Chinese or English is longest (the English is looked up by the catalog)."""
    return max(table.values(), key=lambda v: max(len(v[0]), len(v[1]) / 2))[0]


def longest_fields(code: str, locale: str) -> dict[str, object]:
    values: dict[str, object] = {
        "tracking_no": "GS20261231-999999",
        "access_code": "ACDEFGHJ",
        "amount": "99999999.99",
        "route": _longest(ROUTE_LABELS),  # type: ignore[arg-type]
        "outcome": _longest(OUTCOMES),  # type: ignore[arg-type]
        "remedy": _longest(REQUEST_KINDS),  # type: ignore[arg-type]
        "performance": "未按期履行",
        "survey_link": SURVEY_LINK,
        "link": tracking_link(BASE_URL, locale),
    }
    day = date(2026, 9, 30)  # "30 September 2026": the longest English date
    return {name: values.get(name, day) for name in sms_texts.fields_of(code)}


@pytest.mark.parametrize("locale", i18n.LOCALES)
@pytest.mark.parametrize("code", sorted(sms_texts.TEXTS))
def test_every_text_fits_three_messages_with_its_longest_values(code: str, locale: str) -> None:
    words = wording(locale)
    text = sms_texts.render(code, longest_fields(code, locale), translate=words.translate, day=words.day)
    parts = sms.segments(text)
    if locale == "en":
        assert parts.coding is sms.Coding.GSM7, f"{code}: a character outside GSM-7 in {text!r}"
        assert text.startswith("Gongshu Market Regulation: ") and not any(map(i18n.is_cjk, text))
    else:
        assert parts.coding is sms.Coding.UCS2 and text.startswith(sms_texts.SIGNATURE)
    assert "GS20261231-999999" in text and ("/track" in text or SURVEY_LINK in text)
    assert parts.parts <= sms.MAX_PARTS, f"{code} ({locale}): {parts} for {text!r}"
    print(f"{code} {locale}: {parts.coding} {parts.units} units, {parts.parts} part(s)")


def test_segments_count_gsm7_and_ucs2_as_the_air_interface_does() -> None:
    assert sms.segments("a" * 160) == sms.Segments(sms.Coding.GSM7, 160, 1)
    assert sms.segments("a" * 161) == sms.Segments(sms.Coding.GSM7, 161, 2)  # 153 + 8
    assert sms.segments("a" * 306).parts == 2 and sms.segments("a" * 307).parts == 3
    assert sms.segments("[" * 80) == sms.Segments(sms.Coding.GSM7, 160, 1)  # extension: 2 septets each
    assert sms.segments("字" * 70) == sms.Segments(sms.Coding.UCS2, 70, 1)
    assert sms.segments("字" * 71).parts == 2 and sms.segments("字" * 134).parts == 2
    assert sms.segments("字" * 135).parts == 3 and sms.segments("字" * 202).parts == 4
    assert sms.segments("a" * 159 + "【").coding is sms.Coding.UCS2  # one character makes it all UCS-2


def test_the_access_code_goes_only_in_the_text_asked_for() -> None:
    with_code = longest_fields(sms_texts.REGISTERED_WITH_CODE, "zh_CN")
    assert "ACDEFGHJ" in sms_texts.render(sms_texts.REGISTERED_WITH_CODE, with_code)
    for code in set(sms_texts.TEXTS) - {sms_texts.REGISTERED_WITH_CODE}:
        assert "access_code" not in sms_texts.fields_of(code), code
        with pytest.raises(ValueError, match="never send"):
            sms_texts.render(code, {**longest_fields(code, "zh_CN"), "access_code": "ACDEFGHJ"})
    with pytest.raises(ValueError, match="never send"):  # the code's text carries no other secret either
        sms_texts.render(sms_texts.REGISTERED_WITH_CODE, {**with_code, "phone": "13812345678"})
    with pytest.raises(ValueError, match="never send"):  # and no e-mail carries the code
        notices.render("complaint_registered", {"tracking_no": "GS1", "access_code": "ACDEFGHJ"})


def test_only_consumers_get_texts() -> None:
    assert sms_texts.has_text("settlement_made", Party.CONSUMER)
    assert not sms_texts.has_text("settlement_made", Party.MERCHANT)
    assert not sms_texts.has_text("mediation_due_soon", Party.STAFF)


@pytest.mark.parametrize(
    "code", sorted(c for c, t in notices.TEMPLATES.items() if Party.CONSUMER in t.audience)
)
def test_every_consumer_e_mail_reads_in_english(code: str) -> None:
    t = notices.template(code)
    fields = {name: date(2026, 7, 6) if name.endswith(("_on", "_due", "_by")) else "X" for name in t.fields}
    words = wording("en")
    subject, body = notices.render(code, fields, translate=words.translate, day=words.day)
    leftover = [ch for ch in subject + body if i18n.is_cjk(ch)]
    assert not leftover, f"{code}: {''.join(leftover)} in {subject!r} / {body!r}"
    if any(name.endswith(("_on", "_due", "_by")) for name in t.fields):
        assert "6 July 2026" in body


def test_english_dates_and_labels() -> None:
    assert notices.en_date(date(2026, 7, 6)) == "6 July 2026"
    zh, en = next(iter(ROUTE_LABELS.values()))
    assert wording("en").translate(zh) == en
    assert wording("zh_CN").translate("调解") == "调解" and wording("xx").locale == "zh_CN"


def channel(**changes: object) -> SmsChannel:
    values: dict[str, object] = {
        "secret_key": "unit-secret",
        "sms_gateway_url": "http://127.0.0.1:13013/cgi-bin/sendsms",
        "sms_user": "u",
        "sms_password": "p",
        "sms_sender": "10690571",
        "public_base_url": BASE_URL,
    }
    return SmsChannel.from_settings(Settings(**{**values, **changes}))  # type: ignore[arg-type]


def test_the_sendsms_request_asks_for_reports_at_a_signed_url() -> None:
    text = sms_texts.render("acceptance_accepted", longest_fields("acceptance_accepted", "zh_CN"))
    params = channel().request(Message(42, "consumer", "13812345678", "acceptance_accepted", "s", text))
    assert params["to"] == "+8613812345678" and params["from"] == "10690571"
    assert (params["coding"], params["charset"], params["dlr-mask"]) == ("2", "UTF-8", str(DLR_MASK))
    assert DLR_MASK == 1 | 2 | 8 | 16 and params["text"] == text
    url = urlsplit(params["dlr-url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{BASE_URL}/api/v1/sms/reports"
    query = parse_qs(url.query)
    assert query["notice"] == ["42"] and query["status"] == ["%d"]  # Kannel fills in %d
    key = report_key("unit-secret")
    assert genuine(key, 42, query["sig"][0]) and not genuine(key, 43, query["sig"][0])
    assert not genuine(report_key("another-secret"), 42, query["sig"][0])
    assert not genuine(key, 42, "签名" + query["sig"][0][2:]) and not genuine(key, 42, "")  # never raises
    english = channel().request(Message(43, "consumer", "13812345678", "t", "s", "Track: http://x/track"))
    assert english["coding"] == "0"


def test_only_mobiles_of_the_reachable_regions_get_texts() -> None:
    assert e164("13812345678", ("CN",)) == "+8613812345678"
    assert e164("+8613812345678", ("CN",)) == "+8613812345678"
    assert e164("0571-87654321", ("CN",)) is None  # a landline takes no text
    assert e164("+447911123456", ("CN",)) is None  # abroad: not reached by default
    assert e164("+447400123456", ("CN", "GB")) == "+447400123456"
    assert e164("not a number", ("CN",)) is None
    assert channel().reaches("13812345678") and not channel().reaches("+491701234567")
    assert channel(sms_reachable_regions=("CN", "DE")).reaches("+491701234567")


def test_a_text_too_long_or_to_an_unreached_number_is_not_sent() -> None:
    from service.adapters.channels import DeliveryError

    with pytest.raises(DeliveryError, match="more than 3"):
        channel().request(Message(1, "consumer", "13812345678", "t", "s", "字" * 202))
    with pytest.raises(DeliveryError, match="not one the SMS gateway reaches"):
        channel().request(Message(1, "consumer", "+447911123456", "t", "s", "hello"))


def test_the_form_checkbox_asks_for_the_code_by_text() -> None:
    from litestar.datastructures import MultiDict

    from service.web.pages.public import complaint_from_values, form_values

    asked = complaint_from_values(form_values(MultiDict({"send_code_by_sms": "on"})))
    not_asked = complaint_from_values(form_values(MultiDict({})))
    assert asked.send_code_by_sms is True and not_asked.send_code_by_sms is None

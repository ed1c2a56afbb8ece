"""Acceptance decisions: the non-acceptance grounds of Order 121 art. 16 (DESIGN §2.4).

The service only *suggests* the grounds it can see in the record — a purchase older than the
limitation period, another open case between the same consumer and merchant, a merchant outside the
district — each with the facts it read. A person decides, and a rejection must say why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum, IntEnum
from typing import Any

from domain.errors import FieldError, ValidationFailed

LIMITATION_YEARS = 3  # Order 121 art. 16(4), in line with the Civil Code's general period (art. 188)
NOTE_MAX = 2000


class Ground(IntEnum):
    NO_JURISDICTION = 1
    ALREADY_HANDLED = 2
    NOT_A_CONSUMER_DISPUTE = 3
    TIME_BARRED = 4
    MATERIALS_MISSING_OR_FALSE = 5
    IDENTITY = 6
    OTHER_STATUTORY = 7


GROUND_LABELS: dict[Ground, tuple[str, str]] = {
    Ground.NO_JURISDICTION: (
        "不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
        "Not a duty of the market regulator, or this authority has no power to handle it",
    ),
    Ground.ALREADY_HANDLED: (
        "法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会或者依法成立的其他调解组织"
        "已经受理或者处理过同一消费者权益争议",
        "A court, arbitration body, market regulator or other administrative authority, consumer "
        "association or other lawfully established mediation organisation has already accepted or "
        "handled the same consumer dispute",
    ),
    Ground.NOT_A_CONSUMER_DISPUTE: (
        "不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉人之间存在消费者权益争议",
        "The goods or services were not bought or used for personal consumption, or a consumer "
        "dispute with the respondent cannot be shown",
    ),
    Ground.TIME_BARRED: (
        "除法律另有规定外，投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
        "Unless the law provides otherwise, more than three years have passed since the complainant "
        "knew or should have known that the respondent infringed their rights",
    ),
    Ground.MATERIALS_MISSING_OR_FALSE: (
        "未提供规定的材料或者提供虚假材料",
        "The required materials were not provided, or false materials were provided",
    ),
    Ground.IDENTITY: (
        "冒用他人身份或者拒绝核实身份",
        "Another person's identity was used, or identity verification was refused",
    ),
    Ground.OTHER_STATUTORY: (
        "法律、法规、规章规定不予受理的其他情形",
        "Other cases in which laws, regulations or rules provide for non-acceptance",
    ),
}

# CPL art. 39: every rejection notice lists the routes that remain open to the consumer.
OTHER_ROUTES: tuple[tuple[str, str], ...] = (
    ("与经营者协商和解", "Negotiate a settlement with the business"),
    (
        "请求消费者协会或者依法成立的其他调解组织调解",
        "Ask a consumer association or another lawfully established mediation organisation to mediate",
    ),
    ("向有关行政部门投诉", "Complain to the relevant administrative authority"),
    (
        "根据与经营者达成的仲裁协议提请仲裁机构仲裁",
        "Apply to an arbitration institution under an arbitration agreement with the business",
    ),
    ("向人民法院提起诉讼", "Bring a lawsuit in a people's court"),
)


_CN_NUMERALS = "〇一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class Citations:
    """What a rule set's notices and forms cite: the measures' title and the articles (and items) of the
    non-acceptance grounds and the termination reasons. Data of the rule set, like its limits (migration
    0023): Order 20 numbers them arts. 15 and 26, Order 121 arts. 16 and 23. Codes are Order 121's."""

    title: str
    non_acceptance_article: str
    non_acceptance_items: Mapping[int, int]
    termination_article: str
    termination_items: Mapping[int, int]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Citations:
        na, term = data.get("non_acceptance", {}), data.get("termination", {})
        return cls(
            title=str(data.get("title", "")),
            non_acceptance_article=str(na.get("article", "")),
            non_acceptance_items={int(k): int(v) for k, v in na.get("items", {}).items()},
            termination_article=str(term.get("article", "")),
            termination_items={int(k): int(v) for k, v in term.get("items", {}).items()},
        )

    @property
    def measures(self) -> str:
        return f"《{self.title}》"

    def non_acceptance(self) -> str:
        """《…》第十六条"""
        return f"{self.measures}{self.non_acceptance_article}"

    def ground(self, ground: int) -> str:
        """《…》第十六条第（一）项 — the item this rule set gives the ground."""
        return f"{self.non_acceptance()}{_item(self.non_acceptance_items.get(ground))}"

    def termination(self) -> str:
        """《…》第二十三条"""
        return f"{self.measures}{self.termination_article}"

    def termination_reason(self, reason: int) -> str:
        return f"{self.termination()}{_item(self.termination_items.get(reason))}"

    def termination_item(self, reason: int) -> str:
        """第二十三条第（二）项 (without the title: a form's label)"""
        return f"{self.termination_article}{_item(self.termination_items.get(reason))}"


def _item(n: int | None) -> str:
    if n is None:
        return ""
    return f"第（{_CN_NUMERALS[n] if 0 < n <= 10 else n}）项"


@dataclass(frozen=True, slots=True)
class AcceptanceFacts:
    received_on: date
    purchase_date: date
    merchant_address: str
    merchant_subdistrict: str | None
    open_cases_same_consumer_and_merchant: tuple[str, ...]  # tracking numbers


@dataclass(frozen=True, slots=True)
class Suggestion:
    ground: Ground
    reason: str  # zh-CN
    reason_en: str
    facts: Mapping[str, str]  # what the rule read, as strings, for the audit trail


def suggest_grounds(facts: AcceptanceFacts) -> tuple[Suggestion, ...]:
    """The grounds the record points to, in ground order. Suggestions only: a person decides."""
    found = (_outside_district(facts), _open_cases(facts), _time_barred(facts))
    return tuple(sorted((s for s in found if s is not None), key=lambda s: s.ground))


def limitation_ends(start: date, years: int = LIMITATION_YEARS) -> date:
    """The last day of a period of `years` counted from `start` (the day of the event).

    The period begins the next day (Civil Code art. 201) and ends on the corresponding day of the
    last year, or the last day of that month when there is none: 29 Feb → 28 Feb (art. 202).
    """
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February, and the last year is not a leap year
        return start.replace(year=start.year + years, day=28)


def _time_barred(facts: AcceptanceFacts) -> Suggestion | None:
    # The purchase date stands in for the day the consumer knew of the harm: a person checks it.
    # A last day falling on a holiday would move on (art. 203); the facts carry the dates to check.
    ends = limitation_ends(facts.purchase_date)
    if facts.received_on <= ends:
        return None
    return Suggestion(
        Ground.TIME_BARRED,
        f"购买日期为{facts.purchase_date:%Y年%m月%d日}，收到投诉时（{facts.received_on:%Y年%m月%d日}）"
        f"已超过三年（{ends:%Y年%m月%d日}届满）；请核实投诉人知道或者应当知道权益受到侵害的日期",
        f"Bought on {facts.purchase_date.isoformat()}, received on {facts.received_on.isoformat()}: more "
        f"than three years (the period ended on {ends.isoformat()}); check when the complainant knew "
        "or should have known of the harm",
        {
            "purchase_date": facts.purchase_date.isoformat(),
            "received_on": facts.received_on.isoformat(),
            "limitation_ends": ends.isoformat(),
        },
    )


def _open_cases(facts: AcceptanceFacts) -> Suggestion | None:
    numbers = tuple(dict.fromkeys(facts.open_cases_same_consumer_and_merchant))
    if not numbers:
        return None
    return Suggestion(
        Ground.ALREADY_HANDLED,
        f"同一消费者对同一经营者另有正在处理的投诉：{'、'.join(numbers)}",
        f"The same consumer has another open complaint against the same business: {', '.join(numbers)}",
        {"open_cases": ",".join(numbers)},
    )


class Location(Enum):
    INSIDE = "inside"
    OUTSIDE = "outside"
    UNKNOWN = "unknown"


# Hangzhou's other districts and counties, named with their suffix (bare "西湖" is also a lake, a road
# and a square in Gongshu). 江干区 was split between 上城区 and 钱塘区 in 2021, so it is outside; the old
# 下城区 became part of 拱墅区 as a whole, so it is inside (its sub-districts are on Gongshu's list).
OTHER_HANGZHOU_DISTRICTS: tuple[str, ...] = (
    "上城区",
    "西湖区",
    "滨江区",
    "萧山区",
    "余杭区",
    "临平区",
    "钱塘区",
    "钱塘新区",
    "富阳区",
    "临安区",
    "桐庐县",
    "淳安县",
    "建德市",
    "江干区",
    "富阳市",
    "临安市",
)
OLD_GONGSHU_NAMES: tuple[str, ...] = ("下城区",)

# Provincial-level divisions other than Zhejiang, in full (a bare "新疆" or "香港" also names restaurants).
OTHER_PROVINCES: tuple[str, ...] = (
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
)
HOME_CITY = "杭州市"
_HAN = r"[\u4e00-\u9fff]"
# Provinces and cities are read only at the head of the address, where an address names them.
_PROVINCE_AT_HEAD = re.compile(rf"^(?:中国)?({'|'.join(OTHER_PROVINCES)})")
# A city after "浙江省", or at the head followed by a district, county or county-level city
# ("宁波市海曙区…", "金华市义乌市…"), so that a shop's name ("…超市", "…市场") is never read as a city.
_CITY_AFTER_ZHEJIANG = re.compile(rf"^(?:中国)?浙江省?({_HAN}{{2,4}}?市)")
_CITY_AT_HEAD = re.compile(rf"^(?:中国)?({_HAN}{{2,4}}?市)(?={_HAN}{{1,4}}?(?:区|县|市))")


def locate_merchant(address: str, subdistrict: str | None) -> tuple[Location, str]:
    """Whether the address lies in Gongshu, and the words that said so ("" when unknown)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", address))
    if "拱墅" in text:
        return Location.INSIDE, "拱墅"
    if subdistrict and subdistrict.strip():
        return Location.INSIDE, subdistrict.strip()
    for name in OLD_GONGSHU_NAMES:
        if name in text:
            return Location.INSIDE, name
    for name in OTHER_HANGZHOU_DISTRICTS:
        if name in text:
            return Location.OUTSIDE, name
    head = _PROVINCE_AT_HEAD.match(text) or _CITY_AFTER_ZHEJIANG.match(text) or _CITY_AT_HEAD.match(text)
    if head and head.group(1) != HOME_CITY:
        return Location.OUTSIDE, head.group(1)
    return Location.UNKNOWN, ""


def _outside_district(facts: AcceptanceFacts) -> Suggestion | None:
    location, matched = locate_merchant(facts.merchant_address, facts.merchant_subdistrict)
    if location != Location.OUTSIDE:
        return None  # inside, or not clear from the address: never guess
    return Suggestion(
        Ground.NO_JURISDICTION,
        f"经营者地址“{facts.merchant_address}”位于{matched}，不在拱墅区辖区内；请核实是否应告知向有管辖权的部门投诉",
        f"The business's address “{facts.merchant_address}” is in {matched}, outside Gongshu District; "
        "check whether to refer the consumer to the competent authority",
        {
            "merchant_address": facts.merchant_address,
            "merchant_subdistrict": facts.merchant_subdistrict or "",
            "matched": matched,
        },
    )


def validate_decision(ground: object, note: object) -> tuple[Ground, str]:
    """A rejection: a ground 1–7 and a note saying why. Raises ValidationFailed listing both fields."""
    errors: list[FieldError] = []
    valid_ground = _ground(ground, errors)
    valid_note = _note(note, required=True, errors=errors, missing=_WHY_NOT_ACCEPTED)
    if errors:
        raise ValidationFailed(errors)
    assert valid_ground is not None and valid_note is not None  # guaranteed by no errors
    return valid_ground, valid_note


def validate_note(note: object, required: bool) -> str | None:
    """An acceptance (or other decision) note: optional unless `required`, at most NOTE_MAX characters."""
    errors: list[FieldError] = []
    valid = _note(note, required=required, errors=errors, missing=_NOTE_MISSING)
    if errors:
        raise ValidationFailed(errors)
    return valid


def _ground(raw: object, errors: list[FieldError]) -> Ground | None:
    if raw is None:
        errors.append(FieldError("ground", "required", "请选择不予受理的理由", "Choose a ground"))
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        errors.append(FieldError("ground", "invalid_type", "理由编号应为整数", "Must be an integer"))
        return None
    try:
        return Ground(raw)
    except ValueError:
        errors.append(
            FieldError(
                "ground",
                "unknown_code",
                f"理由编号应为1至{len(Ground)}",
                f"Must be a ground from 1 to {len(Ground)}",
            )
        )
        return None


_WHY_NOT_ACCEPTED = ("请写明不予受理的具体理由", "Say why the complaint is not accepted")
_NOTE_MISSING = ("请填写说明", "A note is required")


def _note(raw: object, *, required: bool, errors: list[FieldError], missing: tuple[str, str]) -> str | None:
    if raw is not None and not isinstance(raw, str):
        errors.append(FieldError("note", "invalid_type", "说明应为文字", "Must be text"))
        return None
    text = "" if raw is None else unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip()
    if not text:
        if required:
            errors.append(FieldError("note", "required", *missing))
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        errors.append(
            FieldError("note", "invalid_chars", "含有不可见的控制字符", "Contains control characters")
        )
        return None
    if len(text) > NOTE_MAX:
        errors.append(
            FieldError("note", "too_long", f"不能超过{NOTE_MAX}个字", f"At most {NOTE_MAX} characters")
        )
        return None
    return text

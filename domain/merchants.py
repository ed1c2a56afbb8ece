"""The merchant registry: merchants (and the platforms, markets, fairs and counter lessors they sell
through), their first-payment commitments (先行赔付承诺) and published arbitration clauses (DESIGN §2.5).

One parser per record serves the JSON API, the staff forms and the CSV import, and reports every bad
field at once. The import is checked as a whole here too: a file is imported entirely or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import identifiers
from domain.errors import Conflict, DomainError, FieldError, ValidationFailed

# The field reader, phone and USCC checks are intake's, so a complaint and the registry agree on them.
from domain.intake import _phone, _Reader, _uscc
from domain.taxonomy import REQUEST_KINDS

KINDS: dict[str, tuple[str, str]] = {
    "shop": ("商户", "Shop"),
    "platform": ("电商平台", "E-commerce platform"),
    "market": ("商场/市场", "Shopping centre or market"),
    "exhibition": ("展销会", "Trade fair"),
    "counter_lessor": ("柜台出租者", "Counter lessor"),
}
# The codes an import file or form may give, as its error messages list them.
KIND_CODES_ZH = "、".join(f"{code}（{zh}）" for code, (zh, _) in KINDS.items())
KIND_CODES_EN = ", ".join(f"{code} ({en})" for code, (_, en) in KINDS.items())
# Who others sell through: a shop's parent is one of these (CPL arts. 43, 44).
HOST_KINDS = frozenset(KINDS) - {"shop"}
# CPL art. 43: the consumer may claim from the organiser after the fair ends or the lease expires,
# so these two must say when that is.
DATED_KINDS = frozenset({"exhibition", "counter_lessor"})

AGREEMENT_KINDS: dict[str, tuple[str, str]] = {
    "published": ("公开承诺的仲裁条款", "Published arbitration clause"),
    "written": ("书面仲裁协议", "Written arbitration agreement"),
    "implied": ("默示仲裁协议", "Implied arbitration agreement"),
}

COMMITMENT_STATES: dict[str, tuple[str, str]] = {
    "pending": ("尚未生效", "Not yet in force"),
    "active": ("生效中", "In force"),
    "expired": ("已到期", "Expired"),
}

NAME_MIN, NAME_MAX = 2, 100
ADDRESS_MIN, ADDRESS_MAX = 5, 200
CONTACT_NAME_MAX = 50
EMAIL_MAX = 100
INSTITUTION_MIN, INSTITUTION_MAX = 2, 100
NOTE_MAX = 500
MAX_ID = 2**63 - 1  # bigint

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

# The CSV import's columns; parent_uscc names the platform or market (already registered, or earlier
# in the same file) instead of parent_id.
IMPORT_COLUMNS = (
    "name",
    "uscc",
    "address",
    "subdistrict",
    "kind",
    "parent_uscc",
    "contact_name",
    "contact_phone",
    "contact_email",
    "ends_on",
)


class DuplicateUscc(Conflict):
    """The unified social credit code is registered already (to `existing_id` when known)."""

    def __init__(self, uscc: str, existing_id: int | None) -> None:
        where = f"（商家编号 {existing_id}）" if existing_id is not None else ""
        super().__init__(f"统一社会信用代码 {uscc} 已登记{where} / USCC already registered")
        self.uscc = uscc
        self.existing_id = existing_id


@dataclass(frozen=True, slots=True)
class MerchantDraft:
    name: str
    uscc: str | None
    address: str
    subdistrict: str | None
    kind: str
    parent_id: int | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    ends_on: date | None


@dataclass(frozen=True, slots=True)
class CommitmentDraft:
    scope_requests: tuple[str, ...]  # statutory order (REQUEST_KINDS), no repeats
    scope_categories: tuple[str, ...] | None  # None: every category
    per_claim_cap_fen: int
    active_from: date
    active_until: date | None


@dataclass(frozen=True, slots=True)
class AgreementDraft:
    kind: str
    institution: str
    signed_on: date | None
    note: str | None


def _body(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValidationFailed(
            [FieldError("", "invalid_type", "请求内容应为对象", "Body must be a JSON object")]
        )
    return data


def _positive_id(r: _Reader, path: str) -> int | None:
    raw = r.data.get(path)
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 < raw <= MAX_ID:
        r.fail(path, "invalid_id", "应为商家编号（正整数）", "Must be a merchant id (a positive integer)")
        return None
    return raw


def _parse_merchant(r: _Reader, subdistricts: frozenset[str]) -> MerchantDraft | None:
    data = r.data
    name = r.entry(data, "name", required=True, min_len=NAME_MIN, max_len=NAME_MAX)
    uscc = _uscc(r, data, "uscc")
    address = r.entry(data, "address", required=True, min_len=ADDRESS_MIN, max_len=ADDRESS_MAX)
    subdistrict = r.choice("subdistrict", subdistricts, required=False)
    kind = r.entry(data, "kind", required=False, max_len=64)
    if kind is not None and kind not in KINDS:
        r.fail("kind", "unknown_code", f"类型应为以下代码之一：{KIND_CODES_ZH}", f"One of: {KIND_CODES_EN}")
        kind = None
    elif kind is None and not r.failed("kind"):
        kind = "shop"
    parent_id = _positive_id(r, "parent_id")
    contact_name = r.entry(data, "contact_name", required=False, max_len=CONTACT_NAME_MAX)
    contact_phone = _phone(r, data, "contact_phone", required=False)
    contact_email = r.entry(data, "contact_email", required=False, max_len=EMAIL_MAX)
    if contact_email is not None and not _EMAIL.fullmatch(contact_email):
        r.fail("contact_email", "invalid_email", "电子邮箱格式不正确", "Not an e-mail address")
        contact_email = None
    ends_on = r.day("ends_on", required=False)
    if kind in DATED_KINDS and ends_on is None and not r.failed("ends_on"):
        r.fail(
            "ends_on",
            "required",
            "展销会须填写结束日期，柜台出租须填写租赁期满日期",
            "A trade fair's last day or a counter lease's expiry is required",
        )
    elif kind is not None and kind not in DATED_KINDS and ends_on is not None:
        r.fail(
            "ends_on",
            "not_applicable",
            "只有展销会和柜台出租者填写结束日期",
            "Only trade fairs and counter lessors have an end date",
        )
    if r.errors:
        return None
    assert name and address and kind  # guaranteed by no errors
    return MerchantDraft(
        name=name,
        uscc=uscc,
        address=address,
        subdistrict=subdistrict,
        kind=kind,
        parent_id=parent_id,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        ends_on=ends_on,
    )


def parse_merchant(data: Mapping[str, Any], subdistricts: frozenset[str]) -> MerchantDraft:
    """Validate a merchant; raise ValidationFailed listing every bad field. `kind` defaults to "shop"."""
    r = _Reader(_body(data))
    draft = _parse_merchant(r, subdistricts)
    if draft is None:
        raise ValidationFailed(r.errors)
    return draft


def parse_commitment(data: Mapping[str, Any], categories: frozenset[str]) -> CommitmentDraft:
    """Validate a first-payment commitment: what it covers, its cap per claim, when it is in force."""
    r = _Reader(_body(data))
    requests = _codes(r, "scope_requests", frozenset(REQUEST_KINDS), required=True)
    if requests is not None:
        requests = tuple(kind for kind in REQUEST_KINDS if kind in requests)  # the statutory order
    scope_categories = _codes(r, "scope_categories", categories, required=False)
    cap = r.money("per_claim_cap")
    if cap == 0:
        r.fail("per_claim_cap", "not_positive", "每笔赔付上限应大于零", "The cap must be more than zero")
    active_from = r.day("active_from", required=True)
    active_until = r.day("active_until", required=False)
    if active_from and active_until and active_until < active_from:
        r.fail(
            "active_until",
            "before_start",
            "截止日期不能早于生效日期",
            "The end date cannot be before the start date",
        )
    if r.errors:
        raise ValidationFailed(r.errors)
    assert requests and cap and active_from
    return CommitmentDraft(requests, scope_categories or None, cap, active_from, active_until)


def _codes(r: _Reader, path: str, allowed: frozenset[str], *, required: bool) -> tuple[str, ...] | None:
    raw = r.data.get(path)
    if raw is None or raw == [] or raw == "":
        if required:
            r.fail(path, "required", "请至少选择一项", "Choose at least one")
        return None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        r.fail(path, "invalid_type", "格式不正确，应为代码列表", "Must be a list of codes")
        return None
    if any(item not in allowed for item in raw):
        r.fail(path, "unknown_code", "含有无效的选项", "Unknown code(s)")
        return None
    return tuple(dict.fromkeys(raw))  # no repeats, in the order given


def parse_agreement(data: Mapping[str, Any]) -> AgreementDraft:
    """Validate a merchant's published arbitration clause (one signed for a case belongs to the case)."""
    r = _Reader(_body(data))
    kind = r.entry(r.data, "kind", required=False, max_len=20) or "published"
    if kind != "published":
        r.fail(
            "kind",
            "not_allowed",
            "商家档案中只登记公开承诺的仲裁条款；书面或默示的仲裁协议请在案件中登记",
            "Only a published clause belongs to the merchant; a written or implied agreement "
            "belongs to its case",
        )
    institution = r.entry(
        r.data, "institution", required=True, min_len=INSTITUTION_MIN, max_len=INSTITUTION_MAX
    )
    signed_on = r.day("signed_on", required=False)
    note = r.entry(r.data, "note", required=False, max_len=NOTE_MAX)
    if r.errors:
        raise ValidationFailed(r.errors)
    assert institution
    return AgreementDraft(kind, institution, signed_on, note)


def commitment_state(active_from: date, active_until: date | None, today: date) -> str:
    """ "pending", "active" or "expired" on `today` (both ends count)."""
    if today < active_from:
        return "pending"
    if active_until is not None and today > active_until:
        return "expired"
    return "active"


# --- the CSV import -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceRow:
    line: int  # the line of the file the row starts on (the header is line 1)
    values: Mapping[str, str]  # column → cell, "" when empty
    extra_cells: int = 0  # cells beyond the header's columns


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    message: str
    message_en: str


@dataclass(frozen=True, slots=True)
class ImportItem:
    line: int
    draft: MerchantDraft  # parent_id is None: the parent is named by parent_uscc
    parent_uscc: str | None


class ImportRejected(DomainError):
    """At least one row is bad: nothing is imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s) in {len({e.line for e in errors})} row(s)")
        self.errors = errors


def check_columns(header: Sequence[str]) -> list[str]:
    """What is wrong with a header row (empty when it has exactly the import's columns, in any order)."""
    problems = []
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    unknown = [c for c in header if c not in IMPORT_COLUMNS]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    return problems


def plan_import(
    rows: Sequence[SourceRow],
    subdistricts: frozenset[str],
    registered: Mapping[str, str],
    *,
    update: bool = False,
) -> list[ImportItem]:
    """Check a whole file; raise ImportRejected with every bad row, else return the rows to write in order.

    `registered` maps the USCCs already in the registry (those the file mentions) to their kind. A USCC
    may appear once, and (unless `update`: the row then updates that merchant) not be registered already;
    a parent_uscc names a registered host or one on an earlier line of the file.
    """
    errors: list[RowError] = []
    items: list[ImportItem] = []
    seen: dict[str, tuple[int, str]] = {}  # uscc → (line, kind) for rows earlier in the file
    for row in rows:
        r = _Reader(row.values)
        if row.extra_cells:
            r.fail("row", "extra_cells", "本行的列数多于表头", "More cells than the header has columns")
        draft = _parse_merchant(r, subdistricts)
        parent = _uscc(r, row.values, "parent_uscc")
        if draft is not None and draft.uscc is not None:
            if draft.uscc in registered and not update:
                r.fail("uscc", "duplicate", "该统一社会信用代码已登记", "This code is already registered")
            elif draft.uscc in seen:
                first = seen[draft.uscc][0]
                r.fail(
                    "uscc",
                    "duplicate",
                    f"与第{first}行的统一社会信用代码重复",
                    f"The same code as line {first}",
                )
        if parent is not None:
            parent_kind = registered.get(parent) or (seen[parent][1] if parent in seen else None)
            if draft is not None and parent == draft.uscc:
                r.fail("parent_uscc", "self", "不能以自身为所属平台", "A merchant cannot be its own parent")
            elif parent_kind is None:
                r.fail(
                    "parent_uscc",
                    "unknown_merchant",
                    "未找到该平台或市场：应已登记，或在本文件中更早的行",
                    "No such merchant registered or on an earlier line",
                )
            elif parent_kind not in HOST_KINDS:
                r.fail(
                    "parent_uscc",
                    "not_a_host",
                    "所属平台或市场应为电商平台、商场/市场、展销会或柜台出租者",
                    "The parent must be a platform, market, trade fair or counter lessor",
                )
        errors += [RowError(row.line, e.field, e.message, e.message_en) for e in r.errors]
        if draft is not None and draft.uscc is not None and draft.uscc not in seen:
            seen[draft.uscc] = (row.line, draft.kind)
        if not r.errors and draft is not None:
            items.append(ImportItem(row.line, draft, parent))
    if errors:
        raise ImportRejected(errors)
    return items


def usccs_mentioned(rows: Sequence[SourceRow]) -> list[str]:
    """Every well-formed USCC in the uscc and parent_uscc columns: what to look up in the registry."""
    found = {
        identifiers.normalize_uscc(row.values.get(column) or "")
        for row in rows
        for column in ("uscc", "parent_uscc")
    }
    return sorted(code for code in found if identifiers.valid_uscc(code))

"""Merchants' records in public as the page and the API read them (issue 18 §1): a publication's entries,
the clean-record list and the definitions; a merchant's own entry for its link and for staff. Businesses
only: names, USCCs, sub-districts and counts."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg
import msgspec

from domain import public_records as rules
from domain.taxonomy import Taxonomy
from service.store import public_merchants as store
from service.store import reference
from service.store.rows import from_attrs
from service.usecases.clock import local_date, local_time

PAGE_SIZE = 50
LIST_LIMIT = 200
CLEAN_LIMIT = 500

# name -> (zh, en): what each figure means, shown on the page and given by the API
DEFINITIONS: dict[str, tuple[str, str]] = {
    "complaints": (
        "统计期内被受理的投诉件数（按受理日期计；不予受理、重复投诉和经认定的虚假投诉不计入）。",
        "Complaints accepted in the period, by date of acceptance (not counting complaints not accepted, "
        "duplicates or complaints found to be fake).",
    ),
    "by_problem": ("上述投诉按问题类型的分布。", "Those complaints by problem type."),
    "on_time_share": (
        "按时答复率：先行赔付程序中，商家在答复期限内答复（直接赔付或说明拒绝理由）的件数，占答复期限已到或已答复的"
        "先行赔付通知件数的比例；没有此类通知的显示“—”。与月度统计报表的口径相同。",
        "On-time replies: of the first-payment notices whose reply deadline has come or that were answered, "
        "the share the merchant answered (paid, or refused with reasons) by the deadline; “—” when there "
        "were none. The same definition as the monthly return's.",
    ),
    "resolved_share": (
        "解决率：上述投诉中，经调解达成协议、经营者或保证金先行赔付、或仲裁裁决支持消费者而办结的比例。",
        "Resolved: the share of those complaints closed with a mediation settlement, a first payment (by the "
        "merchant or from its deposit) or an arbitration award for the consumer.",
    ),
    "first_payments": (
        "上述投诉中已完成的先行赔付件数（商家直接赔付或从质量保证金中支付）。",
        "First payments made on those complaints (by the merchant, or from its guarantee deposit).",
    ),
    "committed": (
        "放心消费承诺：商家目前有有效的先行赔付承诺（已在市场监管部门登记）。",
        "Commitment: the merchant holds a first-payment commitment in force today, registered with the "
        "regulator.",
    ),
    "clean": (
        "守诺商家：有有效的先行赔付承诺，且统计期内没有超过处理期限仍未办结（或逾期办结）的投诉。",
        "Clean record: a first-payment commitment in force, and no complaint of the period left unresolved "
        "past its handling deadline (or closed after it).",
    ),
    "threshold": (
        "统计期内被受理投诉达到公示标准件数的商家才予公示，一两件投诉不会点名商家。只公示经营者，不公开任何消费者信息。",
        "A business is named only when its accepted complaints in the period reach the publication "
        "threshold, so one or two complaints never name it. Only businesses appear; nothing about any "
        "consumer.",
    ),
}


class ProblemCount(msgspec.Struct, frozen=True):
    code: str
    zh: str
    en: str
    complaints: int


class PublicReply(msgspec.Struct, frozen=True):
    body: str  # plain text; pages escape it
    written_on: date  # Asia/Shanghai
    version: int  # 1 for the first; each edit replaces the reply shown and is kept on record


class FiguresView(msgspec.Struct, frozen=True):
    complaints: int
    by_problem: list[ProblemCount]
    replies_due: int
    replies_on_time: int
    on_time_share: int | None  # whole percent; null when no reply was due
    resolved: int
    resolved_share: int | None
    first_payments: int
    late: int

    @classmethod
    def of(cls, f: rules.Figures, taxonomy: Taxonomy) -> FiguresView:
        labels = {p.code: p for p in taxonomy.problem_types}
        order = {p.code: i for i, p in enumerate(taxonomy.problem_types)}
        by_problem = [
            ProblemCount(code, labels[code].zh if code in labels else code,
                         labels[code].en if code in labels else code, n)
            for code, n in sorted(f.by_problem.items(), key=lambda kv: (-kv[1], order.get(kv[0], 99)))
        ]  # fmt: skip
        return from_attrs(cls, f, by_problem=by_problem)  # the counts, and the shares f computes


class MerchantRecord(msgspec.Struct, frozen=True):
    merchant_id: int
    name: str
    uscc: str | None
    subdistrict: str | None  # code
    subdistrict_zh: str | None
    subdistrict_en: str | None
    figures: FiguresView
    committed: bool  # holds a first-payment commitment in force today
    reply: PublicReply | None  # the merchant's public response, beside its figures


class CleanMerchant(msgspec.Struct, frozen=True):
    merchant_id: int
    name: str
    subdistrict_zh: str | None
    subdistrict_en: str | None


class Definition(msgspec.Struct, frozen=True):
    name: str
    zh: str
    en: str


class PublicMerchants(msgspec.Struct, frozen=True):
    period_start: date
    period_end: date
    published_at: datetime
    threshold: int  # accepted complaints in the period before a business is named
    total: int  # entries in this publication (all pages)
    limit: int
    offset: int
    merchants: list[MerchantRecord]
    clean_record: list[CleanMerchant]  # commitment holders with a clean record (names only)
    definitions: list[Definition]


def reply_view(row: asyncpg.Record | None, prefix: str = "") -> PublicReply | None:
    if row is None or row[f"{prefix}body"] is None:
        return None
    return PublicReply(row[f"{prefix}body"], local_date(row[f"{prefix}written_at"]), row[f"{prefix}version"])


def _subdistrict(t: Taxonomy, code: str | None) -> tuple[str | None, str | None]:
    label = next((s for s in t.subdistricts if s.code == code), None)
    return (label.zh, label.en) if label else (None, None)


def _record(r: asyncpg.Record, t: Taxonomy) -> MerchantRecord:
    zh, en = _subdistrict(t, r["subdistrict"])
    return MerchantRecord(
        merchant_id=r["merchant_id"],
        name=r["name"],
        uscc=r["uscc"],
        subdistrict=r["subdistrict"],
        subdistrict_zh=zh,
        subdistrict_en=en,
        figures=FiguresView.of(store.figures(r), t),
        committed=r["committed"],
        reply=reply_view(r, "reply_"),
    )


async def publication(
    conn: asyncpg.Connection, period_end: date, *, today: date, limit: int, offset: int
) -> PublicMerchants:
    """The publication of the period ending `period_end` (made: see usecases.public_merchants)."""
    pub = await store.publication(conn, period_end)
    assert pub is not None, "published before it is read"
    t = await reference.taxonomy(conn)
    rows = await store.entries(conn, period_end, pub["threshold"], today=today, limit=limit, offset=offset)
    clean = await store.clean_record(conn, period_end, today=today, limit=CLEAN_LIMIT)
    merchants = [_record(r, t) for r in rows]
    return PublicMerchants(
        period_start=pub["period_start"],
        period_end=pub["period_end"],
        published_at=local_time(pub["computed_at"]),
        threshold=pub["threshold"],
        total=await store.entry_count(conn, period_end, pub["threshold"]),
        limit=limit,
        offset=offset,
        merchants=merchants,
        clean_record=[
            CleanMerchant(r["merchant_id"], r["name"], *_subdistrict(t, r["subdistrict"])) for r in clean
        ],
        definitions=[Definition(name, zh, en) for name, (zh, en) in DEFINITIONS.items()],
    )


class OwnEntry(msgspec.Struct, frozen=True):
    """A merchant's own entry, for its link and for staff: the coming publication counted so far, and
    whether it is (or would be) named, withheld, and its reply."""

    period_start: date
    period_end: date
    threshold: int
    named: bool  # at or above the threshold (so published unless withheld)
    figures: FiguresView
    reply: PublicReply | None
    withheld: bool
    withheld_reason: str | None  # staff only (the merchant's link shows that it is withheld, not why)
    withheld_at: datetime | None
    counted_at: datetime | None = None  # a large merchant's preview, as the hourly job counted it (local)


async def own_entry(
    conn: asyncpg.Connection,
    merchant_id: int,
    period: rules.Period,
    threshold: int,
    *,
    today: date,
    published: bool = False,
) -> OwnEntry:
    """The merchant's entry for `period`: its preview (as the hourly job counted it today for a large
    merchant, else counted now), or `published` as the period's publication holds it."""
    counted_at = None
    if published:
        f = await store.published_figures(conn, period.end, merchant_id)
    elif stored := await store.preview(conn, merchant_id, period, today=today):
        f, counted_at = stored[0], local_time(stored[1])
    else:
        f = await store.figures_of(conn, merchant_id, period, today=today)
    held = await store.withholding(conn, merchant_id)
    t = await reference.taxonomy(conn)
    return OwnEntry(
        period_start=period.start,
        period_end=period.end,
        threshold=threshold,
        named=rules.named(f, threshold),
        figures=FiguresView.of(f, t),
        reply=reply_view(await store.latest_reply(conn, merchant_id)),
        withheld=held is not None,
        withheld_reason=held["reason"] if held else None,
        withheld_at=local_time(held["withheld_at"]) if held else None,
        counted_at=counted_at,
    )

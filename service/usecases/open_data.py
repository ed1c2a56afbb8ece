"""The open dataset (issue 18 §2, DESIGN §2.9): one row per case closed in a month, k-anonymous, frozen.

An ended month's file is computed once — by its first public reader or the hourly job, whichever comes
first, under the month's lock so that two never make two version 1s — and then served as stored, so its
hash is the same on every read. A supervisor or administrator may restate a month: the file is computed
again and, when its hash differs, stored as version n+1 with the reason and the rows added and removed;
every earlier version is still served (`?version=`). k is the disclosure policy's in force at the month's
end (service/store/disclosure.py); a merchant is named only when it passes the public-records threshold
for the 12 months ending with that day (service/store/public_merchants.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

import asyncpg

from domain import indicators as ind
from domain import open_data as rules
from domain import public_records
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.outcomes import OUTCOMES
from domain.return_snapshots import content_hash
from domain.routing_facts import ROUTE_LABELS
from domain.taxonomy import CHANNELS, Taxonomy
from service.adapters.spreadsheets import csv_safe
from service.store import disclosure, reference, statistics
from service.store import open_data as store
from service.store.public_merchants import named_merchant_ids
from service.store.staff import StaffUser
from service.usecases import returns
from service.usecases.clock import local_date, local_time
from service.usecases.open_data_commands import (
    Changes,
    Code,
    Column,
    Counts,
    FileVersion,
    MonthFiles,
    OpenDataFile,
    OpenDataIndex,
    RestateFile,
)

SYSTEM_ACTOR = "system"
LIST_MONTHS = 36  # the months the index lists
BACKFILL_MONTHS = 12  # the job freezes missing ended months this far back (newest first) …
BACKFILL_PER_RUN = 3  # … a few per run, so one run stays short
FORMATS = ("csv", "json")
API = "/api/v1/open-data"
CSV_TYPE = "text/csv"  # Litestar adds "; charset=utf-8"


class NoFile(NotFound):
    """No such file (a month not ended, a version never made, a name without .csv or .json): a 404 that says
    why, in Chinese and English (service/web/api/open_data.py)."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message, self.message_en = message, message_en


# --- months and names -------------------------------------------------------------------------------


def split_name(name: str) -> tuple[date, str]:
    """'2026-05.csv' or '2026-05.json' → the month and the format; 422 for a bad month, 404 without one of
    the formats."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in FORMATS:
        raise NoFile(
            "开放数据文件名应为 YYYY-MM.csv 或 YYYY-MM.json", "A file is named YYYY-MM.csv or YYYY-MM.json"
        )
    return returns.month_of(stem), fmt


def check_ended(month: date, today: date) -> None:
    """A month's file exists only once the month has ended (Asia/Shanghai): 404 before."""
    if month >= date(today.year, today.month, 1):
        key = ind.month_key(month)
        raise NoFile(f"{key} 尚未结束，还没有开放数据文件", f"{key} has not ended: there is no file yet")


# --- computing and freezing -------------------------------------------------------------------------


def _row(fact: store.Fact, month_closed: str) -> rules.Row:
    return rules.Row(
        month_received=fact.month_received,
        month_closed=month_closed,
        subdistrict=fact.subdistrict or "",
        quality_domain=fact.quality_domain,
        category=fact.category,
        problem_type=fact.problem_type,
        channel=fact.channel,
        route=fact.route or "",
        outcome=fact.outcome,
        handling_days=fact.handling_days,
        relief_band=rules.relief_band(fact.relief_fen),
        satisfaction_band=rules.satisfaction_band(fact.score),
        merchant=fact.merchant or "",
    )


async def compute(conn: asyncpg.Connection, month: date) -> tuple[int, list[rules.Row], rules.Counts]:
    """k, the rows and the counts of a month's file from the data as it stands."""
    last_day = public_records.month_end(month)
    policy = await disclosure.policy_on(conn, last_day)
    named = await named_merchant_ids(conn, until=last_day, policy=policy)
    facts = await store.closed_facts(conn, month, ind.add_months(month, 1), named=named)
    groups = {f.category: f.category_group for f in facts}
    key = ind.month_key(month)
    rows, counts = rules.anonymise([_row(f, key) for f in facts], policy.open_data_k, groups=groups)
    return policy.open_data_k, rows, counts


async def _store_version(
    conn: asyncpg.Connection,
    month: date,
    *,
    latest: store.File | None,
    actor: str,
    now: datetime,
    reason: str | None,
) -> store.File:
    """Compute the month and store it as the next version unless it equals `latest` (then `latest`)."""
    k, rows, counts = await compute(conn, month)
    digest = content_hash(rules.file_content(ind.month_key(month), k, counts, rows))
    if latest is not None and latest.content_hash == digest:
        return latest
    made = await store.insert(
        conn,
        month=month,
        version=latest.version + 1 if latest else 1,
        k=k,
        counts=counts,
        rows=rows,
        content_hash=digest,
        created_at=now,
        created_by=actor,
        restatement_of=latest.version if latest else None,
        changes=rules.row_changes(latest.rows, rows) if latest else None,
        reason=reason if latest else None,
    )
    return replace(made, created=True)


async def freeze(pool: asyncpg.Pool, month: date, *, now: datetime) -> store.File:
    """The month's file as stored; version 1 made now if there is none (the month must have ended)."""
    check_ended(month, local_date(now))
    async with pool.acquire() as conn:
        found = await store.latest(conn, month)
        if found is not None:
            return found
        first = await statistics.first_month(conn)
        if first is None or month < first:  # no empty files for the years before the service
            key = ind.month_key(month)
            raise NoFile(f"{key} 没有投诉数据", f"There is no complaint data for {key}")
        async with conn.transaction():
            await store.lock_month(conn, month)  # a concurrent first reader waits, then finds it
            found = await store.latest(conn, month)
            if found is not None:
                return found
            return await _store_version(conn, month, latest=None, actor=SYSTEM_ACTOR, now=now, reason=None)


async def file_of(
    pool: asyncpg.Pool, month: date, *, now: datetime, version: int | None = None
) -> store.File:
    """The latest version (frozen on first read) or version `version` of an ended month's file."""
    if version is None:
        return await freeze(pool, month, now=now)
    check_ended(month, local_date(now))
    async with pool.acquire() as conn:
        found = await store.get(conn, month, version)
    if found is None:
        key = ind.month_key(month)
        raise NoFile(f"{key} 没有第{version}版开放数据文件", f"{key} has no version {version}")
    return found


async def restate(
    pool: asyncpg.Pool, month: date, staff: StaffUser, cmd: RestateFile, *, now: datetime
) -> store.File:
    """Compute an ended month again: version n+1 (with the reason and the rows added and removed) when the
    rows changed; the latest version, as it is, when nothing changed."""
    reason = cmd.reason.strip()
    if not reason:
        raise ValidationFailed(
            [FieldError("reason", "required", "请说明重新发布的原因", "Give the reason for the restatement")]
        )
    check_ended(month, local_date(now))
    async with pool.acquire() as conn, conn.transaction():
        await store.lock_month(conn, month)
        latest = await store.latest(conn, month)
        return await _store_version(conn, month, latest=latest, actor=staff.actor, now=now, reason=reason)


async def freeze_due(pool: asyncpg.Pool, *, now: datetime) -> list[date]:
    """The hourly job: the last ended month's file, and a few missing ones of the months before (newest
    first, none before the first complaint). Run it as often as you like: a month with a file is skipped."""
    today = local_date(now)
    last = ind.previous_month(today)
    async with pool.acquire() as conn:
        first = await statistics.first_month(conn)
        have = {f.month for f in await store.files(conn, BACKFILL_MONTHS + 1)}
    if first is None:
        return []
    months = [ind.add_months(last, -n) for n in range(BACKFILL_MONTHS)]
    missing = [m for m in months if m >= first and m not in have][:BACKFILL_PER_RUN]
    for month in missing:
        await freeze(pool, month, now=now)
    return missing


# --- what readers get -------------------------------------------------------------------------------


def _counts_view(counts: rules.Counts) -> Counts:
    return Counts(**counts.as_json())


def _changes_view(changes: dict[str, int] | None) -> Changes | None:
    return Changes(added=changes["added"], removed=changes["removed"]) if changes else None


def file_view(f: store.File) -> OpenDataFile:
    return OpenDataFile(
        month=ind.month_key(f.month),
        version=f.version,
        dictionary=f.dictionary,
        k=f.k,
        content_hash=f.content_hash,
        counts=_counts_view(f.counts),
        created_at=local_time(f.created_at),
        restatement_of=f.restatement_of,
        changes=_changes_view(f.changes),
        columns=list(f.columns),
        rows=[dict(zip(f.columns, rules.as_list(r), strict=True)) for r in f.rows],
        created=f.created,
    )


def csv_bytes(f: store.File) -> bytes:
    """UTF-8 with a byte-order mark (Excel and WPS open it as UTF-8), CRLF, English column names; a text a
    spreadsheet would take for a formula is quoted (CSV injection)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(f.columns)
    for row in f.rows:
        writer.writerow([csv_safe(v) if isinstance(v, str) else v for v in rules.as_list(row)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def file_headers(f: store.File) -> dict[str, str]:
    """What a CSV answer says about itself in its headers (the JSON carries the same in its body)."""
    ascii_name = f"open-data-{ind.month_key(f.month)}-v{f.version}.csv"
    return {
        "Content-Disposition": f'attachment; filename="{ascii_name}"',
        "X-Open-Data-Month": ind.month_key(f.month),
        "X-Open-Data-Version": str(f.version),
        "X-Open-Data-Dictionary": f.dictionary,
        "X-Open-Data-K": str(f.k),
        "X-Content-Hash": f.content_hash,
        "X-Rows": str(f.counts.rows),
        "X-Rows-Generalised": str(f.counts.generalised),
        "X-Rows-Suppressed": str(f.counts.suppressed),
    }


def _version_view(item: store.FileListItem) -> FileVersion:
    key = ind.month_key(item.month)
    return FileVersion(
        version=item.version,
        content_hash=item.content_hash,
        k=item.k,
        counts=_counts_view(item.counts),
        created_at=local_time(item.created_at),
        restatement_of=item.restatement_of,
        changes=_changes_view(item.changes),
        csv=f"{API}/{key}.csv?version={item.version}",
        json=f"{API}/{key}.json?version={item.version}",
    )


def _months(items: Sequence[store.FileListItem]) -> list[MonthFiles]:
    by_month: dict[date, list[store.FileListItem]] = {}
    for item in items:  # newest month first, newest version first
        by_month.setdefault(item.month, []).append(item)
    return [
        MonthFiles(ind.month_key(month), _version_view(versions[0]), [_version_view(v) for v in versions[1:]])
        for month, versions in by_month.items()
    ]


def _code_lists(taxonomy: Taxonomy) -> dict[str, list[Code]]:
    def of(pairs: Sequence[tuple[str, str, str]]) -> list[Code]:
        return [Code(code, zh, en) for code, zh, en in pairs]

    district = (rules.DISTRICT, *rules.DISTRICT_LABEL)
    groups = [(code, zh, en) for code, (zh, en) in rules.GROUP_LABELS.items()]
    return {
        "subdistricts": of([*((s.code, s.zh, s.en) for s in taxonomy.subdistricts), district]),
        "quality_domains": of([(d.code, d.zh, d.en) for d in taxonomy.quality_domains]),
        "categories": of([*((c.code, c.zh, c.en) for c in taxonomy.categories), *groups]),
        "problem_types": of([(p.code, p.zh, p.en) for p in taxonomy.problem_types]),
        "channels": of([(code, zh, en) for code, (zh, en) in CHANNELS.items()]),
        "routes": of([(str(code), zh, en) for code, (zh, en) in ROUTE_LABELS.items()]),
        "outcomes": of([(c, zh, en) for c, (zh, en) in OUTCOMES.items() if c not in rules.EXCLUDED_OUTCOMES]),
        "relief_bands": of([(code, zh, en) for _upper, code, zh, en in rules.RELIEF_BANDS]),
        "satisfaction_bands": of(
            [*((code, zh, en) for _lower, code, zh, en in rules.SATISFACTION_BANDS), rules.NO_ANSWER]
        ),
    }


async def index(pool: asyncpg.Pool, *, now: datetime) -> OpenDataIndex:
    """The months with a file (the last ended month's frozen now if it had none: the first public reader
    makes it) with their versions, and the data dictionary with its code lists."""
    today = local_date(now)
    last = ind.previous_month(today)
    async with pool.acquire() as conn:
        first = await statistics.first_month(conn)
    if first is not None and first <= last:
        await freeze(pool, last, now=now)
    async with pool.acquire() as conn:
        items = await store.files(conn, LIST_MONTHS)
        taxonomy = await reference.taxonomy(conn)
        policy = await disclosure.policy_on(conn, public_records.month_end(last))
    codes = _code_lists(taxonomy)
    columns = [Column(c.name, c.zh, c.en, codes[c.codes] if c.codes else None) for c in rules.DICTIONARY]
    return OpenDataIndex(rules.DICTIONARY_VERSION, policy.open_data_k, _months(items), columns)

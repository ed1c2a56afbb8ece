"""Statistics test data: a builder that inserts cases, first payments and surveys with SQL directly (dates,
statuses and outcomes chosen; times in UTC as stored), the personal values that must never reach a figure,
and a reader for the spreadsheets the returns export writes."""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from tests.support.databases import Databases

# Personal values that must never reach a figure, a file or a page.
SECRETS = {
    "name": "欧阳保密",
    "phone": "13900007777",
    "id_number": "33010519900101777X",
    "address": "拱墅区保密路777号3单元",
    "email": "secret777@example.com",
    "description": "保密的投诉描述777",
    "note": "保密的办案备注777",
    "comment": "保密的回访评论777",
    "merchant_phone": "13900007778",
    "report": "保密的举报线索777",
    "terms": "保密的调解协议条款777",
}


def utc(year: int, month: int, day: int, hour: int = 2, minute: int = 0) -> datetime:
    """A stored instant; hour 2 UTC is 10:00 in Beijing on the same day."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def d(text: str) -> date:
    return date.fromisoformat(text)


def at_ten(on: str) -> datetime:
    """10:00 in Beijing on a local day: the time of the decisions and closings these datasets make."""
    return utc(*d(on).timetuple()[:3])


def decided(on: str) -> dict[str, Any]:
    """Decided and accepted on the same day."""
    return {"decided_at": at_ten(on), "accepted_on": d(on)}


@contextlib.asynccontextmanager
async def loaded_pool(
    databases: Databases, load: Callable[[asyncpg.Connection], Awaitable[object]], *, max_size: int = 3
) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a fresh migrated database that `load` has filled in one transaction; closed on exit."""
    async with databases.pool(max_size=max_size) as pool:
        async with pool.acquire() as conn, conn.transaction():
            await load(conn)
        yield pool


class Data:
    def __init__(self, conn: asyncpg.Connection, prefix: str = "T") -> None:
        self.conn = conn
        self.prefix = prefix
        self.seq = 0
        self.ids: dict[str, int] = {}

    async def case(self, name: str, received: datetime, **cols: Any) -> int:
        self.seq += 1
        local = (received + timedelta(hours=8)).date()
        row: dict[str, Any] = {
            "tracking_no": f"{self.prefix}{self.seq:06d}",
            "access_code_hash": b"x",
            "status": "received",
            "channel": "web",
            "received_at": received,
            "received_on": local,
            "rule_set_id": "order20",
            "acceptance_due": local + timedelta(days=9),
            "acceptance_due_provisional": False,
            "quality_domain": "product",
            "category": "household_appliances",
            "problem_type": "quality",
            "subdistrict": "hushu",
            "merchant_name": "丁建材商行",
            "merchant_address": "杭州市拱墅区某路1号",
            "merchant_phone": SECRETS["merchant_phone"],
            "purchase_date": local - timedelta(days=10),
            "amount_paid_fen": 39900,
            "claim_amount_fen": 39900,
            "requests": ["refund"],
            "description": SECRETS["description"],
            "decision_note": SECRETS["note"],
        }
        row.update(cols)
        names = ", ".join(row)
        params = ", ".join(f"${i}" for i in range(1, len(row) + 1))
        case_id: int = await self.conn.fetchval(
            f"INSERT INTO cases ({names}) VALUES ({params}) RETURNING id", *row.values()
        )
        await self.conn.execute(
            "INSERT INTO case_consumers (case_id, name, phone, address, id_number, email) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            case_id,
            SECRETS["name"],
            SECRETS["phone"],
            SECRETS["address"],
            SECRETS["id_number"],
            SECRETS["email"],
        )
        self.ids[name] = case_id
        return case_id

    async def closed_case(
        self,
        name: str,
        received: datetime,
        accepted: str,
        due: str | None,
        outcome: str,
        closed: str,
        **cols: Any,
    ) -> int:
        """A case accepted on `accepted` (mediation due `due`, if any) and closed with `outcome`; by
        mediation unless `cols` name another route."""
        facts = {"status": "closed", "route": "mediation", "mediation_due": d(due) if due else None}
        closing = {"outcome": outcome, "closed_at": at_ten(closed)}
        return await self.case(name, received, **(facts | decided(accepted) | closing | cols))

    async def first_payment(self, name: str, payer: int, state: str, reply_due: date, **cols: Any) -> None:
        row = {"case_id": self.ids[name], "payer_id": payer, "amount_fen": 50000, "state": state}
        row |= {"reply_due": reply_due, "merchant_note": SECRETS["note"], **cols}
        names = ", ".join(row)
        params = ", ".join(f"${i}" for i in range(1, len(row) + 1))
        await self.conn.execute(f"INSERT INTO first_payments ({names}) VALUES ({params})", *row.values())

    async def survey(
        self, name: str, created: datetime, answered: datetime | None = None, **scores: Any
    ) -> None:
        await self.conn.execute(
            """INSERT INTO surveys (case_id, token_hash, created_at, expires_at, answered_at, timeliness,
                                    fairness, attitude, outcome, overall, score, comment, weights_version)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'equal-2020')""",
            self.ids[name],
            f"token-{self.prefix}-{name}".encode(),
            created,
            created + timedelta(days=30),
            answered,
            scores.get("timeliness"),
            scores.get("fairness"),
            scores.get("attitude"),
            scores.get("outcome"),
            scores.get("overall"),
            scores.get("score"),
            SECRETS["comment"],
        )


# The monthly return's sheets, in the order the export writes them.
SHEETS = ["总览", "分类", "问题类型", "质量领域", "街道", "处理方式", "满意度", "经营者", "数据说明"]


# --- reading the spreadsheet with the standard library ------------------------------------------------

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_xlsx(data: bytes) -> dict[str, dict[str, Any]]:
    """Sheet name → {"rows": [[(type, text), …], …], "frozen": bool}; type "n" number, "s" string."""
    import xml.etree.ElementTree as ET

    zf = zipfile.ZipFile(io.BytesIO(data))
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    shared: list[str] = []
    if "xl/sharedStrings.xml" in zf.namelist():
        sst = ET.fromstring(zf.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in sst]
    out: dict[str, dict[str, Any]] = {}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    for sheet in workbook.find("m:sheets", NS) or []:
        root = ET.fromstring(zf.read("xl/" + str(targets[sheet.get(rid)])))
        rows = []
        for row in root.iter(f"{{{NS['m']}}}row"):
            cells = []
            for c in row.findall("m:c", NS):
                kind = c.get("t")
                if kind == "inlineStr":
                    cells.append(("s", "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))))
                elif kind == "s":
                    cells.append(("s", shared[int(c.findtext("m:v", "", NS))]))
                elif c.find("m:v", NS) is not None:
                    cells.append(("n", c.findtext("m:v", "", NS)))
                else:
                    cells.append(("blank", ""))
            rows.append(cells)
        pane = root.find(".//m:pane", NS)
        out[str(sheet.get("name"))] = {
            "rows": rows,
            "frozen": pane is not None and pane.get("state") == "frozen",
        }
    return out

"""Product risk signals on real PostgreSQL: complaints filed with a product (brand, model, batch), accepted
against registry merchants, raise one signal when the product crosses the disclosure policy's thresholds
(on acceptance, and in the sweep); it grows while open; the supervisor's actions are events on the
signal and its cases; the monthly return counts them and names only referred or notified products."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest

from domain.errors import Conflict, NotFound, ValidationFailed
from service import exports
from service.queries import product_signals as queries
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import casework, intake, product_signals, returns
from service.usecases.product_signal_commands import DecideProductSignal
from tests.support.casework import field_codes, kinds, new_merchant, new_supervisor
from tests.support.factories import complaint_body
from tests.support.intake import at, ctx


@pytest.fixture(scope="module")
async def supervisor(pool: asyncpg.Pool) -> StaffUser:
    return await new_supervisor(pool, "t_product_signals_sup")


class Product:
    """A product no other test names, and complaints about it accepted against given merchants."""

    def __init__(self, pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser) -> None:
        self.pool, self.settings, self.supervisor = pool, settings, supervisor
        self.brand = f"Brand{uuid.uuid4().hex[:8]}"
        self.model = "KFR-35GW/A1"

    async def accepted(
        self, merchant_id: int | None, day: date, *, model: str | None = None, injury: bool = False, **kw: Any
    ) -> int:
        """Filed the day before `day` naming the product (the model written another way), linked to the
        registry merchant (None: not in the registry), accepted on `day` through the use case (which
        checks for a signal)."""
        received = day - timedelta(days=1)
        product = {"brand": self.brand.upper(), "model": model or self.model, "batch": "20260315"}
        body = complaint_body(today=received, product={**product, "injury": injury}, **kw)
        case_id = (
            await intake.submit_complaint(self.pool, body, ctx(self.settings), now=at(received))
        ).case_id
        if merchant_id is not None:  # else: a shop not in the registry
            await self.pool.execute("UPDATE cases SET merchant_id = $2 WHERE id = $1", case_id, merchant_id)
        await casework.accept(self.pool, case_id, self.supervisor, None, now=at(day))
        return case_id

    async def signals(self) -> list[asyncpg.Record]:
        return list(
            await self.pool.fetch(
                "SELECT * FROM product_signals WHERE brand ILIKE $1 ORDER BY id", self.brand
            )
        )


async def signal_events(pool: asyncpg.Pool, signal_id: int) -> list[tuple[str, str]]:
    rows = await pool.fetch(
        "SELECT kind, actor FROM product_signal_events WHERE signal_id = $1 ORDER BY id", signal_id
    )
    return [(r["kind"], r["actor"]) for r in rows]


async def test_one_signal_on_the_acceptance_that_crosses_the_thresholds(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, today_local: date
) -> None:
    p = Product(pool, settings, supervisor)
    shop_a, shop_b, shop_c = [await new_merchant(pool, f"拱墅区产品风险测试店{i}") for i in "甲乙丙"]
    day = today_local - timedelta(days=10)
    first = [await p.accepted(shop_a, day), await p.accepted(shop_a, day, model="kfr 35gw a1")]
    assert await p.signals() == []  # two complaints, one merchant: not across merchants
    third = await p.accepted(shop_b, day, model="ＫＦＲ－３５ＧＷ／Ａ１", injury=True, problem_type="safety")
    (signal,) = await p.signals()
    assert signal["case_ids"] == [*first, third]
    assert signal["merchant_keys"] == sorted([f"id:{shop_a}", f"id:{shop_b}"])
    assert signal["category"] == "household_appliances" and signal["decided_at"] is None
    assert await signal_events(pool, signal["id"]) == [("product_signal_raised", "system")]
    for case_id in (*first, third):
        assert (await kinds(pool, case_id)).count("product_signal_raised") == 1

    now = at(today_local)
    assert await product_signals.detect(pool, now=now) == []  # the sweep finds nothing new
    fourth = await p.accepted(shop_c, today_local - timedelta(days=1))
    (signal,) = await p.signals()
    assert signal["case_ids"] == [*first, third, fourth] and f"id:{shop_c}" in signal["merchant_keys"]
    assert [k for k, _ in await signal_events(pool, signal["id"])][-1] == "product_signal_grown"

    shown = await queries.signal(pool, signal["id"], now=now)
    assert (shown.brand, shown.model, shown.count, shown.injuries) == (p.brand.upper(), p.model, 4, 1)
    assert set(shown.merchants) == {f"拱墅区产品风险测试店{i}" for i in "甲乙丙"}
    assert shown.problem_types == ["质量×3", "安全×1"]
    assert shown.batches == ["20260315"] and [c.id for c in shown.cases] == [*first, third, fourth]
    listed = await queries.signals(pool, now=now)
    assert signal["id"] in [s.id for s in listed.open]


async def test_each_action_is_an_event_and_a_dismissal_needs_a_reason(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, today_local: date
) -> None:
    p = Product(pool, settings, supervisor)
    shops = [await new_merchant(pool, f"拱墅区抽查测试店{i}") for i in range(2)]
    day = today_local - timedelta(days=5)
    ids = [await p.accepted(shops[i % 2], day) for i in range(3)]
    (signal,) = await p.signals()
    now = at(today_local)

    with pytest.raises(ValidationFailed) as exc:
        await product_signals.decide(
            pool, signal["id"], supervisor, DecideProductSignal("dismissed"), now=now
        )
    assert field_codes(exc) == {"note": "required"}
    with pytest.raises(ValidationFailed) as exc:
        await product_signals.decide(pool, signal["id"], supervisor, DecideProductSignal("shrug"), now=now)
    assert field_codes(exc) == {"decision": "unknown_code"}
    with pytest.raises(NotFound):
        await product_signals.decide(pool, 10**12, supervisor, DecideProductSignal("spot_check"), now=now)
    assert (await p.signals())[0]["decided_at"] is None  # nothing written by a refused action

    done = await product_signals.decide(
        pool, signal["id"], supervisor, DecideProductSignal("recall_notice", "多起触电"), now=now
    )
    assert (done.id, done.decision) == (signal["id"], "recall_notice")
    (stored,) = await p.signals()
    assert (stored["decision"], stored["decision_note"], stored["decided_by"]) == (
        "recall_notice",
        "多起触电",
        supervisor.id,
    )
    assert (await signal_events(pool, signal["id"]))[-1] == ("product_signal_recall_notice", supervisor.actor)
    for case_id in ids:
        assert (await kinds(pool, case_id))[-1] == "product_signal_recall_notice"
    with pytest.raises(Conflict):
        await product_signals.decide(
            pool, signal["id"], supervisor, DecideProductSignal("spot_check"), now=now
        )

    assert await product_signals.detect(pool, now=now) == []  # decided, not grown: nothing new
    later = await p.accepted(shops[0], today_local)  # grown after the decision: a new signal
    old, new = await p.signals()
    assert new["decided_at"] is None and new["case_ids"] == [*ids, later] and old["decided_at"] is not None
    with pytest.raises(asyncpg.PostgresError):  # the signal's history is append-only
        await pool.execute("DELETE FROM product_signal_events WHERE signal_id = $1", old["id"])


async def test_rejected_and_old_complaints_do_not_count_and_merchants_are_told_apart(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, today_local: date
) -> None:
    p = Product(pool, settings, supervisor)
    shops = [await new_merchant(pool, f"拱墅区不计入测试店{i}") for i in range(2)]
    rejected = await p.accepted(shops[0], today_local - timedelta(days=3))
    await pool.execute("UPDATE cases SET status = 'rejected', rejection_ground = 2 WHERE id = $1", rejected)
    await p.accepted(shops[1], today_local - timedelta(days=95))  # outside the 90 days
    # not in the registry, without a credit code: the same shop, once written with a space, is one merchant
    shop = "杭州某某小家电 商行"
    await p.accepted(None, today_local - timedelta(days=2), merchant__name=shop, merchant__uscc=...)
    await p.accepted(
        None, today_local - timedelta(days=2), merchant__name="杭州某某小家电商行", merchant__uscc=...
    )
    # not linked yet, but named as the registry has it: that registry merchant (linked or not, one shop)
    name = await pool.fetchval("SELECT name FROM merchants WHERE id = $1", shops[1])
    await p.accepted(None, today_local - timedelta(days=2), merchant__name=name, merchant__uscc=...)
    await product_signals.detect(pool, now=at(today_local))
    (signal,) = await p.signals()
    assert signal["merchant_keys"] == sorted([f"id:{shops[1]}", "name:杭州某某小家电商行"])
    assert rejected not in signal["case_ids"] and len(signal["case_ids"]) == 3
    last = await p.accepted(shops[1], today_local - timedelta(days=1))  # the same registry merchant
    (signal,) = await p.signals()
    assert last in signal["case_ids"] and len(signal["merchant_keys"]) == 2


async def test_the_monthly_return_counts_signals_and_names_only_referred_products(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, today_local: date
) -> None:
    first_of_month = today_local.replace(day=1)
    month = (first_of_month - timedelta(days=1)).replace(day=1)  # last month: ended
    day = month + timedelta(days=10)
    referred, dismissed = Product(pool, settings, supervisor), Product(pool, settings, supervisor)
    shops = [await new_merchant(pool, f"拱墅区月报产品测试店{i}") for i in range(2)]
    for p in (referred, dismissed):
        for i in range(3):
            await p.accepted(shops[i % 2], day, category="food", quality_domain="product")
    (to_refer,), (to_dismiss,) = await referred.signals(), await dismissed.signals()
    now = at(day + timedelta(days=1))
    await product_signals.decide(pool, to_refer["id"], supervisor, DecideProductSignal("spot_check"), now=now)
    cmd = DecideProductSignal("dismissed", "使用不当")
    await product_signals.decide(pool, to_dismiss["id"], supervisor, cmd, now=now)

    ret = await returns.produce(pool, month, actor="cli", now=at(today_local))
    figures = ret.figures["product_signals"]
    food = next(r for r in figures["by_category"] if r["code"] == "food")
    assert food["raised"] >= 2 and food["spot_check"] >= 1 and food["dismissed"] >= 1
    named = {(n["brand"], n["model"]) for n in figures["named"]}
    assert (referred.brand.upper(), referred.model) in named
    assert all(n["brand"] != dismissed.brand.upper() for n in figures["named"])  # dismissed: not named

    tables = {t.sheet: t for t in exports.tables(ret, await returns.definitions(pool))}
    assert list(tables)[-3:] == ["产品风险", "产品风险_处置产品", "数据说明"]
    assert any(r[0] == "食品" and r[2] >= 1 for r in tables["产品风险"].rows)
    assert any(
        r[1] == referred.brand.upper() and r[3] == "移送监督抽查" for r in tables["产品风险_处置产品"].rows
    )
    text = exports.csv_bytes(tables["产品风险_处置产品"]).decode("utf-8-sig")
    assert "张三" not in text and "13812345678" not in text and "拱墅区月报产品测试店" not in text

"""Finding the merchant a complaint names, on a real database (DESIGN §2.5 item 6): the SQL prefilter
agrees with the pure scorer; routing links a confident match, waits for a person on plausible ones, and
runs again after a re-link or a merge, saying what changed. Each test has its own database, so the
registry holds exactly what the test puts in it."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest

from domain.errors import ValidationFailed
from domain.identifiers import uscc_check_char
from domain.lifecycle import InvalidTransition
from domain.merchant_match import LinkRefused
from domain.merchant_names import bigrams, normalize
from domain.roles import Role
from service.queries import merchants as merchant_files
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import auth, case_merchant, casework, first_payment, intake, merchants, routing
from service.usecases.first_payment_commands import RecordDeposit
from service.usecases.merchant_commands import AddCommitment, EditMerchant, RegisterMerchant
from service.usecases.routing_commands import ConfirmMerchant, OverrideRoute, RelinkMerchant
from tests.support.databases import Databases
from tests.support.factories import complaint_body, fresh_uscc
from tests.support.intake import ctx

HENGDA = "杭州恒达家用电器有限公司"
HENGDA_ADDRESS = "杭州市拱墅区莫干山路588号"


@pytest.fixture
async def fresh(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with databases.pool(max_size=3) as p:
        yield p


@pytest.fixture
async def supervisor(fresh: asyncpg.Pool) -> StaffUser:
    user_id = await auth.add_user(fresh, "t_match_sup", ["supervisor"], "a long enough password")
    return StaffUser(user_id, "t_match_sup", "科长", frozenset({Role.SUPERVISOR}))


def now() -> datetime:
    return datetime.now(UTC)


async def registered(pool: asyncpg.Pool, sup: StaffUser, *, deposit: str = "20000.00") -> int:
    """杭州恒达家用电器有限公司: verified, with a first-payment commitment and a 20,000-yuan deposit."""
    body = "91330105MA2H0HD10"
    f = await merchants.create_merchant(
        pool,
        RegisterMerchant(
            name=HENGDA,
            uscc=body + uscc_check_char(body),
            address=HENGDA_ADDRESS,
            subdistrict="xiaohe",
            contact_phone="0571-88886666",
        ),
    )
    await merchants.add_commitment(
        pool,
        f.merchant.id,
        AddCommitment(scope_requests=["refund", "replace"], per_claim_cap="5000", active_from="2020-01-01"),
    )
    await first_payment.record_deposit(
        pool, f.merchant.id, sup, RecordDeposit(deposit, "首次缴纳"), now=now()
    )
    return f.merchant.id


async def hengda_and_namesake(pool: asyncpg.Pool, sup: StaffUser) -> int:
    """`registered`'s 恒达 (its id) and another business with the trade name 恒达: a restaurant company."""
    merchant_id = await registered(pool, sup)
    await merchants.create_merchant(
        pool, RegisterMerchant(name="恒达餐饮管理有限公司", address="杭州市拱墅区大关路1号")
    )
    return merchant_id


async def accepted_case(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser, *, name: str, address: str, **changes: Any
) -> int:
    body = complaint_body(merchant__name=name, merchant__address=address, merchant__uscc=..., **changes)
    receipt = await intake.submit_complaint(pool, body, ctx(settings), now=now())
    case_id = receipt.case_id
    # a receipt photo: proof of purchase, which a first-payment commitment asks for
    digest = hashlib.sha256(f"receipt-{case_id}".encode()).hexdigest()
    await pool.execute(
        "INSERT INTO evidence (case_id, sha256, size_bytes, content_type, original_name, uploaded_by)"
        " VALUES ($1, $2, 100, 'image/jpeg', 'receipt.jpg', 'consumer')",
        case_id,
        digest,
    )
    await casework.accept(pool, case_id, sup, None, now=now())
    return case_id


async def case_row(pool: asyncpg.Pool, case_id: int) -> asyncpg.Record:
    row = await pool.fetchrow(
        "SELECT status, route, merchant_id, merchant_candidates FROM cases WHERE id = $1", case_id
    )
    assert row is not None
    return row


async def events(pool: asyncpg.Pool, case_id: int, *kinds: str) -> list[tuple[str, str, dict[str, Any]]]:
    rows = await pool.fetch(
        "SELECT kind, actor, payload FROM case_events"
        " WHERE case_id = $1 AND kind = any($2::text[]) ORDER BY id",
        case_id,
        list(kinds),
    )
    return [(r["kind"], r["actor"], dict(r["payload"])) for r in rows]


async def test_the_sql_prefilter_reads_names_as_the_scorer_does(fresh: asyncpg.Pool) -> None:
    names = [
        HENGDA,
        "恒达电器（莫干山路５８８号店）",
        "ＡＢＣ　数码",
        "恒达·电器【旗舰店】",
        "老王 水果店",
        "店",
    ]
    for name in names:
        grams = await fresh.fetchval("SELECT merchant_grams($1)", name)
        assert set(grams) == bigrams(normalize(name)), name
        assert await fresh.fetchval("SELECT merchant_norm($1)", name) == normalize(name)


async def test_a_consumer_names_the_registered_merchant_without_its_uscc(
    fresh: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await registered(fresh, supervisor)
    case_id = await accepted_case(
        fresh, settings, supervisor, name="恒达电器", address="拱墅区莫干山路588号", claim_amount="399.00"
    )
    assert await routing.route_case(fresh, case_id, now=now()) == "first_payment"
    row = await case_row(fresh, case_id)
    assert (row["status"], row["route"], row["merchant_id"]) == (
        "first_payment",
        "first_payment",
        merchant_id,
    )
    [(_, actor, linked)] = await events(fresh, case_id, "merchant_linked")
    assert actor == "system" and linked["how"] == "match" and linked["merchant_id"] == merchant_id
    assert linked["score"] >= 80 and any("门牌地址一致" in r for r in linked["reasons"])
    fp = await fresh.fetchrow("SELECT payer_id, state FROM first_payments WHERE case_id = $1", case_id)
    assert (fp["payer_id"], fp["state"]) == (merchant_id, "notified")
    # no unverified duplicate was made
    assert await fresh.fetchval("SELECT count(*) FROM merchants") == 1


async def test_plausible_candidates_wait_for_a_person_then_routing_runs(
    fresh: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await hengda_and_namesake(fresh, supervisor)
    case_id = await accepted_case(fresh, settings, supervisor, name="恒达电器", address="杭州市拱墅区")
    assert await routing.route_case(fresh, case_id, now=now()) == "merchant_to_confirm"
    row = await case_row(fresh, case_id)
    assert (row["status"], row["route"], row["merchant_id"]) == ("merchant_to_confirm", None, None)
    candidates = row["merchant_candidates"]
    assert candidates[0]["merchant_id"] == merchant_id and len(candidates) == 2
    assert candidates[0]["uscc"] and candidates[0]["reasons"][0]["code"] == "trade_name"
    # the job runs again (a retry, the sweeper): still waiting, nothing routed, one event
    assert await routing.route_case(fresh, case_id, now=now()) == "awaiting_merchant"
    assert len(await events(fresh, case_id, "merchant_to_confirm")) == 1
    assert await events(fresh, case_id, "routed") == []
    # a supervisor cannot route around the question
    with pytest.raises(InvalidTransition):
        await routing.override(fresh, case_id, supervisor, OverrideRoute("mediation", "直接调解"), now=now())

    clerk_id = await auth.add_user(fresh, "t_match_clerk", ["clerk"], "a long enough password")
    clerk = StaffUser(clerk_id, "t_match_clerk", "登记员", frozenset({Role.CLERK}))
    with pytest.raises(ValidationFailed):
        await case_merchant.confirm_merchant(
            fresh, case_id, clerk, ConfirmMerchant(merchant_id="abc"), now=now()
        )
    assert await case_merchant.confirm_merchant(
        fresh, case_id, clerk, ConfirmMerchant(merchant_id=merchant_id), now=now()
    ) == ("first_payment")
    row = await case_row(fresh, case_id)
    assert (row["status"], row["merchant_id"], row["merchant_candidates"]) == (
        "first_payment",
        merchant_id,
        None,
    )
    [(_, actor, linked)] = await events(fresh, case_id, "merchant_linked")
    assert (
        actor == f"staff:{clerk_id}"
        and linked["how"] == "confirmed"
        and linked["score"] == candidates[0]["score"]
    )
    # answered once: a second answer is refused
    with pytest.raises(InvalidTransition):
        await case_merchant.confirm_merchant(
            fresh, case_id, clerk, ConfirmMerchant(merchant_id=merchant_id), now=now()
        )


async def test_not_in_the_registry_creates_the_unverified_merchant(
    fresh: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    await hengda_and_namesake(fresh, supervisor)
    case_id = await accepted_case(fresh, settings, supervisor, name="恒达五金店", address="杭州市拱墅区")
    assert await routing.route_case(fresh, case_id, now=now()) == "merchant_to_confirm"
    assert await case_merchant.confirm_merchant(
        fresh, case_id, supervisor, ConfirmMerchant(not_in_registry=True), now=now()
    ) == ("mediation")
    row = await case_row(fresh, case_id)
    made = await fresh.fetchrow("SELECT name, verified FROM merchants WHERE id = $1", row["merchant_id"])
    assert dict(made) == {"name": "恒达五金店", "verified": False}
    [(_, _, linked)] = await events(fresh, case_id, "merchant_linked")
    assert linked["how"] == "created" and linked["not_in_registry"] is True


async def test_a_uscc_the_registry_lacks_never_matches_another_code_by_name(
    fresh: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await registered(fresh, supervisor)
    body = complaint_body(
        merchant__name=HENGDA, merchant__address=HENGDA_ADDRESS, merchant__uscc=fresh_uscc()
    )
    case_id = (await intake.submit_complaint(fresh, body, ctx(settings), now=now())).case_id
    await casework.accept(fresh, case_id, supervisor, None, now=now())
    assert await routing.route_case(fresh, case_id, now=now()) == "mediation"
    row = await case_row(fresh, case_id)
    assert row["merchant_id"] != merchant_id
    [(_, _, linked)] = await events(fresh, case_id, "merchant_linked")
    assert linked["how"] == "created"


async def test_relinking_routes_again_and_says_what_changed(
    fresh: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    # the consumer's words match nothing: an unverified merchant, mediation
    case_id = await accepted_case(
        fresh, settings, supervisor, name="莫干山路那家卖空调的", address="杭州市拱墅区"
    )
    assert await routing.route_case(fresh, case_id, now=now()) == "mediation"
    merchant_id = await registered(fresh, supervisor)
    with pytest.raises(ValidationFailed) as no_reason:
        await case_merchant.relink(fresh, case_id, supervisor, RelinkMerchant(merchant_id, " "), now=now())
    assert no_reason.value.errors[0].field == "reason"
    route = await case_merchant.relink(
        fresh, case_id, supervisor, RelinkMerchant(merchant_id, "电话核实：即恒达电器"), now=now()
    )
    assert route == "first_payment"
    row = await case_row(fresh, case_id)
    assert (row["status"], row["merchant_id"]) == ("first_payment", merchant_id)
    [(_, actor, relinked)] = await events(fresh, case_id, "merchant_relinked")
    assert actor == f"staff:{supervisor.id}" and relinked["note"] == "电话核实：即恒达电器"
    assert (relinked["route_before"], relinked["route_after"]) == ("mediation", "first_payment")
    assert relinked["changes"][1] == "处理方式由调解改为先行赔付"
    assert any(line.startswith("现适用：") for line in relinked["changes"])
    [(_, _, rerouted)] = await events(fresh, case_id, "rerouted")
    assert rerouted["route"] == "first_payment" and rerouted["from"] == "mediation"
    assert (
        await fresh.fetchval("SELECT payer_id FROM first_payments WHERE case_id = $1", case_id) == merchant_id
    )
    with pytest.raises(ValidationFailed):  # linked to it already
        await case_merchant.relink(fresh, case_id, supervisor, RelinkMerchant(merchant_id, "再次"), now=now())


async def test_relinking_stops_once_money_moved_or_the_case_closed(
    fresh: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await registered(fresh, supervisor)
    other = (
        await merchants.create_merchant(
            fresh, RegisterMerchant(name="别家电器商行", address="杭州市拱墅区文晖路1号")
        )
    ).merchant.id
    case_id = await accepted_case(fresh, settings, supervisor, name=HENGDA, address=HENGDA_ADDRESS)
    assert await routing.route_case(fresh, case_id, now=now()) == "first_payment"
    await fresh.execute("UPDATE first_payments SET state = 'paid_by_merchant' WHERE case_id = $1", case_id)
    with pytest.raises(LinkRefused) as refused:
        await case_merchant.relink(fresh, case_id, supervisor, RelinkMerchant(other, "写错了"), now=now())
    assert refused.value.code == "first_payment_settled"
    await fresh.execute("UPDATE cases SET status = 'closed', outcome = 'withdrawn' WHERE id = $1", case_id)
    with pytest.raises(LinkRefused) as closed:
        await case_merchant.relink(fresh, case_id, supervisor, RelinkMerchant(other, "写错了"), now=now())
    assert closed.value.code == "not_routed"
    assert (await case_row(fresh, case_id))["merchant_id"] == merchant_id


async def test_merging_a_duplicate_moves_its_cases_and_routes_them_again(
    fresh: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    # before the registry knew it: a case linked to an unverified merchant made from the complaint
    case_id = await accepted_case(fresh, settings, supervisor, name="恒达电器行", address="莫干山路五八八号")
    assert await routing.route_case(fresh, case_id, now=now()) == "mediation"
    duplicate = (await case_row(fresh, case_id))["merchant_id"]
    merchant_id = await registered(fresh, supervisor)

    # the duplicate is corrected first (staff edit what the consumer typed) ...
    edited = await merchants.edit_unverified(
        fresh, duplicate, EditMerchant(address=HENGDA_ADDRESS), now=now()
    )
    assert edited.merchant.address == HENGDA_ADDRESS and edited.merchant.name == "恒达电器行"
    with pytest.raises(LinkRefused):  # a registered merchant is not edited here
        await merchants.edit_unverified(
            fresh, merchant_id, EditMerchant(address="杭州市拱墅区别处1号"), now=now()
        )
    with pytest.raises(ValidationFailed):
        await merchants.edit_unverified(fresh, duplicate, EditMerchant(name="x"), now=now())

    # ... then merged into the registered merchant
    with pytest.raises(LinkRefused) as backwards:
        await case_merchant.merge_merchant(fresh, merchant_id, duplicate, supervisor, now=now())
    assert backwards.value.code == "not_unverified"
    merged = await case_merchant.merge_merchant(fresh, duplicate, str(merchant_id), supervisor, now=now())
    assert merged.case_ids == [case_id]
    row = await case_row(fresh, case_id)
    assert (row["merchant_id"], row["status"]) == (merchant_id, "first_payment")
    [(_, _, moved)] = await events(fresh, case_id, "merchant_merged")
    assert (moved["from_merchant_id"], moved["merchant_id"]) == (duplicate, merchant_id)
    [(_, _, relinked)] = await events(fresh, case_id, "merchant_relinked")
    assert relinked["note"] == "合并重复的商家档案" and relinked["changes"][0].startswith(
        "关联商家由“恒达电器行”"
    )
    assert await fresh.fetchval("SELECT merged_into FROM merchants WHERE id = $1", duplicate) == merchant_id
    # never matched again, never listed
    page = await merchant_files.list_merchants(fresh, q="恒达")
    assert [m.id for m in page.items] == [merchant_id]
    later = await accepted_case(fresh, settings, supervisor, name="恒达电器行", address=HENGDA_ADDRESS)
    assert await routing.route_case(fresh, later, now=now()) == "first_payment"
    assert (await case_row(fresh, later))["merchant_id"] == merchant_id


async def test_suggestions_are_public_business_data_of_the_registry(
    fresh: asyncpg.Pool, settings: Settings, supervisor: StaffUser, today_local: date
) -> None:
    merchant_id = await registered(fresh, supervisor)
    # an unverified merchant made from a complaint is not offered (it holds what a consumer typed)
    case_id = await accepted_case(fresh, settings, supervisor, name="恒达电子配件", address="杭州市拱墅区")
    await routing.route_case(fresh, case_id, now=now())
    found = await merchants.suggest(fresh, "恒达")
    assert [(s.id, s.name, s.address) for s in found] == [(merchant_id, HENGDA, HENGDA_ADDRESS)]
    assert not hasattr(found[0], "contact_phone")
    assert await merchants.suggest(fresh, "有限公司") == []  # the legal form alone finds nothing
    assert await merchants.suggest(fresh, "恒") == []  # too short
    options = await merchants.form_options(fresh, None, today=today_local)
    assert [o.id for o in options] == [merchant_id]  # the datalist: merchants with a commitment in force
    assert [o.id for o in await merchants.form_options(fresh, "恒达电器", today=today_local)] == [merchant_id]


async def test_an_override_before_routing_finds_the_merchant_first(
    fresh: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await hengda_and_namesake(fresh, supervisor)
    # the routing job has not run yet; the supervisor overrides straight away
    unsure = await accepted_case(fresh, settings, supervisor, name="恒达电器", address="杭州市拱墅区")
    with pytest.raises(LinkRefused) as refused:
        await routing.override(
            fresh, unsure, supervisor, OverrideRoute("mediation", "消费者要求调解"), now=now()
        )
    assert refused.value.code == "merchant_unconfirmed"
    assert (await case_row(fresh, unsure))["status"] == "accepted"  # nothing written
    sure = await accepted_case(
        fresh,
        settings,
        supervisor,
        name="恒达电器",
        address=HENGDA_ADDRESS,
        description="空调不制冷，商家拖延。",
    )
    assert (
        await routing.override(
            fresh, sure, supervisor, OverrideRoute("mediation", "消费者要求调解"), now=now()
        )
        == "mediation"
    )
    assert (await case_row(fresh, sure))["merchant_id"] == merchant_id
    [(_, actor, linked)] = await events(fresh, sure, "merchant_linked")
    assert actor == f"staff:{supervisor.id}" and linked["how"] == "match"

"""Mediation with the clock passed in: the eight termination grounds and the notice period, offers and
counter-offers answered by the right side, expiry, the settlement and its performance (flagged once),
recusals pausing and resuming the clock, reopening, and what the consumer and the merchant see.

The jobs here (expire_offers, flag_unperformed) sweep every case, so this module runs on a database of
its own: nothing another test leaves behind changes what they find, and they touch nothing of others.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from domain import mediation as rules
from domain import mediation_offers as offer_rules
from domain import mediation_terms
from domain.calendar import Unit, WorkCalendar
from domain.errors import NotFound, ValidationFailed
from domain.lifecycle import InvalidTransition
from domain.mediation import MediationConflict
from domain.roles import Role
from service.queries import mediation as mediation_views
from service.queries import mediation_documents, mediation_public
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import auth, casework, first_payment, intake, mediation
from service.usecases.casework_commands import Pause
from tests.support.casework import kinds
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx
from tests.support.mediation import (
    SETTLED,
    answer,
    closing,
    decide,
    merchant_refund,
    offer,
    recusal,
    settled_by_refund,
)

NOV_10 = date(2026, 11, 10)  # a Tuesday


def at(day: date, hour: int = 2) -> datetime:
    """10:00 in Beijing on that day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture(scope="module")
async def pool(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with databases.pool(max_size=4) as p:
        yield p


async def user(pool: asyncpg.Pool, username: str, roles: list[str]) -> StaffUser:
    user_id = await auth.add_user(pool, username, roles, "a long enough password", display_name=username)
    return StaffUser(user_id, username, username, frozenset(Role(r) for r in roles))


@pytest.fixture(scope="module")
async def sup(pool: asyncpg.Pool) -> StaffUser:
    return await user(pool, "t_med_sup", ["supervisor"])


@pytest.fixture(scope="module")
async def mediator(pool: asyncpg.Pool) -> StaffUser:
    return await user(pool, "t_med_one", ["mediator"])


async def new_merchant(pool: asyncpg.Pool, name: str, *, commitment: bool = False) -> int:
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, address) VALUES ($1, '杭州市拱墅区调解测试路1号') RETURNING id", name
    )
    if commitment:
        await pool.execute(
            "INSERT INTO commitments (merchant_id, scope_requests, per_claim_cap_fen, active_from)"
            " VALUES ($1, ARRAY['refund'], 100000, DATE '2026-01-01')",
            merchant_id,
        )
    return merchant_id


async def in_mediation(
    pool: asyncpg.Pool,
    settings: Settings,
    sup: StaffUser,
    *,
    received: date = date(2026, 11, 2),
    merchant_id: int | None = None,
    assigned_to: int | None = None,
) -> int:
    """A complaint received, accepted the next day, and routed to mediation."""
    body = complaint_body(purchase_date=(received - timedelta(days=3)).isoformat())
    case_id = (await intake.submit_complaint(pool, body, ctx(settings), now=at(received))).case_id
    await casework.accept(pool, case_id, sup, None, now=at(received + timedelta(days=1)))
    await pool.execute(
        "UPDATE cases SET status = 'mediation', route = 'mediation', merchant_id = $2, assigned_to = $3"
        " WHERE id = $1",
        case_id,
        merchant_id,
        assigned_to,
    )
    return case_id


async def settled_case(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser, *, merchant_id: int | None = None, now: datetime
) -> tuple[int, int]:
    """A case whose merchant's refund offer the consumer accepted by phone: (case id, offer id)."""
    case_id = await in_mediation(pool, settings, sup, merchant_id=merchant_id)
    offer_id = await merchant_refund(
        pool, case_id, sup, now=now, amount="399.00", answer_by=(now + timedelta(days=3)).date().isoformat()
    )
    result = await answer(pool, case_id, offer_id, sup, now=now, answer="accept")
    assert result.case_status == "mediation" and result.settlement_id is not None  # a draft to review
    await mediation.issue_settlement(pool, case_id, sup, mediation.IssueSettlement(), now=now)
    for party in ("consumer", "merchant"):
        done = await mediation.record_confirmation(
            pool, case_id, sup, mediation.ConfirmSettlement(party=party, means="signature"), now=now
        )
    assert done.effective and done.case_status == "closed"
    return case_id, offer_id


# --- the domain rules ----------------------------------------------------------------------


def test_the_eight_grounds_of_article_23() -> None:
    assert sorted(mediation_terms.TERMINATION_REASONS) == list(range(1, 9))
    assert mediation_terms.reason_label(2).startswith("第二十三条第（二）项：")
    assert (
        "拒绝调解" in mediation_terms.TERMINATION_REASONS[2][0]
        and "死亡" in mediation_terms.TERMINATION_REASONS[7][0]
    )
    routes = " ".join(zh for zh, _ in mediation_terms.REMAINING_ROUTES)
    assert "仲裁" in routes and "人民法院" in routes and "小额诉讼" in routes
    for bad in (0, 9, "x", True, None):
        with pytest.raises(ValidationFailed):
            rules.termination_input(bad, "说明")
    with pytest.raises(ValidationFailed) as caught:
        rules.termination_input("3", "  ")
    assert [e.field for e in caught.value.errors] == ["note"]
    assert rules.termination_input("3", "商家表示无法达成协议").reason == 3


@pytest.mark.parametrize(
    ("remedy", "amount", "expected"),
    [
        ("refund", 39900, "退还货款和服务费用人民币399.00元"),
        ("compensate", 50000, "赔偿损失人民币500.00元"),
        ("return", 12000, "办理退货，并退还货款人民币120.00元"),
        ("replace", 0, "更换同品种、同型号的合格商品"),
        ("repair", 5000, "免费修理所购商品或所接受的服务，并向消费者支付人民币50.00元"),
        ("redo", 0, "免费重作"),
        ("make_up_quantity", 0, "补足商品数量"),
    ],
)
def test_terms_say_who_does_what_by_when(remedy: str, amount: int, expected: str) -> None:
    terms = mediation_terms.settlement_terms(
        consumer="张三",
        merchant="杭州某某电器有限公司",
        remedy=remedy,
        amount_fen=amount,
        perform_by=date(2026, 12, 1),
        wording="包邮" if remedy == "replace" else None,
    )
    assert terms.splitlines()[1].startswith("一、杭州某某电器有限公司于2026年12月1日前")
    assert expected in terms
    assert ("消费者张三应配合将所购商品退还" in terms) == (remedy in ("return", "replace"))
    assert ("其他约定：包邮。" in terms) == (remedy == "replace")


def test_an_offer_and_its_answer_are_checked() -> None:
    today = NOV_10
    with pytest.raises(ValidationFailed) as caught:
        offer_rules.offer_input("landlord", "gift", "1.234", "2026-11-09", None, today=today)
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("from_party", "unknown_code"),
        ("remedy", "unknown_code"),
        ("amount", "invalid_amount"),
        ("answer_by", "in_past"),
    ]
    ok = offer_rules.offer_input("consumer", "refund", "0", "2026-11-10", " 尽快 ", today=today)
    assert (ok.amount_fen, ok.answer_by, ok.note) == (0, today, "尽快")
    with pytest.raises(ValidationFailed) as caught:
        offer_rules.answer_input("counter", answering="merchant", remedy="refund", today=today)
    assert {e.field for e in caught.value.errors} == {"amount", "answer_by"}
    counter = offer_rules.answer_input(
        "counter", answering="merchant", remedy="refund", amount="300", answer_by="2026-11-20", today=today
    )
    assert counter.counter is not None and counter.counter.from_party == "merchant"
    with pytest.raises(MediationConflict) as conflict:
        offer_rules.check_answering_side("consumer", "consumer")
    assert conflict.value.code == "own_offer"
    assert offer_rules.effective_status("open", date(2026, 11, 9), today) == "expired"
    assert offer_rules.effective_status("open", today, today) == "open"
    cal = WorkCalendar({}, {}, frozenset())
    assert rules.notice_due(cal, NOV_10, 7, Unit.WORKING_DAYS).due == date(2026, 11, 19)


# --- termination ----------------------------------------------------------------------


@pytest.mark.parametrize("reason", range(1, 9))
async def test_each_ground_terminates_and_starts_the_notice_period(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser, mediator: StaffUser, reason: int
) -> None:
    case_id = await in_mediation(pool, settings, sup, assigned_to=mediator.id)
    now = at(NOV_10)
    note = f"第{reason}项的具体情况"
    terminated = mediation.Terminate(reason=str(reason), note=note)
    due = (await mediation.terminate(pool, case_id, mediator, terminated, now=now)).notice_due
    assert due == date(2026, 11, 19)  # 7 working days after Tue Nov 10 (Order 121's rule set)
    row = await pool.fetchrow(
        "SELECT reason, note, terminated_on, notice_due, by_user FROM terminations WHERE case_id = $1",
        case_id,
    )
    assert dict(row) == {
        "reason": reason,
        "note": note,
        "terminated_on": NOV_10,
        "notice_due": due,
        "by_user": mediator.id,
    }
    case = await pool.fetchrow("SELECT status, outcome, paused FROM cases WHERE id = $1", case_id)
    assert (case["status"], case["outcome"], case["paused"]) == ("closed", "terminated", False)
    assert (await kinds(pool, case_id))[-2:] == ["terminated", "closed"]
    event = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'terminated'", case_id
    )
    assert event["termination_reason"] == reason and event["notice_due"] == "2026-11-19"
    assert event["reason_label"] == mediation_terms.TERMINATION_REASONS[reason][0]

    rec = await mediation_views.record(pool, case_id, now=now)
    assert rec.termination is not None and rec.termination.reason_label == mediation_terms.reason_label(
        reason
    )
    assert rec.remaining_routes and not rec.in_mediation
    with pytest.raises(MediationConflict) as again:
        await mediation.terminate(
            pool, case_id, mediator, mediation.Terminate(reason="1", note="再次终止"), now=now
        )
    assert again.value.code == "not_in_mediation"

    if reason == 1:  # the notice: sent once, on time or not
        assert (
            await mediation.mark_notice_sent(pool, case_id, mediator, now=at(date(2026, 11, 20)))
        ).on_time is False
        with pytest.raises(MediationConflict) as sent:
            await mediation.mark_notice_sent(pool, case_id, mediator, now=at(date(2026, 11, 20)))
        assert sent.value.code == "notice_sent"
        assert (await kinds(pool, case_id))[-1] == "termination_notice_sent"


async def test_terminating_a_paused_case_ends_the_pause_and_withdraws_the_open_offer(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser
) -> None:
    case_id = await in_mediation(pool, settings, sup)
    offer_id = await offer(
        pool,
        case_id,
        sup,
        now=at(NOV_10),
        from_party="consumer",
        remedy="refund",
        amount="100",
        answer_by="2026-11-20",
    )
    await casework.pause(pool, case_id, sup, Pause(reason="testing", note="送检"), now=at(NOV_10))
    with pytest.raises(ValidationFailed):
        await mediation.terminate(
            pool, case_id, sup, mediation.Terminate(reason=4, note=""), now=at(date(2026, 11, 11))
        )
    await mediation.terminate(
        pool,
        case_id,
        sup,
        mediation.Terminate(reason=4, note="双方对检测费用无法协商一致"),
        now=at(date(2026, 11, 11)),
    )
    assert await pool.fetchval("SELECT status FROM offers WHERE id = $1", offer_id) == "withdrawn"
    assert await pool.fetchval("SELECT ended_on FROM case_pauses WHERE case_id = $1", case_id) == date(
        2026, 11, 11
    )
    with pytest.raises(MediationConflict) as no_notice:
        await mediation.mark_notice_sent(pool, await in_mediation(pool, settings, sup), sup, now=at(NOV_10))
    assert no_notice.value.code == "no_termination"


# --- offers ----------------------------------------------------------------------


async def test_consumer_offer_merchant_counters_consumer_accepts(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser, mediator: StaffUser
) -> None:
    merchant_id = await new_merchant(pool, "杭州还价电器行")
    case_id = await in_mediation(pool, settings, sup, merchant_id=merchant_id, assigned_to=mediator.id)
    now = at(NOV_10)
    first = await offer(
        pool,
        case_id,
        mediator,
        now=now,
        from_party="consumer",
        remedy="refund",
        amount="399.00",
        answer_by="2026-11-13",
        note="退货退款",
    )
    with pytest.raises(MediationConflict) as one_open:
        await offer(
            pool,
            case_id,
            mediator,
            now=now,
            from_party="merchant",
            remedy="repair",
            amount="0",
            answer_by="2026-11-13",
        )
    assert one_open.value.code == "offer_open"

    # the merchant counters through its link
    token, _ = await first_payment.issue_merchant_link(pool, case_id, sup, now=now)
    offers = await mediation_public.merchant_offers(pool, merchant_id, [case_id], now=now)
    assert offers[case_id].id == first and offers[case_id].answerable
    with pytest.raises(ValidationFailed):
        await mediation.merchant_answer(
            pool, token, first, mediation.AnswerOffer(answer="counter", remedy="refund"), now=now
        )
    countered = await mediation.merchant_answer(
        pool,
        token,
        first,
        mediation.AnswerOffer(
            answer="counter", remedy="refund", amount="300.00", answer_by="2026-11-16", note="扣除使用损耗"
        ),
        now=at(date(2026, 11, 11)),
    )
    assert countered.status == "countered" and countered.new_offer_id is not None
    second = countered.new_offer_id
    rows = await pool.fetch(
        "SELECT id, parent_id, from_party, status, created_by FROM offers WHERE case_id = $1", case_id
    )
    assert [dict(r) for r in rows] == [
        {
            "id": first,
            "parent_id": None,
            "from_party": "consumer",
            "status": "countered",
            "created_by": f"staff:{mediator.id}",
        },
        {
            "id": second,
            "parent_id": first,
            "from_party": "merchant",
            "status": "open",
            "created_by": f"merchant:{merchant_id}",
        },
    ]
    assert await mediation_public.merchant_offers(pool, merchant_id, [case_id], now=now) == {
        case_id: mediation_public.PublicOffer(
            second,
            "merchant",
            "经营者",
            "退还货款和服务费用",
            "300.00",
            date(2026, 11, 16),
            "扣除使用损耗",
            False,
        )
    }
    # the merchant cannot answer its own counter-offer
    with pytest.raises(MediationConflict) as own:
        await mediation.merchant_answer(pool, token, second, mediation.AnswerOffer(answer="accept"), now=now)
    assert own.value.code == "own_offer"

    # the consumer accepts (on the tracking page: consumer_answer after the code was checked)
    accepted = await mediation.consumer_answer(
        pool, case_id, str(second), mediation.AnswerOffer(answer="accept"), now=at(date(2026, 11, 12))
    )
    # issue 12: acceptance drafts the 调解书 from the offer's terms; the merchant's remark is not a clause
    assert (accepted.status, accepted.case_status) == ("accepted", "mediation")
    draft = await pool.fetchrow("SELECT * FROM settlements WHERE case_id = $1", case_id)
    assert draft["status"] == "draft" and "扣除使用损耗" not in draft["terms"]
    later = at(date(2026, 11, 12))
    await mediation.issue_settlement(
        pool, case_id, mediator, mediation.IssueSettlement(wording="商品退回时扣除使用损耗"), now=later
    )
    first_done = await mediation.consumer_confirm(pool, case_id, now=later)
    assert (first_done.effective, first_done.case_status) == (False, "mediation")
    done = await mediation.merchant_confirm(pool, token, case_id, now=later)
    assert (done.effective, done.case_status) == (True, "closed")
    assert await closing(pool, case_id) == settled_by_refund(30000)
    s = await pool.fetchrow("SELECT * FROM settlements WHERE case_id = $1", case_id)
    assert s["offer_id"] == second and s["perform_by"] == date(2026, 11, 23)  # answer_by + 7 days
    assert s["performance"] == "pending"
    assert (s["consumer_confirmed_via"], s["merchant_confirmed_via"]) == ("tracking", "merchant_link")
    assert (
        "杭州市拱墅区" not in s["terms"]
        and "于2026年11月23日前向消费者张三退还货款和服务费用人民币300.00元" in s["terms"]
    )
    assert "其他约定：商品退回时扣除使用损耗。" in s["terms"]
    answered = await pool.fetchrow("SELECT answered_via, answered_by FROM offers WHERE id = $1", second)
    assert dict(answered) == {"answered_via": "tracking", "answered_by": "consumer"}
    assert (await kinds(pool, case_id))[-10:] == [
        "offer_made",
        "merchant_link_issued",
        "offer_countered",
        *SETTLED,
    ]
    countered_event = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'offer_countered'", case_id
    )
    assert countered_event["amount"] == "300.00" and countered_event["by_phone"] is False
    assert countered_event["remedy"] == "refund" and countered_event["deadline"] == "2026-11-16"

    rec = await mediation_views.record(pool, case_id, now=now)
    assert rec.settlement is not None and rec.settlement.mediator == "t_med_one"
    assert [o.status for o in rec.offers] == ["countered", "accepted"] and rec.open_offer is None
    with pytest.raises(MediationConflict) as closed:
        await mediation.consumer_answer(
            pool, case_id, second, mediation.AnswerOffer(answer="accept"), now=now
        )
    assert closed.value.code == "offer_closed"


async def test_the_wrong_side_and_a_foreign_link_are_refused(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser
) -> None:
    merchant_id = await new_merchant(pool, "杭州本店")
    other_id = await new_merchant(pool, "杭州别店")
    case_id = await in_mediation(pool, settings, sup, merchant_id=merchant_id)
    now = at(NOV_10)
    offer_id = await offer(
        pool,
        case_id,
        sup,
        now=now,
        from_party="consumer",
        remedy="replace",
        amount="0",
        answer_by="2026-11-12",
    )
    with pytest.raises(MediationConflict) as own:
        await mediation.consumer_answer(
            pool, case_id, offer_id, mediation.AnswerOffer(answer="refuse"), now=now
        )
    assert own.value.code == "own_offer"
    with pytest.raises(MediationConflict) as by_phone:
        await answer(pool, case_id, offer_id, sup, now=now, answer="accept", party="consumer")
    assert by_phone.value.code == "own_offer"
    other = await in_mediation(pool, settings, sup, merchant_id=other_id)
    foreign, _ = await first_payment.issue_merchant_link(pool, other, sup, now=now)
    with pytest.raises(NotFound):
        await mediation.merchant_answer(
            pool, foreign, offer_id, mediation.AnswerOffer(answer="accept"), now=now
        )
    with pytest.raises(NotFound):
        await mediation.merchant_answer(
            pool, "not-a-token", offer_id, mediation.AnswerOffer(answer="accept"), now=now
        )
    with pytest.raises(MediationConflict) as gone:
        await mediation.consumer_answer(
            pool, other, offer_id, mediation.AnswerOffer(answer="accept"), now=now
        )
    assert gone.value.code == "offer_not_found"
    # the mediator records the merchant's refusal by phone
    refused = await answer(pool, case_id, offer_id, sup, now=now, answer="refuse", note="不同意换货")
    assert refused.status == "refused"
    event = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'offer_refused'", case_id
    )
    assert event == {"offer_id": offer_id, "party": "merchant", "by_phone": True, "note": "不同意换货"}
    assert await pool.fetchval("SELECT answered_via FROM offers WHERE id = $1", offer_id) == "phone"


async def test_offers_expire_when_read_and_by_the_job(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser
) -> None:
    case_id = await in_mediation(pool, settings, sup)
    other = await in_mediation(pool, settings, sup)
    made = at(NOV_10)
    late = await merchant_refund(pool, case_id, sup, now=made, amount="50", answer_by="2026-11-12")
    swept = await merchant_refund(pool, other, sup, now=made, amount="60", answer_by="2026-11-12")
    after = at(date(2026, 11, 13))
    rec = await mediation_views.record(pool, case_id, now=after)
    assert rec.offers[0].status == "expired" and rec.open_offer is None  # read as expired before the job
    assert await pool.fetchval("SELECT status FROM offers WHERE id = $1", late) == "open"
    with pytest.raises(MediationConflict) as expired:
        await answer(pool, case_id, late, sup, now=after, answer="accept")
    assert expired.value.code == "offer_expired"
    assert await pool.fetchval("SELECT status FROM offers WHERE id = $1", late) == "expired"  # kept
    assert (await kinds(pool, case_id))[-1] == "offer_expired"
    with pytest.raises(MediationConflict) as closed:
        await answer(pool, case_id, late, sup, now=after, answer="accept")
    assert closed.value.code == "offer_closed"

    assert await mediation.expire_offers(pool, after) == 1
    assert await mediation.expire_offers(pool, after) == 0  # once
    assert await pool.fetchval("SELECT status FROM offers WHERE id = $1", swept) == "expired"
    assert (await kinds(pool, other)).count("offer_expired") == 1
    # a new offer may follow an expired one
    assert await merchant_refund(pool, case_id, sup, now=after, amount="80", answer_by="2026-11-20")


async def test_offer_validation_and_withdrawal(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser
) -> None:
    case_id = await in_mediation(pool, settings, sup)
    now = at(NOV_10)
    with pytest.raises(ValidationFailed) as caught:
        await merchant_refund(pool, case_id, sup, now=now, amount="-1", answer_by="2026-11-09")
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("amount", "invalid_amount"),
        ("answer_by", "in_past"),
    }
    offer_id = await merchant_refund(pool, case_id, sup, now=now, amount="10", answer_by="2026-11-12")
    await mediation.withdraw_offer(
        pool, case_id, offer_id, sup, mediation.WithdrawOffer(note="商家改变主意"), now=now
    )
    assert await pool.fetchval("SELECT status FROM offers WHERE id = $1", offer_id) == "withdrawn"
    with pytest.raises(MediationConflict):
        await mediation.withdraw_offer(pool, case_id, offer_id, sup, mediation.WithdrawOffer(), now=now)
    with pytest.raises(NotFound):
        await answer(pool, case_id, 999_999_999, sup, now=now, answer="accept")


# --- the settlement's performance and reopening -------------------------------------------------------


async def test_performance_recorded_once_and_late_performance(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser
) -> None:
    now = at(NOV_10)
    case_id, _ = await settled_case(pool, settings, sup, now=now)
    with pytest.raises(ValidationFailed):
        await mediation.record_performance(
            pool, case_id, sup, mediation.RecordPerformance(performance="not_performed"), now=now
        )
    assert (
        await mediation.record_performance(
            pool, case_id, sup, mediation.RecordPerformance(performance="performed"), now=now
        )
    ).performance == "performed"
    with pytest.raises(MediationConflict) as again:
        await mediation.record_performance(
            pool, case_id, sup, mediation.RecordPerformance(performance="not_performed", note="x"), now=now
        )
    assert again.value.code == "performance_recorded"
    event = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'settlement_performed'", case_id
    )
    assert event["on_time"] is True
    with pytest.raises(MediationConflict) as none:
        await mediation.record_performance(
            pool,
            await in_mediation(pool, settings, sup),
            sup,
            mediation.RecordPerformance(performance="performed"),
            now=now,
        )
    assert none.value.code == "no_settlement"


async def test_not_performed_is_flagged_once_and_offers_first_payment_then_reopening(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser
) -> None:
    now = at(NOV_10)
    merchant_id = await new_merchant(pool, "杭州承诺商行", commitment=True)
    case_id, _ = await settled_case(pool, settings, sup, merchant_id=merchant_id, now=now)
    plain_id, _ = await settled_case(pool, settings, sup, now=now)
    perform_by = await pool.fetchval("SELECT perform_by FROM settlements WHERE case_id = $1", case_id)
    assert perform_by == date(2026, 11, 20)  # answer by Nov 13, + 7 days
    assert await mediation.flag_unperformed(pool, at(perform_by)) == 0  # the last day still counts
    later = at(perform_by + timedelta(days=1))
    assert await mediation.flag_unperformed(pool, later) >= 2
    assert await mediation.flag_unperformed(pool, later) == 0  # once
    event = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'settlement_not_performed'", case_id
    )
    assert event["flagged"] is True and event["first_payment_possible"] is True
    assert (await kinds(pool, case_id)).count("settlement_not_performed") == 1

    rec = await mediation_views.record(pool, case_id, now=later)
    assert rec.settlement is not None and rec.settlement.performance == "not_performed"
    assert rec.settlement.performance_by_system and rec.first_payment_possible and rec.remaining_routes
    plain = await mediation_views.record(pool, plain_id, now=later)
    assert plain.remaining_routes and not plain.first_payment_possible

    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
        seen = await mediation_public.public_view(conn, row, later.date())
    assert seen["settlement"].performance == "not_performed" and seen["first_payment_hint"]
    assert any("小额诉讼" in r for r in seen["mediation_routes"]) and seen["open_offer"] is None

    # a late performance may still be recorded
    assert (
        await mediation.record_performance(
            pool, plain_id, sup, mediation.RecordPerformance(performance="performed"), now=later
        )
    ).performance == "performed"

    # a supervisor reopens the case to send it to first payment
    with pytest.raises(ValidationFailed):
        await mediation.reopen(pool, case_id, sup, mediation.Reopen(reason="  "), now=later)
    assert (
        await mediation.reopen(
            pool, case_id, sup, mediation.Reopen(reason="调解书未履行，转先行赔付"), now=later
        )
    ).status == "accepted"
    case = await pool.fetchrow(
        "SELECT status, outcome, closed_at, relief_fen FROM cases WHERE id = $1", case_id
    )
    assert dict(case) == {"status": "accepted", "outcome": None, "closed_at": None, "relief_fen": None}
    assert await pool.fetchval("SELECT superseded_at FROM settlements WHERE case_id = $1", case_id) == later
    reopened = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'reopened'", case_id
    )
    assert reopened["previous_outcome"] == "settled" and reopened["note"] == "调解书未履行，转先行赔付"
    rec = await mediation_views.record(pool, case_id, now=later)
    assert rec.settlement is None and len(rec.earlier_settlements) == 1
    with pytest.raises(InvalidTransition):
        await mediation.reopen(
            pool, case_id, sup, mediation.Reopen(reason="再次"), now=later
        )  # not closed any more

    # mediated again: a new settlement is possible next to the superseded one
    await pool.execute("UPDATE cases SET status = 'mediation' WHERE id = $1", case_id)
    offer_id = await offer(
        pool,
        case_id,
        sup,
        now=later,
        from_party="merchant",
        remedy="compensate",
        amount="100",
        answer_by="2026-11-30",
    )
    await answer(pool, case_id, offer_id, sup, now=later, answer="accept", perform_by="2026-11-25")
    assert await pool.fetchval("SELECT count(*) FROM settlements WHERE case_id = $1", case_id) == 2
    doc = await mediation_documents.settlement_document(pool, case_id)
    assert doc["s"].perform_by == date(2026, 11, 25) and not doc["s"].superseded


# --- the record and recusals ----------------------------------------------------------------------


async def test_contacts_and_sessions_only_in_mediation(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser
) -> None:
    case_id = await in_mediation(pool, settings, sup)
    now = at(NOV_10, hour=6)  # 14:00 in Beijing
    call = mediation.LogContact(party="merchant", method="phone", at="2026-11-10T09:30", note="约定明日调解")
    contact_id = (await mediation.log_contact(pool, case_id, sup, call, now=now)).id
    stored = await pool.fetchval("SELECT at FROM mediation_contacts WHERE id = $1", contact_id)
    assert stored == datetime(2026, 11, 10, 1, 30, tzinfo=UTC)  # 09:30 Beijing
    by_fax_tomorrow = mediation.LogContact(party="merchant", method="fax", at="2026-11-11T09:30")
    with pytest.raises(ValidationFailed) as caught:
        await mediation.log_contact(pool, case_id, sup, by_fax_tomorrow, now=now)
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("method", "unknown_code"),
        ("at", "in_future"),
    }
    on_site_without_place = mediation.LogSession(mode="on_site", attendees="")
    with pytest.raises(ValidationFailed) as caught:
        await mediation.log_session(pool, case_id, sup, on_site_without_place, now=now)
    assert {e.field for e in caught.value.errors} == {"place", "attendees"}
    session = mediation.LogSession(
        mode="on_site", place="湖墅市场监管所调解室", attendees="张三；商家店长李四"
    )
    await mediation.log_session(pool, case_id, sup, session, now=now)
    rec = await mediation_views.record(pool, case_id, now=now)
    assert [c.method_label for c in rec.contacts] == ["电话"] and rec.sessions[0].mode_label == "现场调解"
    assert (await kinds(pool, case_id))[-2:] == ["contact_logged", "session_held"]
    context = await mediation_views.mediation_context(pool, case_id, now=now)
    assert context["record"] == rec and context["can_request_recusal"]

    await pool.execute("UPDATE cases SET status = 'arbitration' WHERE id = $1", case_id)
    with pytest.raises(MediationConflict) as moved:
        await mediation.log_contact(
            pool, case_id, sup, mediation.LogContact(party="consumer", method="phone"), now=now
        )
    assert moved.value.code == "not_in_mediation"
    with pytest.raises(NotFound):
        await mediation.log_contact(
            pool, 999_999_999, sup, mediation.LogContact(party="consumer", method="phone"), now=now
        )


async def test_a_recusal_stops_the_clock_and_the_decision_moves_the_deadline(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser, mediator: StaffUser
) -> None:
    other = await user(pool, "t_med_two", ["mediator"])
    case_id = await in_mediation(pool, settings, sup, received=date(2026, 5, 6), assigned_to=mediator.id)
    assert await pool.fetchval("SELECT mediation_due FROM cases WHERE id = $1", case_id) == date(2026, 7, 6)
    with pytest.raises(ValidationFailed):
        await recusal(pool, case_id, mediator, now=at(date(2026, 5, 11)), party="consumer", reason="")
    recusal_id = await recusal(
        pool, case_id, mediator, now=at(date(2026, 5, 11)), party="consumer", reason="调解员与商家相识"
    )
    assert await pool.fetchval("SELECT paused FROM cases WHERE id = $1", case_id) is True
    pause = await pool.fetchrow(
        "SELECT reason, started_on, ended_on FROM case_pauses WHERE case_id = $1", case_id
    )
    assert dict(pause) == {"reason": "recusal", "started_on": date(2026, 5, 11), "ended_on": None}
    with pytest.raises(MediationConflict) as twice:
        await recusal(pool, case_id, mediator, now=at(date(2026, 5, 12)), party="merchant", reason="再次")
    assert twice.value.code == "recusal_pending"
    with pytest.raises(MediationConflict) as blocked:
        await merchant_refund(
            pool, case_id, mediator, now=at(date(2026, 5, 12)), amount="1", answer_by="2026-05-20"
        )
    assert blocked.value.code == "recusal_open"
    with pytest.raises(MediationConflict):
        await mediation.terminate(
            pool, case_id, mediator, mediation.Terminate(reason=3, note="无法达成"), now=at(date(2026, 5, 12))
        )
    # a denial needs its reason; a grant, a new mediator who is another mediator
    refusals: tuple[tuple[dict[str, Any], str, str], ...] = (
        ({"decision": "denied"}, "field", "note"),
        ({"decision": "granted", "new_mediator": mediator.id}, "code", "same_mediator"),
        ({"decision": "granted", "new_mediator": str(sup.id)}, "code", "not_found"),
    )
    for fields, attribute, expected in refusals:
        with pytest.raises(ValidationFailed) as refused:
            await decide(pool, case_id, recusal_id, sup, now=at(date(2026, 5, 21)), **fields)
        assert getattr(refused.value.errors[0], attribute) == expected, fields

    granted = mediation.DecideRecusal(decision="granted", new_mediator=str(other.id))
    due = (
        await mediation.decide_recusal(pool, case_id, recusal_id, sup, granted, now=at(date(2026, 5, 21)))
    ).mediation_due
    assert due == date(2026, 7, 16)  # ten paused days (May 11–20) added
    case = await pool.fetchrow("SELECT paused, mediation_due, assigned_to FROM cases WHERE id = $1", case_id)
    assert dict(case) == {"paused": False, "mediation_due": date(2026, 7, 16), "assigned_to": other.id}
    assert await pool.fetchval("SELECT ended_on FROM case_pauses WHERE case_id = $1", case_id) == date(
        2026, 5, 21
    )
    rec = await mediation_views.record(pool, case_id, now=at(date(2026, 5, 21)))
    assert rec.recusals[0].decision == "granted" and rec.recusals[0].new_mediator_name == "t_med_two"
    assert rec.recusals[0].previous_mediator_name == "t_med_one" and rec.open_recusal is None
    event = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'recusal_decided'", case_id
    )
    assert event["previous_due"] == "2026-07-06" and event["mediation_due"] == "2026-07-16"
    assert (await kinds(pool, case_id))[-3:] == ["recusal_requested", "reassigned", "recusal_decided"]
    with pytest.raises(MediationConflict) as decided:
        await decide(pool, case_id, recusal_id, sup, now=at(date(2026, 5, 22)), decision="denied", note="x")
    assert decided.value.code == "recusal_decided"

    # denied: the clock restarts all the same, the mediator stays
    second = await recusal(
        pool, case_id, other, now=at(date(2026, 5, 25)), party="merchant", reason="认为调解员偏袒"
    )
    denied = mediation.DecideRecusal(decision="denied", note="理由不成立")
    due = (
        await mediation.decide_recusal(pool, case_id, second, sup, denied, now=at(date(2026, 5, 27)))
    ).mediation_due
    assert due == date(2026, 7, 20)  # two more days (May 25–26): Sat Jul 18, so Mon Jul 20
    assert await pool.fetchval("SELECT assigned_to FROM cases WHERE id = $1", case_id) == other.id
    # a recusal cannot be asked while the clock already stands still
    await casework.pause(pool, case_id, sup, Pause(reason="testing", note="送检"), now=at(date(2026, 5, 28)))
    with pytest.raises(InvalidTransition):
        await recusal(pool, case_id, other, now=at(date(2026, 5, 28)), party="consumer", reason="x")


async def test_what_the_consumer_sees_of_an_open_offer_and_a_termination(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser
) -> None:
    case_id = await in_mediation(pool, settings, sup)
    now = at(NOV_10)
    await offer(
        pool,
        case_id,
        sup,
        now=now,
        from_party="merchant",
        remedy="replace",
        amount="0",
        answer_by="2026-11-12",
    )
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
        seen = await mediation_public.public_view(conn, row, NOV_10)
        expired = await mediation_public.public_view(conn, row, date(2026, 11, 13))
    assert seen["open_offer"].answerable and seen["open_offer"].remedy_label == "更换"
    assert seen["settlement"] is None and seen["termination"] is None and seen["mediation_routes"] == ()
    assert expired["open_offer"] is None
    await mediation.terminate(
        pool, case_id, sup, mediation.Terminate(reason=2, note="商家明确拒绝调解"), now=now
    )
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
        seen = await mediation_public.public_view(conn, row, NOV_10)
    assert seen["termination"].note == "商家明确拒绝调解" and "拒绝调解" in seen["termination"].reason_label
    assert len(seen["mediation_routes"]) == 3 and seen["open_offer"] is None
    doc = await mediation_documents.termination_document(pool, case_id)
    assert doc["t"].reason == 2 and doc["remaining_routes"] == list(seen["mediation_routes"])

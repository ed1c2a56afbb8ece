"""Issue 12 §3: the 调解书 says what the parties agreed, and takes effect as they confirm it.

The walk: the merchant offers (with a remark), the consumer counters with "350元" and a remark of its own
("屏幕是你们换的……"), the merchant accepts on its link. The draft carries the accepted offer's terms only
(remedy, amount, who pays whom, the date the offer asked for), never a remark; the mediator reviews it
(the wording both sides confirmed, the date) and issues it; the consumer confirms on the tracking page,
the merchant on its link, and the second confirmation closes the case as settled. The survey waits for
the performance: recorded, or flagged when the date passed.

flag_unperformed and the notice worker sweep every case, so this module has a database of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import pytest

from domain import mediation_offers as offer_rules
from domain.errors import ValidationFailed
from domain.mediation import MediationConflict
from domain.roles import Role
from service.queries import mediation as mediation_views
from service.queries import mediation_documents, mediation_public
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import auth, casework, event_notices, first_payment, intake, mediation
from service.usecases.clock import LOCAL_TZ
from tests.support.casework import kinds
from tests.support.channels import ANY_SMTP, channels
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx
from tests.support.mediation import answer, closing, offer, settled_by_refund

CONSUMER_REMARK = "屏幕是你们换的，保修期内出问题应当由你们负责"
MERCHANT_REMARK = "屏幕不是原装，只能部分退款"


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ)


async def merchant_offer(
    pool: asyncpg.Pool,
    case_id: int,
    mediator: StaffUser,
    today: date,
    *,
    answer_in: int,
    perform_in: int | None = None,
    **fields: Any,
) -> int:
    """The merchant's offer (MakeOffer's `fields`) recorded today, to be answered and (when `perform_in` is
    given) performed that many days from today."""
    if perform_in is not None:
        fields["perform_by"] = (today + timedelta(days=perform_in)).isoformat()
    answer_by = (today + timedelta(days=answer_in)).isoformat()
    return await offer(
        pool, case_id, mediator, now=at(today), from_party="merchant", answer_by=answer_by, **fields
    )


@pytest.fixture(scope="module")
async def pool(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with databases.pool(max_size=4) as p:
        yield p


async def user(pool: asyncpg.Pool, username: str, role: Role) -> StaffUser:
    user_id = await auth.add_user(
        pool, username, [role.value], "a long enough password", display_name=username
    )
    return StaffUser(user_id, username, username, frozenset({role}))


@pytest.fixture(scope="module")
async def sup(pool: asyncpg.Pool) -> StaffUser:
    return await user(pool, "t_terms_sup", Role.SUPERVISOR)


@pytest.fixture(scope="module")
async def mediator(pool: asyncpg.Pool) -> StaffUser:
    return await user(pool, "t_terms_med", Role.MEDIATOR)


async def mediated(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser, mediator: StaffUser, today: date
) -> tuple[int, int]:
    """A complaint received 5 days ago, accepted, in mediation with `mediator`: (case id, merchant id)."""
    received = today - timedelta(days=5)
    body = complaint_body(purchase_date=(received - timedelta(days=30)).isoformat(), claim_amount="500.00")
    case_id = (await intake.submit_complaint(pool, body, ctx(settings), now=at(received))).case_id
    await casework.accept(pool, case_id, sup, None, now=at(received + timedelta(days=1)))
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, address) VALUES ('杭州某某电器有限公司', '杭州市拱墅区湖墅南路200号')"
        " RETURNING id"
    )
    await pool.execute(
        "UPDATE cases SET status = 'mediation', route = 'mediation', merchant_id = $2, assigned_to = $3"
        " WHERE id = $1",
        case_id,
        merchant_id,
        mediator.id,
    )
    return case_id, merchant_id


async def test_the_document_says_what_was_agreed_and_takes_effect_as_both_confirm(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser, mediator: StaffUser, today_local: date
) -> None:
    case_id, merchant_id = await mediated(pool, settings, sup, mediator, today_local)
    now = at(today_local)
    token, _ = await first_payment.issue_merchant_link(pool, case_id, mediator, now=now)
    first = await merchant_offer(
        pool,
        case_id,
        mediator,
        today_local,
        answer_in=3,
        perform_in=10,
        remedy="refund",
        amount="200",
        note=MERCHANT_REMARK,
    )
    # the consumer counters on the tracking page, typing "350元"; the date it asks performance by
    asked = today_local + timedelta(days=12)
    countered = await mediation.consumer_answer(
        pool,
        case_id,
        first,
        mediation.AnswerOffer(
            answer="counter",
            remedy="refund",
            amount="350元",
            answer_by=(today_local + timedelta(days=4)).isoformat(),
            perform_by=asked.isoformat(),
            note=CONSUMER_REMARK,
        ),
        now=now,
    )
    assert countered.new_offer_id is not None
    counter = await pool.fetchrow(
        "SELECT amount_fen, perform_by, note FROM offers WHERE id = $1", countered.new_offer_id
    )
    assert (counter["amount_fen"], counter["perform_by"]) == (35000, asked)

    accepted = await mediation.merchant_answer(
        pool, token, countered.new_offer_id, mediation.AnswerOffer(answer="accept"), now=now
    )
    assert (accepted.status, accepted.case_status) == ("accepted", "mediation")  # a draft, not yet agreed
    draft = await mediation_documents.settlement_document(pool, case_id)
    assert draft["draft"] and draft["s"].status == "draft"
    terms = draft["s"].terms
    assert (
        f"于{asked.year}年{asked.month}月{asked.day}日前向消费者张三退还货款和服务费用人民币350.00元" in terms
    )
    assert "杭州某某电器有限公司于" in terms.splitlines()[1]  # who pays whom: the merchant, to the consumer
    assert CONSUMER_REMARK not in terms and MERCHANT_REMARK not in terms and "其他约定" not in terms
    # the mediator sees both remarks beside the draft, to decide what (if anything) both sides agreed
    record = await mediation_views.record(pool, case_id, now=now)
    assert record.settlement is not None
    assert any(CONSUMER_REMARK in n for n in record.settlement.offer_notes)
    assert any(MERCHANT_REMARK in n for n in record.settlement.offer_notes)

    # nothing is confirmed, performed or offered again before the mediator issues the document
    with pytest.raises(MediationConflict) as early:
        await mediation.consumer_confirm(pool, case_id, now=now)
    assert early.value.code == "settlement_draft"
    with pytest.raises(MediationConflict) as busy:
        await merchant_offer(pool, case_id, mediator, today_local, answer_in=3, remedy="refund", amount="1")
    assert busy.value.code == "settlement_pending"

    # the review: the wording both sides confirmed, and a performance date the mediator moves
    with pytest.raises(ValidationFailed) as past:
        await mediation.issue_settlement(
            pool,
            case_id,
            mediator,
            mediation.IssueSettlement(perform_by=(today_local - timedelta(days=1)).isoformat()),
            now=now,
        )
    assert [(e.field, e.code) for e in past.value.errors] == [("perform_by", "in_past")]
    agreed = today_local + timedelta(days=14)
    await mediation.issue_settlement(
        pool,
        case_id,
        mediator,
        mediation.IssueSettlement(wording="消费者于退款前将原屏幕交还商家", perform_by=agreed.isoformat()),
        now=now,
    )
    issued = await mediation_documents.settlement_document(pool, case_id)
    assert not issued["draft"] and issued["s"].perform_by == agreed
    assert "其他约定：消费者于退款前将原屏幕交还商家。" in issued["s"].terms
    assert f"{agreed.year}年{agreed.month}月{agreed.day}日前" in issued["s"].terms
    with pytest.raises(MediationConflict) as twice:
        await mediation.issue_settlement(pool, case_id, mediator, mediation.IssueSettlement(), now=now)
    assert twice.value.code == "settlement_issued"
    with pytest.raises(MediationConflict) as not_yet:
        await mediation.record_performance(
            pool, case_id, mediator, mediation.RecordPerformance(performance="performed"), now=now
        )
    assert not_yet.value.code == "not_effective"

    # the consumer confirms on the tracking page; the case waits for the merchant
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
        seen = await mediation_public.public_view(conn, row, today_local)
    assert seen["settlement_to_confirm"] is not None and not seen["settlement_to_confirm"].consumer_confirmed
    one = await mediation.consumer_confirm(pool, case_id, now=now)
    assert (one.effective, one.case_status) == (False, "mediation")
    with pytest.raises(MediationConflict) as again:
        await mediation.consumer_confirm(pool, case_id, now=now)
    assert again.value.code == "already_confirmed"
    assert await pool.fetchval("SELECT status FROM cases WHERE id = $1", case_id) == "mediation"
    waiting = await mediation_public.merchant_settlements(pool, merchant_id, [case_id])
    assert waiting[case_id].consumer_confirmed and not waiting[case_id].merchant_confirmed
    both = await mediation.merchant_confirm(pool, token, case_id, now=now)
    assert (both.effective, both.case_status) == (True, "closed")
    assert await closing(pool, case_id) == settled_by_refund(35000)
    confirmations = await pool.fetch(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'settlement_confirmed' ORDER BY id",
        case_id,
    )
    assert [(c["payload"]["party"], c["payload"]["via"]) for c in confirmations] == [
        ("consumer", "tracking"),
        ("merchant", "merchant_link"),
    ]
    assert (await kinds(pool, case_id))[-3:] == ["settlement_confirmed", "settlement_made", "closed"]
    made = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'settlement_made'", case_id
    )
    assert made["perform_by"] == agreed.isoformat() and made["amount"] == "350.00"
    printed = await mediation_documents.settlement_document(pool, case_id)
    assert (
        printed["s"].status == "effective" and printed["s"].consumer_confirmed_via == "消费者在查询页面确认"
    )


async def test_the_mediator_records_confirmations_with_their_means(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser, mediator: StaffUser, today_local: date
) -> None:
    case_id, _ = await mediated(pool, settings, sup, mediator, today_local)
    now = at(today_local)
    offer_id = await merchant_offer(
        pool, case_id, mediator, today_local, answer_in=2, remedy="replace", amount="0"
    )
    # the mediator records the acceptance by phone and sets the date then
    set_on = today_local + timedelta(days=6)
    await answer(pool, case_id, offer_id, mediator, now=now, answer="accept", perform_by=set_on.isoformat())
    await mediation.issue_settlement(pool, case_id, mediator, mediation.IssueSettlement(), now=now)
    with pytest.raises(ValidationFailed) as bad:
        await mediation.record_confirmation(
            pool, case_id, mediator, mediation.ConfirmSettlement(party="consumer", means="email"), now=now
        )
    assert [(e.field, e.code) for e in bad.value.errors] == [("means", "unknown_code")]
    await mediation.record_confirmation(
        pool, case_id, mediator, mediation.ConfirmSettlement(party="consumer", means="on_site"), now=now
    )
    done = await mediation.record_confirmation(
        pool, case_id, mediator, mediation.ConfirmSettlement(party="merchant", means="phone"), now=now
    )
    assert done.effective
    s = await pool.fetchrow(
        "SELECT perform_by, consumer_confirmed_via, merchant_confirmed_via FROM settlements"
        " WHERE case_id = $1",
        case_id,
    )
    assert dict(s) == {
        "perform_by": set_on,
        "consumer_confirmed_via": "on_site",
        "merchant_confirmed_via": "phone",
    }


async def survey_links(pool: asyncpg.Pool, case_id: int) -> list[str]:
    rows = await pool.fetch(
        "SELECT template FROM notifications WHERE case_id = $1 AND recipient = 'consumer' ORDER BY id",
        case_id,
    )
    return [r["template"] for r in rows]


async def test_the_survey_waits_for_the_performance_of_a_settlement(
    pool: asyncpg.Pool, settings: Settings, sup: StaffUser, mediator: StaffUser, today_local: date
) -> None:
    now = at(today_local)
    settled: list[int] = []
    for _ in range(2):
        case_id, _ = await mediated(pool, settings, sup, mediator, today_local)
        await pool.execute(
            "UPDATE case_consumers SET email = 'consumer@example.org' WHERE case_id = $1", case_id
        )
        offer_id = await merchant_offer(
            pool, case_id, mediator, today_local, answer_in=2, perform_in=5, remedy="refund", amount="99"
        )
        await answer(pool, case_id, offer_id, mediator, now=now, answer="accept")
        await mediation.issue_settlement(pool, case_id, mediator, mediation.IssueSettlement(), now=now)
        for party in ("consumer", "merchant"):
            await mediation.record_confirmation(
                pool, case_id, mediator, mediation.ConfirmSettlement(party=party, means="signature"), now=now
            )
        settled.append(case_id)
    performed, lapsed = settled

    await event_notices.notify_from_events(
        pool, now=now, channels=channels(ANY_SMTP), base_url="https://x.test"
    )
    for case_id in settled:  # closed: told so, but no survey until the performance is known
        assert "case_closed_settled" in await survey_links(pool, case_id)
        assert await pool.fetchval("SELECT count(*) FROM surveys WHERE case_id = $1", case_id) == 0

    await mediation.record_performance(
        pool, performed, mediator, mediation.RecordPerformance(performance="performed"), now=now
    )
    past_due = at(today_local + timedelta(days=6))
    assert await mediation.flag_unperformed(pool, past_due) >= 1  # the other's date passed
    await event_notices.notify_from_events(
        pool, now=past_due, channels=channels(ANY_SMTP), base_url="https://x.test"
    )
    for case_id in settled:
        assert (await survey_links(pool, case_id)).count("survey_invite") == 1
        assert await pool.fetchval("SELECT count(*) FROM surveys WHERE case_id = $1", case_id) == 1
    body = await pool.fetchval(
        "SELECT body FROM notifications WHERE case_id = $1 AND template = 'survey_invite'", lapsed
    )
    assert "未按期履行" in body and "https://x.test/survey/" in body


def test_offers_ask_a_performance_date_not_before_the_answer_deadline(today_local: date) -> None:
    answer_by = today_local + timedelta(days=5)
    with pytest.raises(ValidationFailed) as caught:
        offer_rules.offer_input(
            "merchant",
            "refund",
            "350元",
            answer_by.isoformat(),
            None,
            today=today_local,
            perform_by=(answer_by - timedelta(days=1)).isoformat(),
        )
    assert [(e.field, e.code) for e in caught.value.errors] == [("perform_by", "before_answer")]
    ok = offer_rules.offer_input(
        "merchant", "refund", "350元", answer_by.isoformat(), None, today=today_local, perform_by=answer_by
    )
    assert (ok.amount_fen, ok.perform_by) == (35000, answer_by)

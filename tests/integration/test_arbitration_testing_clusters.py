"""Arbitration referrals and awards, product testing that stops the clock, and cluster alerts, with the
clock passed in."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import msgspec
import pytest

from domain import arbitration as rules
from domain.errors import Conflict, NotFound, ValidationFailed
from domain.lifecycle import InvalidTransition
from domain.roles import Role
from service.settings import Settings
from service.store import cases
from service.store.staff import StaffUser
from service.usecases import arbitration, auth, casework, clusters, intake, testing
from tests.factories import complaint_body
from tests.integration.test_intake import ctx


def at(day: date, hour: int = 2) -> datetime:
    """10:00 in Beijing on that day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture(scope="module")
async def supervisor(pool: asyncpg.Pool) -> StaffUser:
    user_id = await auth.add_user(
        pool, "t_arbitration_sup", ["supervisor"], "a long enough password", display_name="仲裁科长"
    )
    return StaffUser(user_id, "t_arbitration_sup", "仲裁科长", frozenset({Role.SUPERVISOR}))


async def new_merchant(pool: asyncpg.Pool, name: str | None = None) -> int:
    """A registry merchant of its own (a name no complaint uses, so routing never links others to it)."""
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, address) VALUES ($1, '杭州市拱墅区仲裁测试路1号') RETURNING id",
        name or f"仲裁测试商店{uuid.uuid4().hex[:8]}",
    )
    return merchant_id


async def accepted_case(
    pool: asyncpg.Pool,
    settings: Settings,
    supervisor: StaffUser,
    *,
    accepted: date,
    status: str = "mediation",
    merchant_id: int | None = None,
    category: str = "household_appliances",
) -> int:
    """Received the day before `accepted`, accepted through the use case, then moved to `status`."""
    received = accepted - timedelta(days=1)
    body = complaint_body(purchase_date=(received - timedelta(days=3)).isoformat(), category=category)
    case_id = (await intake.submit_complaint(pool, body, ctx(settings), now=at(received))).case_id
    await casework.accept(pool, case_id, supervisor, None, now=at(accepted))
    await pool.execute(
        "UPDATE cases SET status = $2, merchant_id = $3 WHERE id = $1", case_id, status, merchant_id
    )
    return case_id


async def kinds(pool: asyncpg.Pool, case_id: int) -> list[str]:
    rows = await pool.fetch("SELECT kind FROM case_events WHERE case_id = $1 ORDER BY id", case_id)
    return [r["kind"] for r in rows]


def fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.code for e in exc.value.errors}


# --- arbitration -------------------------------------------------------------------------------------


async def test_a_referral_needs_the_arbitration_stage(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7), status="mediation")
    with pytest.raises(Conflict) as exc:
        await arbitration.refer(
            pool,
            case_id,
            supervisor,
            agreement_id=None,
            kind="written",
            institution="杭州仲裁委员会",
            signed_on="2026-05-01",
            note=None,
            now=at(date(2026, 5, 8)),
        )
    assert isinstance(exc.value, rules.CaseworkConflict) and exc.value.code == "not_in_arbitration"
    assert await pool.fetchval("SELECT count(*) FROM arbitration_agreements WHERE case_id = $1", case_id) == 0
    assert "arbitration_referred" not in await kinds(pool, case_id)


async def test_no_agreement_no_referral(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    mine = await new_merchant(pool)
    other = await new_merchant(pool, "另一家商店")
    theirs = await pool.fetchval(
        "INSERT INTO arbitration_agreements (merchant_id, kind, institution) "
        "VALUES ($1, 'published', '上海仲裁委员会') RETURNING id",
        other,
    )
    case_id = await accepted_case(
        pool, settings, supervisor, accepted=date(2026, 5, 7), status="arbitration", merchant_id=mine
    )
    now = at(date(2026, 5, 8))
    with pytest.raises(ValidationFailed) as none_given:
        await arbitration.refer(
            pool,
            case_id,
            supervisor,
            agreement_id=None,
            kind=None,
            institution=None,
            signed_on=None,
            note=None,
            now=now,
        )
    assert fields(none_given) == {"agreement": "required"}
    assert "没有仲裁协议不能移送仲裁" in none_given.value.errors[0].message
    with pytest.raises(ValidationFailed) as not_ours:  # another merchant's clause is not an agreement here
        await arbitration.refer(
            pool,
            case_id,
            supervisor,
            agreement_id=theirs,
            kind=None,
            institution=None,
            signed_on=None,
            note=None,
            now=now,
        )
    assert fields(not_ours) == {"agreement_id": "not_usable"}
    with pytest.raises(ValidationFailed) as half:
        await arbitration.refer(
            pool,
            case_id,
            supervisor,
            agreement_id=None,
            kind="written",
            institution=" ",
            signed_on="2099-01-01",
            note=None,
            now=now,
        )
    assert fields(half) == {"institution": "required", "signed_on": "in_future"}
    assert await pool.fetchval("SELECT count(*) FROM arbitration_referrals WHERE case_id = $1", case_id) == 0


async def test_referral_under_the_merchants_published_clause_once(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await new_merchant(pool)
    clause = await pool.fetchval(
        "INSERT INTO arbitration_agreements (merchant_id, kind, institution) "
        "VALUES ($1, 'published', '杭州仲裁委员会') RETURNING id",
        merchant_id,
    )
    case_id = await accepted_case(
        pool, settings, supervisor, accepted=date(2026, 5, 7), status="arbitration", merchant_id=merchant_id
    )
    work = await arbitration.case_work_context(pool, case_id)
    assert [a["id"] for a in work["agreements"]] == [clause] and work["referral"] is None

    used = await arbitration.refer(
        pool,
        case_id,
        supervisor,
        agreement_id=clause,
        kind=None,
        institution=None,
        signed_on=None,
        note=None,
        now=at(date(2026, 5, 9), hour=17),  # 01:00 on May 10 in Beijing
    )
    assert used == clause
    ref = await pool.fetchrow("SELECT * FROM arbitration_referrals WHERE case_id = $1", case_id)
    assert (ref["agreement_id"], ref["institution"], ref["referred_on"]) == (
        clause,
        "杭州仲裁委员会",
        date(2026, 5, 10),  # the local date
    )
    event = await pool.fetchrow(
        "SELECT actor, payload FROM case_events WHERE case_id = $1 AND kind = 'arbitration_referred'", case_id
    )
    assert event["actor"] == supervisor.actor
    assert event["payload"]["institution"] == "杭州仲裁委员会"
    assert event["payload"]["agreement_kind"] == "published"
    with pytest.raises(Conflict):
        await arbitration.refer(
            pool,
            case_id,
            supervisor,
            agreement_id=None,
            kind="implied",
            institution="杭州仲裁委员会",
            signed_on=None,
            note=None,
            now=at(date(2026, 5, 11)),
        )
    assert (await arbitration.case_work_context(pool, case_id))["referral"]["agreement_kind"] == "published"


async def test_a_case_level_written_agreement_is_recorded_with_the_referral(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7), status="arbitration")
    agreement_id = await arbitration.refer(
        pool,
        case_id,
        supervisor,
        agreement_id=None,
        kind="written",
        institution="杭州仲裁委员会",
        signed_on="2026-05-06",
        note="争议发生后双方签订书面仲裁协议",
        now=at(date(2026, 5, 8)),
    )
    row = await pool.fetchrow("SELECT * FROM arbitration_agreements WHERE id = $1", agreement_id)
    assert (row["case_id"], row["kind"], row["signed_on"]) == (case_id, "written", date(2026, 5, 6))
    assert await pool.fetchval(
        "SELECT agreement_id FROM arbitration_referrals WHERE case_id = $1", case_id
    ) == (agreement_id)


async def test_the_award_is_validated_and_recorded_once(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7), status="arbitration")
    with pytest.raises(Conflict):  # nothing to award before a referral
        await arbitration.record_award(
            pool,
            case_id,
            supervisor,
            award_on="2026-06-01",
            award_for="consumer",
            amount="399.00",
            now=at(date(2026, 6, 2)),
        )
    await arbitration.refer(
        pool,
        case_id,
        supervisor,
        agreement_id=None,
        kind="implied",
        institution="杭州仲裁委员会",
        signed_on=None,
        note="消费者申请仲裁，经营者首次开庭前未提出异议",
        now=at(date(2026, 5, 8)),
    )
    now = at(date(2026, 6, 2))
    bad: list[tuple[dict[str, str | None], dict[str, str]]] = [
        (
            {"award_on": None, "award_for": None, "amount": None},
            {"award_on": "required", "award_for": "required"},
        ),
        ({"award_on": "2026-06-01", "award_for": "consumer", "amount": ""}, {"amount": "required"}),
        ({"award_on": "2026-06-01", "award_for": "partial", "amount": "0"}, {"amount": "zero"}),
        ({"award_on": "2026-06-01", "award_for": "merchant", "amount": "10.00"}, {"amount": "not_expected"}),
        ({"award_on": "2026-05-01", "award_for": "consumer", "amount": "1"}, {"award_on": "before_referral"}),
        ({"award_on": "2026-06-03", "award_for": "consumer", "amount": "1"}, {"award_on": "in_future"}),
        ({"award_on": "2026-06-01", "award_for": "everyone", "amount": "1"}, {"award_for": "unknown_code"}),
        (
            {"award_on": "2026-06-01", "award_for": "consumer", "amount": "3.999"},
            {"amount": "invalid_amount"},
        ),
    ]
    for given, expected in bad:
        with pytest.raises(ValidationFailed) as exc:
            await arbitration.record_award(pool, case_id, supervisor, now=now, **given)
        assert fields(exc) == expected, given
    await arbitration.record_award(
        pool, case_id, supervisor, award_on="2026-06-01", award_for="partial", amount="200.50", now=now
    )
    row = await pool.fetchrow("SELECT * FROM arbitration_referrals WHERE case_id = $1", case_id)
    assert (row["award_on"], row["award_for"], row["award_amount_fen"]) == (
        date(2026, 6, 1),
        "partial",
        20050,
    )
    payload = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'arbitration_award'", case_id
    )
    assert payload["amount"] == "200.50" and payload["award_for"] == "partial"
    with pytest.raises(Conflict):
        await arbitration.record_award(
            pool, case_id, supervisor, award_on="2026-06-01", award_for="merchant", amount=None, now=now
        )


async def test_a_dismissed_request_has_no_amount(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7), status="arbitration")
    await arbitration.refer(
        pool,
        case_id,
        supervisor,
        agreement_id=None,
        kind="written",
        institution="杭州仲裁委员会",
        signed_on=None,
        note=None,
        now=at(date(2026, 5, 8)),
    )
    await arbitration.record_award(
        pool,
        case_id,
        supervisor,
        award_on="2026-05-30",
        award_for="merchant",
        amount="",
        now=at(date(2026, 6, 1)),
    )
    assert (
        await pool.fetchval("SELECT award_amount_fen FROM arbitration_referrals WHERE case_id = $1", case_id)
        is None
    )


async def test_the_bundle(pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser) -> None:
    merchant_id = await new_merchant(pool)
    case_id = await accepted_case(
        pool, settings, supervisor, accepted=date(2026, 5, 7), status="arbitration", merchant_id=merchant_id
    )
    sha = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    async with pool.acquire() as conn:
        evidence_id = await cases.add_evidence(
            conn,
            case_id,
            sha256=sha,
            size=2048,
            content_type="application/pdf",
            name="检测报告.pdf",
            by="staff",
        )
    test_id = await testing.start_test(
        pool, case_id, supervisor, lab="浙江省质量检测研究院", fee="300", now=at(date(2026, 5, 8))
    )
    await testing.finish_test(
        pool,
        test_id,
        supervisor,
        finding="底座绝缘不合格",
        at_fault="merchant",
        report_evidence_id=evidence_id,
        now=at(date(2026, 5, 12)),
    )
    await arbitration.refer(
        pool,
        case_id,
        supervisor,
        agreement_id=None,
        kind="written",
        institution="杭州仲裁委员会",
        signed_on="2026-05-06",
        note=None,
        now=at(date(2026, 5, 13)),
    )
    b = await arbitration.bundle(pool, case_id)
    assert b.tracking_no.startswith("GS") and b.category_label == "家用电器"
    assert b.amount_paid == "399.00" and b.requests == ["退还货款和服务费用"]
    assert [e.sha256 for e in b.evidence] == [sha] and b.evidence[0].name == "检测报告.pdf"
    assert [t.report_sha256 for t in b.tests] == [sha]
    assert b.tests[0].at_fault == "merchant" and b.tests[0].fee == "300.00"
    assert b.tests[0].consumer_guarantee == "300.00"  # equal to the fee the business advanced
    kinds_in_order = [t.kind for t in b.timeline]
    assert kinds_in_order[0] == "registered"
    assert kinds_in_order[-4:] == ["accepted", "testing_started", "testing_finished", "arbitration_referred"]
    assert [t.at for t in b.timeline] == sorted(t.at for t in b.timeline)
    assert all(str(t.at.tzinfo) == "Asia/Shanghai" for t in b.timeline)
    assert b.timeline[-1].label == arbitration.event_label("arbitration_referred") != "arbitration_referred"
    assert b.timeline[-1].actor == "仲裁科长"
    assert [s.text for s in b.merchant_position] == ["商家尚未提交书面意见"]
    assert [s.text for s in b.offers] == ["无"]
    assert b.agreement is not None and b.agreement.kind == "written" and b.institution == "杭州仲裁委员会"
    encoded = msgspec.json.encode(b).decode()
    assert "access_code" not in encoded and "13812345678" not in encoded  # no access code, no phone
    row = await pool.fetchrow("SELECT access_code_hash FROM cases WHERE id = $1", case_id)
    assert row["access_code_hash"].hex() not in encoded


async def test_the_bundle_carries_the_merchants_words(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7), status="arbitration")
    async with pool.acquire() as conn:
        await cases.add_event(
            conn,
            case_id,
            "merchant_answer",
            actor="merchant",
            at=at(date(2026, 5, 9)),
            payload={"note": "产品系人为损坏，不同意退货。"},
        )
    b = await arbitration.bundle(pool, case_id)
    assert [s.text for s in b.merchant_position] == ["产品系人为损坏，不同意退货。"]
    assert b.agreement is None and b.referred_on is None
    with pytest.raises(NotFound):
        await arbitration.bundle(pool, 999_999_999)


# --- product testing ---------------------------------------------------------------------------------


async def test_testing_stops_the_clock_and_moves_the_deadline(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7))
    assert await pool.fetchval("SELECT mediation_due FROM cases WHERE id = $1", case_id) == date(2026, 7, 6)
    test_id = await testing.start_test(
        pool,
        case_id,
        supervisor,
        lab="杭州市质量技术监督检测院",
        fee="500.00",
        now=at(date(2026, 5, 11)),
    )
    row = await pool.fetchrow("SELECT paused, mediation_due FROM cases WHERE id = $1", case_id)
    assert row["paused"] and row["mediation_due"] == date(2026, 7, 6)
    pause = await pool.fetchrow("SELECT * FROM case_pauses WHERE case_id = $1", case_id)
    assert (pause["reason"], pause["started_on"], pause["ended_on"]) == ("testing", date(2026, 5, 11), None)
    test = await pool.fetchrow("SELECT * FROM product_tests WHERE id = $1", test_id)
    assert (test["fee_fen"], test["fee_advanced_by"], test["consumer_guarantee_fen"]) == (
        50000,
        "merchant",
        50000,
    )
    with pytest.raises(InvalidTransition):  # already paused: a second test waits for the first
        await testing.start_test(
            pool, case_id, supervisor, lab="另一机构", fee="1", now=at(date(2026, 5, 12))
        )

    due = await testing.finish_test(
        pool, test_id, supervisor, finding="符合国家标准", at_fault="consumer", now=at(date(2026, 5, 21))
    )
    assert due == date(2026, 7, 16)  # ten paused days (May 11–20) added
    row = await pool.fetchrow("SELECT paused, mediation_due FROM cases WHERE id = $1", case_id)
    assert not row["paused"] and row["mediation_due"] == date(2026, 7, 16)
    assert await pool.fetchval("SELECT ended_on FROM case_pauses WHERE case_id = $1", case_id) == date(
        2026, 5, 21
    )
    test = await pool.fetchrow("SELECT * FROM product_tests WHERE id = $1", test_id)
    assert (test["finding"], test["at_fault"], test["finished_on"]) == (
        "符合国家标准",
        "consumer",
        date(2026, 5, 21),
    )
    assert (await kinds(pool, case_id))[-3:] == ["accepted", "testing_started", "testing_finished"]
    payload = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'testing_finished'", case_id
    )
    assert payload["fee_payer"] == "consumer" and payload["mediation_due"] == "2026-07-16"
    assert payload["finding"] == "符合国家标准" and payload["at_fault"] == "consumer"
    with pytest.raises(Conflict):
        await testing.finish_test(
            pool, test_id, supervisor, finding="again", at_fault="none", now=at(date(2026, 5, 22))
        )


async def test_testing_needs_a_stage_whose_clock_can_stop(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7), status="accepted")
    with pytest.raises(InvalidTransition):
        await testing.start_test(
            pool, case_id, supervisor, lab="某检测机构", fee="100", now=at(date(2026, 5, 8))
        )
    assert await pool.fetchval("SELECT count(*) FROM product_tests WHERE case_id = $1", case_id) == 0
    assert await pool.fetchval("SELECT count(*) FROM case_pauses WHERE case_id = $1", case_id) == 0


async def test_testing_input_and_who_pays(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(
        pool, settings, supervisor, accepted=date(2026, 5, 7), status="first_payment"
    )
    with pytest.raises(ValidationFailed) as exc:
        await testing.start_test(
            pool, case_id, supervisor, lab="", fee="abc", advanced_by="nobody", now=at(date(2026, 5, 8))
        )
    assert fields(exc) == {"lab": "required", "fee": "invalid_amount", "advanced_by": "unknown_code"}
    test_id = await testing.start_test(
        pool,
        case_id,
        supervisor,
        lab="某检测机构",
        fee="80",
        advanced_by="consumer",
        now=at(date(2026, 5, 8)),
    )
    assert await pool.fetchval("SELECT consumer_guarantee_fen FROM product_tests WHERE id = $1", test_id) == 0
    with pytest.raises(ValidationFailed) as missing:
        await testing.finish_test(
            pool, test_id, supervisor, finding=" ", at_fault=None, now=at(date(2026, 5, 9))
        )
    assert fields(missing) == {"finding": "required", "at_fault": "required"}
    with pytest.raises(NotFound):  # the test belongs to another case
        await testing.finish_test(
            pool,
            test_id,
            supervisor,
            finding="x",
            at_fault="none",
            case_id=case_id + 1,
            now=at(date(2026, 5, 9)),
        )
    await testing.finish_test(
        pool, test_id, supervisor, finding="无法认定", at_fault="none", now=at(date(2026, 5, 9))
    )
    payload = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'testing_finished'", case_id
    )
    assert payload["fee_payer"] == "as_agreed"
    assert rules.fee_payer("merchant") == "merchant" and rules.fee_payer("none") == "as_agreed"


# --- clusters ------------------------------------------------------------------------------------------


async def alerts_of(pool: asyncpg.Pool, merchant_id: int) -> list[asyncpg.Record]:
    return list(
        await pool.fetch("SELECT * FROM cluster_alerts WHERE merchant_id = $1 ORDER BY id", merchant_id)
    )


async def test_a_cluster_is_raised_once_and_again_only_when_it_grows_after_a_decision(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await new_merchant(pool, "拱墅区集中投诉电器店")
    first = [
        await accepted_case(
            pool, settings, supervisor, accepted=date(2026, 9, 1 + i), merchant_id=merchant_id
        )
        for i in range(4)
    ]
    # not counted: another category, a case accepted the day before the window
    await accepted_case(
        pool, settings, supervisor, accepted=date(2026, 9, 10), merchant_id=merchant_id, category="food"
    )
    await accepted_case(pool, settings, supervisor, accepted=date(2026, 7, 3), merchant_id=merchant_id)
    now = at(date(2026, 10, 1))
    await clusters.detect(pool, now=now)
    assert await alerts_of(pool, merchant_id) == []  # four in the window: below the threshold of five

    first.append(
        await accepted_case(pool, settings, supervisor, accepted=date(2026, 9, 20), merchant_id=merchant_id)
    )
    raised = await clusters.detect(pool, now=now)
    (alert,) = await alerts_of(pool, merchant_id)
    assert alert["id"] in raised and alert["case_ids"] == first
    assert (alert["window_start"], alert["window_end"]) == (date(2026, 7, 4), date(2026, 10, 1))
    for case_id in first:
        payload = await pool.fetchval(
            "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'cluster_alert'", case_id
        )
        assert payload["alert_id"] == alert["id"] and payload["count"] == 5

    assert alert["id"] not in await clusters.detect(pool, now=now)  # idempotent
    assert len(await alerts_of(pool, merchant_id)) == 1
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'cluster_alert'", first[0]
        )
        == 1
    )

    sixth = await accepted_case(
        pool, settings, supervisor, accepted=date(2026, 9, 25), merchant_id=merchant_id
    )
    assert not set(await clusters.detect(pool, now=now)) & {
        a["id"] for a in await alerts_of(pool, merchant_id)
    }
    (alert,) = await alerts_of(pool, merchant_id)
    assert alert["case_ids"] == [*first, sixth]  # joined the open alert
    assert "cluster_alert" in await kinds(pool, sixth)

    with pytest.raises(ValidationFailed) as exc:
        await clusters.decide(pool, alert["id"], supervisor, "no_action", "", now=now)
    assert fields(exc) == {"note": "required"}
    with pytest.raises(ValidationFailed):
        await clusters.decide(pool, alert["id"], supervisor, "shrug", None, now=now)
    await clusters.decide(pool, alert["id"], supervisor, "joint_complaint", "合并约谈经营者", now=now)
    decided = (await alerts_of(pool, merchant_id))[0]
    assert (decided["decision"], decided["decided_by"]) == ("joint_complaint", supervisor.id)
    assert (await kinds(pool, sixth))[-1] == "cluster_decided"
    with pytest.raises(Conflict):
        await clusters.decide(pool, alert["id"], supervisor, "no_action", "重复", now=now)

    later = at(date(2026, 10, 2))
    await clusters.detect(pool, now=later)
    assert len(await alerts_of(pool, merchant_id)) == 1  # decided, not grown: nothing new

    seventh = await accepted_case(
        pool, settings, supervisor, accepted=date(2026, 10, 2), merchant_id=merchant_id
    )
    raised = await clusters.detect(pool, now=later)
    old, new = await alerts_of(pool, merchant_id)
    assert new["id"] in raised and new["decided_at"] is None
    assert new["case_ids"] == [*first, sixth, seventh]
    listed = await clusters.alerts(pool, now=later)
    assert new["id"] in [a.id for a in listed.open] and old["id"] in [a.id for a in listed.recent]
    shown = next(a for a in listed.open if a.id == new["id"])
    assert shown.merchant_name == "拱墅区集中投诉电器店" and shown.category_label == "家用电器"
    assert shown.count == 7 and len(shown.tracking_nos) == 7


async def test_rejected_and_unregistered_complaints_do_not_cluster(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await new_merchant(pool, "拱墅区另一家电器店")
    ids = [
        await accepted_case(
            pool, settings, supervisor, accepted=date(2026, 6, 1 + i), merchant_id=merchant_id
        )
        for i in range(5)
    ]
    await pool.execute("UPDATE cases SET status = 'rejected', rejection_ground = 2 WHERE id = $1", ids[0])
    await clusters.detect(pool, now=at(date(2026, 6, 10)))
    assert await alerts_of(pool, merchant_id) == []


def test_cluster_steps_table() -> None:
    policy = rules.ClusterPolicy(threshold=3, window_days=90)
    c = rules.ClusterCandidate
    steps = rules.cluster_steps(
        [
            c(1, "food", (1, 2)),  # below the threshold
            c(2, "food", (1, 2, 3)),  # new
            c(3, "food", (1, 2, 3), 9, (1, 2, 3), True),  # open, unchanged
            c(4, "food", (1, 2, 3, 4), 9, (1, 2, 3), True),  # open, grown
            c(5, "food", (2, 3, 4), 9, (1, 2, 3, 4), False),  # decided, not grown (one aged out)
            c(6, "food", (2, 3, 4, 5), 9, (1, 2, 3, 4), False),  # decided, grown
        ],
        policy,
    )
    assert [(s.kind, s.candidate.merchant_id, s.new_case_ids) for s in steps] == [
        ("raise", 2, (1, 2, 3)),
        ("grow", 4, (4,)),
        ("raise", 6, (2, 3, 4, 5)),
    ]
    assert rules.cluster_window(rules.ClusterPolicy(5, 90), date(2026, 5, 1)) == (
        date(2026, 2, 1),
        date(2026, 5, 1),
    )

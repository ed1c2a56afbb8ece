"""Arbitration referrals and awards, and the referral bundle, with the clock passed in."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from typing import Any

import asyncpg
import msgspec
import pytest

from domain.casework_fields import CaseworkConflict
from domain.errors import Conflict, NotFound, ValidationFailed
from service.queries import arbitration as queries
from service.settings import Settings
from service.store import cases
from service.store.staff import StaffUser
from service.usecases import arbitration, product_testing
from service.usecases.arbitration_commands import RecordAward, Refer
from service.usecases.product_testing_commands import FinishTesting, StartTesting
from tests.support.casework import (
    accepted_case,
    field_codes,
    kinds,
    new_merchant,
    new_supervisor,
    payload,
    published_clause,
)
from tests.support.intake import at

WRITTEN = Refer(kind="written", institution="杭州仲裁委员会", signed_on=date(2026, 5, 6))


@pytest.fixture(scope="module")
async def supervisor(pool: asyncpg.Pool) -> StaffUser:
    return await new_supervisor(pool, "t_arbitration_sup")


async def in_arbitration(pool: asyncpg.Pool, settings: Settings, who: StaffUser, **kw: Any) -> int:
    return await accepted_case(pool, settings, who, accepted=date(2026, 5, 7), status="arbitration", **kw)


async def test_a_referral_needs_the_arbitration_stage(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7), status="mediation")
    with pytest.raises(Conflict) as exc:
        await arbitration.refer(pool, case_id, supervisor, WRITTEN, now=at(date(2026, 5, 8)))
    assert isinstance(exc.value, CaseworkConflict) and exc.value.code == "not_in_arbitration"
    assert await pool.fetchval("SELECT count(*) FROM arbitration_agreements WHERE case_id = $1", case_id) == 0
    assert "arbitration_referred" not in await kinds(pool, case_id)


async def test_no_agreement_no_referral(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    theirs = await published_clause(pool, await new_merchant(pool, "另一家商店"), "上海仲裁委员会")
    case_id = await in_arbitration(pool, settings, supervisor, merchant_id=await new_merchant(pool))
    now = at(date(2026, 5, 8))
    with pytest.raises(ValidationFailed) as none_given:
        await arbitration.refer(pool, case_id, supervisor, Refer(), now=now)
    assert field_codes(none_given) == {"agreement": "required"}
    assert "没有仲裁协议不能移送仲裁" in none_given.value.errors[0].message
    with pytest.raises(ValidationFailed) as not_ours:  # another merchant's clause is not an agreement here
        await arbitration.refer(pool, case_id, supervisor, Refer(agreement_id=theirs), now=now)
    assert field_codes(not_ours) == {"agreement_id": "not_usable"}
    half = Refer(kind="written", institution=" ", signed_on=date(2099, 1, 1))
    with pytest.raises(ValidationFailed) as halfway:
        await arbitration.refer(pool, case_id, supervisor, half, now=now)
    assert field_codes(halfway) == {"institution": "required", "signed_on": "in_future"}
    assert await pool.fetchval("SELECT count(*) FROM arbitration_referrals WHERE case_id = $1", case_id) == 0


async def test_referral_under_the_merchants_published_clause_once(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await new_merchant(pool)
    clause = await published_clause(pool, merchant_id)
    case_id = await in_arbitration(pool, settings, supervisor, merchant_id=merchant_id)
    work = await queries.case_work(pool, case_id)
    assert [a.id for a in work.agreements] == [clause] and work.referral is None

    night = at(date(2026, 5, 9), hour=17)  # 01:00 on May 10 in Beijing
    used = await arbitration.refer(pool, case_id, supervisor, Refer(agreement_id=clause), now=night)
    assert used.agreement_id == clause and used.case_id == case_id
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
    implied = Refer(kind="implied", institution="杭州仲裁委员会")
    with pytest.raises(Conflict):
        await arbitration.refer(pool, case_id, supervisor, implied, now=at(date(2026, 5, 11)))
    referral = (await queries.case_work(pool, case_id)).referral
    assert referral is not None and referral.agreement.kind == "published"


async def test_a_case_level_written_agreement_is_recorded_with_the_referral(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await in_arbitration(pool, settings, supervisor)
    cmd = Refer(
        kind="written", institution="杭州仲裁委员会", signed_on=date(2026, 5, 6), note="争议发生后签订"
    )
    agreement_id = (
        await arbitration.refer(pool, case_id, supervisor, cmd, now=at(date(2026, 5, 8)))
    ).agreement_id
    row = await pool.fetchrow("SELECT * FROM arbitration_agreements WHERE id = $1", agreement_id)
    assert (row["case_id"], row["kind"], row["signed_on"]) == (case_id, "written", date(2026, 5, 6))
    assert await pool.fetchval(
        "SELECT agreement_id FROM arbitration_referrals WHERE case_id = $1", case_id
    ) == (agreement_id)


BAD_AWARDS: list[tuple[RecordAward, dict[str, str]]] = [
    (RecordAward(), {"award_on": "required", "award_for": "required"}),
    (RecordAward(date(2026, 6, 1), "consumer", ""), {"amount": "required"}),
    (RecordAward(date(2026, 6, 1), "partial", "0"), {"amount": "zero"}),
    (RecordAward(date(2026, 6, 1), "merchant", "10.00"), {"amount": "not_expected"}),
    (RecordAward(date(2026, 5, 1), "consumer", "1"), {"award_on": "before_referral"}),
    (RecordAward(date(2026, 6, 3), "consumer", "1"), {"award_on": "in_future"}),
    (RecordAward(date(2026, 6, 1), "everyone", "1"), {"award_for": "unknown_code"}),
    (RecordAward(date(2026, 6, 1), "consumer", "3.999"), {"amount": "invalid_amount"}),
]


async def test_the_award_is_validated_and_recorded_once(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await in_arbitration(pool, settings, supervisor)
    now = at(date(2026, 6, 2))
    with pytest.raises(Conflict):  # nothing to award before a referral
        await arbitration.record_award(
            pool, case_id, supervisor, RecordAward(date(2026, 6, 1), "consumer", "399.00"), now=now
        )
    implied = Refer(kind="implied", institution="杭州仲裁委员会", note="经营者首次开庭前未提出异议")
    await arbitration.refer(pool, case_id, supervisor, implied, now=at(date(2026, 5, 8)))
    for given, expected in BAD_AWARDS:
        with pytest.raises(ValidationFailed) as exc:
            await arbitration.record_award(pool, case_id, supervisor, given, now=now)
        assert field_codes(exc) == expected, given
    partial = RecordAward(date(2026, 6, 1), "partial", "200.50")
    await arbitration.record_award(pool, case_id, supervisor, partial, now=now)
    row = await pool.fetchrow("SELECT * FROM arbitration_referrals WHERE case_id = $1", case_id)
    assert (row["award_on"], row["award_for"], row["award_amount_fen"]) == (
        date(2026, 6, 1),
        "partial",
        20050,
    )
    award = await payload(pool, case_id, "arbitration_award")
    assert award["amount"] == "200.50" and award["award_for"] == "partial"
    with pytest.raises(Conflict):
        await arbitration.record_award(
            pool, case_id, supervisor, RecordAward(date(2026, 6, 1), "merchant"), now=now
        )


async def test_a_dismissed_request_has_no_amount(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await in_arbitration(pool, settings, supervisor)
    written = Refer(kind="written", institution="杭州仲裁委员会")
    await arbitration.refer(pool, case_id, supervisor, written, now=at(date(2026, 5, 8)))
    dismissed = RecordAward(date(2026, 5, 30), "merchant", "")
    await arbitration.record_award(pool, case_id, supervisor, dismissed, now=at(date(2026, 6, 1)))
    assert (
        await pool.fetchval("SELECT award_amount_fen FROM arbitration_referrals WHERE case_id = $1", case_id)
        is None
    )


async def test_the_bundle(pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser) -> None:
    case_id = await in_arbitration(pool, settings, supervisor, merchant_id=await new_merchant(pool))
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
    lab = StartTesting(lab="浙江省质量检测研究院", fee="300")
    test = await product_testing.start_test(pool, case_id, supervisor, lab, now=at(date(2026, 5, 8)))
    finding = FinishTesting(finding="底座绝缘不合格", at_fault="merchant", report_evidence_id=evidence_id)
    await product_testing.finish_test(pool, test.id, supervisor, finding, now=at(date(2026, 5, 12)))
    await arbitration.refer(pool, case_id, supervisor, WRITTEN, now=at(date(2026, 5, 13)))
    b = await queries.bundle(pool, case_id)
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
    assert b.timeline[-1].label == queries.event_label("arbitration_referred") != "arbitration_referred"
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
    case_id = await in_arbitration(pool, settings, supervisor)
    async with pool.acquire() as conn:
        await cases.add_event(
            conn,
            case_id,
            "merchant_answer",
            actor="merchant",
            at=at(date(2026, 5, 9)),
            payload={"note": "产品系人为损坏，不同意退货。"},
        )
    b = await queries.bundle(pool, case_id)
    assert [s.text for s in b.merchant_position] == ["产品系人为损坏，不同意退货。"]
    assert b.agreement is None and b.referred_on is None
    with pytest.raises(NotFound):
        await queries.bundle(pool, 999_999_999)

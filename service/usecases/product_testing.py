"""Product testing inside any route (检验、检测、鉴定, DESIGN §2.5.4): the clock pauses while the product is
tested; the business advances the fee with an equal guarantee from the consumer; the party at fault pays
in the end.

Starting a test is a pause with reason 'testing' (a case_pauses row) plus the product_tests row; its
finding resumes the clock and moves the mediation deadline by the paused time, as casework.resume does.
"""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from domain import product_testing as rules
from domain.casework_fields import ID_MAX, CaseworkConflict
from domain.errors import NotFound, ValidationFailed
from domain.events import EventKind
from domain.lifecycle import Action, apply
from domain.money import format_yuan
from service.store import cases
from service.store import product_tests as store
from service.store.staff import StaffUser
from service.usecases.case_step import CaseStep, case_step
from service.usecases.deadlines import iso, mediation_due_now
from service.usecases.product_testing_commands import (
    FinishTesting,
    StartTesting,
    TestingFinished,
    TestingStarted,
)

TESTING = "testing"  # the case_pauses reason


async def start_test(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: StartTesting, *, now: datetime
) -> TestingStarted:
    """Send the product for testing and stop the clock. 409 when the case's stage cannot pause (not in
    first payment, mediation or arbitration, or already paused)."""
    test = rules.lab_test_input(cmd.lab, cmd.fee, cmd.advanced_by, cmd.consumer_guarantee)
    async with case_step(pool, case_id, now=now, actor=actor, action=Action.PAUSE) as step:
        conn, row = step.conn, step.case
        if await store.open_product_test(conn, case_id) is not None:
            raise CaseworkConflict("test_open", "本案已有尚未出结果的检验，请先登记其结果")
        await cases.start_pause(conn, case_id, TESTING, f"送检：{test.lab}", step.today, None, actor.id)
        await cases.set_paused(
            conn, case_id, step.after.paused, row.mediation_due, row.mediation_due_provisional, now
        )
        test_id = await store.add_product_test(
            conn,
            case_id,
            lab=test.lab,
            fee_fen=test.fee_fen,
            advanced_by=test.advanced_by,
            consumer_guarantee_fen=test.consumer_guarantee_fen,
            started_on=step.today,
        )
        await step.event(
            EventKind.TESTING_STARTED,
            {
                "test_id": test_id,
                "lab": test.lab,
                "fee": format_yuan(test.fee_fen),
                "fee_advanced_by": test.advanced_by,
                "consumer_guarantee": format_yuan(test.consumer_guarantee_fen),
            },
        )
    return TestingStarted(test_id, case_id)


def _report_id(raw: int | None) -> int | None:
    if raw is not None and not 0 < raw < ID_MAX:
        raise ValidationFailed.one(
            "report_evidence_id", "invalid_type", "检验报告应为本案的一份证据材料", "An evidence id"
        )
    return raw


async def finish_test(
    pool: asyncpg.Pool,
    test_id: int,
    actor: StaffUser,
    cmd: FinishTesting,
    *,
    now: datetime,
    case_id: int | None = None,
) -> TestingFinished:
    """Record the finding and who is at fault (who pays the fee), and restart the clock; the result carries
    the mediation deadline, moved by the paused time. `case_id`, when given, must be the test's case.

    When the testing pause was already ended by hand, the finding is recorded and the clock left alone.
    """
    found = rules.lab_finding_input(cmd.finding, cmd.at_fault)
    report_id = _report_id(cmd.report_evidence_id)
    async with pool.acquire() as conn:
        test = await store.product_test(conn, test_id)
    if test is None or (case_id is not None and test["case_id"] != case_id):
        raise NotFound(f"product test {test_id}")
    async with case_step(pool, test["case_id"], now=now, actor=actor) as step:
        test = await store.product_test(step.conn, test_id)  # read again under the case's lock
        assert test is not None
        if test["finished_on"] is not None:
            raise CaseworkConflict("test_finished", "该检验已登记结果")
        report_sha256 = await _report_sha256(step, report_id)
        await store.finish_product_test(
            step.conn,
            test_id,
            finding=found.finding,
            at_fault=found.at_fault,
            on=max(step.today, test["started_on"]),
            report_evidence_id=report_id,
        )
        resumed, due = await _resume_if_testing(step, actor)
        await step.event(
            EventKind.TESTING_FINISHED,
            {
                "test_id": test_id,
                "lab": test["lab"],
                "finding": found.finding,
                "at_fault": found.at_fault,
                "fee_payer": found.fee_payer,
                "fee": format_yuan(test["fee_fen"]),
                "report_sha256": report_sha256,
                "resumed": resumed,
                "previous_due": iso(step.case.mediation_due),
                "mediation_due": iso(due),
            },
        )
    return TestingFinished(test_id, "finished", due)


async def _report_sha256(step: CaseStep, report_id: int | None) -> str | None:
    if report_id is None:
        return None
    item = await cases.evidence_item(step.conn, step.case.id, report_id)
    if item is None:
        raise ValidationFailed.one(
            "report_evidence_id", "not_found", "检验报告应为本案的一份证据材料", "Not evidence of this case"
        )
    sha256: str = item["sha256"]
    return sha256


async def _resume_if_testing(step: CaseStep, actor: StaffUser) -> tuple[bool, date | None]:
    """End the testing pause, if it is the one open, and move the mediation deadline by the paused time:
    (resumed, the mediation deadline now)."""
    conn, row = step.conn, step.case
    open_pauses = [p for p in await cases.pauses(conn, row.id) if p.ended_on is None]
    if not (row.paused and open_pauses and open_pauses[-1].reason == TESTING):
        return False, row.mediation_due
    new = apply(row.state, Action.RESUME)
    await cases.end_pause(conn, row.id, step.today, actor.id)
    deadline = None
    if row.accepted_on is not None:
        deadline = await mediation_due_now(conn, row.id, row.rule_set_id, row.accepted_on, step.today)
    due = deadline.due if deadline else None
    await cases.set_paused(
        conn, row.id, new.paused, due, deadline.provisional if deadline else False, step.now
    )
    return True, due

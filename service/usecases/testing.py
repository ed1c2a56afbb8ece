"""Product testing inside any route (检验、检测、鉴定, DESIGN §2.5.4): the clock pauses while the product is
tested; the business advances the fee with an equal guarantee from the consumer; the party at fault pays
in the end.

Starting a test is a pause with reason 'testing' (a case_pauses row) plus the product_tests row; its
finding resumes the clock and moves the mediation deadline by the paused time, as casework.resume does.
"""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from domain import arbitration as rules
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.lifecycle import Action, apply
from domain.money import format_yuan
from service.store import arbitration as store
from service.store import cases
from service.store.staff import StaffUser
from service.usecases.casework import _as_pauses, _iso, _recomputed_mediation, _state, held_case
from service.usecases.clock import local_date

TESTING = "testing"  # the case_pauses reason


async def start_test(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    lab: object,
    fee: object,
    advanced_by: object = "merchant",
    consumer_guarantee: object = None,
    now: datetime,
) -> int:
    """Send the product for testing and stop the clock; returns the test id. 409 when the case's stage
    cannot pause (not in first payment, mediation or arbitration, or already paused)."""
    today = local_date(now)
    test = rules.lab_test_input(lab, fee, advanced_by, consumer_guarantee)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        new = apply(_state(row), Action.PAUSE)
        if await store.open_product_test(conn, case_id) is not None:
            raise rules.CaseworkConflict("test_open", "本案已有尚未出结果的检验，请先登记其结果")
        await cases.start_pause(conn, case_id, TESTING, f"送检：{test.lab}", today, None, actor.id)
        await cases.set_paused(
            conn, case_id, new.paused, row["mediation_due"], row["mediation_due_provisional"], now
        )
        test_id = await store.add_product_test(
            conn,
            case_id,
            lab=test.lab,
            fee_fen=test.fee_fen,
            advanced_by=test.advanced_by,
            consumer_guarantee_fen=test.consumer_guarantee_fen,
            started_on=today,
        )
        await cases.add_event(
            conn,
            case_id,
            "testing_started",
            actor=actor.actor,
            at=now,
            payload={
                "test_id": test_id,
                "lab": test.lab,
                "fee": format_yuan(test.fee_fen),
                "fee_advanced_by": test.advanced_by,
                "consumer_guarantee": format_yuan(test.consumer_guarantee_fen),
            },
        )
    return test_id


def _evidence_id(raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < rules.ID_MAX:
        raise ValidationFailed(
            [
                FieldError(
                    "report_evidence_id", "invalid_type", "检验报告应为本案的一份证据材料", "An evidence id"
                )
            ]
        )
    return raw


async def finish_test(
    pool: asyncpg.Pool,
    test_id: int,
    actor: StaffUser,
    *,
    finding: object,
    at_fault: object,
    now: datetime,
    report_evidence_id: object = None,
    case_id: int | None = None,
) -> date | None:
    """Record the finding and who is at fault (who pays the fee), and restart the clock; returns the
    mediation deadline, moved by the paused time. `case_id`, when given, must be the test's case.

    When the testing pause was already ended by hand, the finding is recorded and the clock left alone.
    """
    today = local_date(now)
    found = rules.lab_finding_input(finding, at_fault)
    report_id = _evidence_id(report_evidence_id)
    async with pool.acquire() as conn, conn.transaction():
        test = await store.product_test(conn, test_id)
        if test is None or (case_id is not None and test["case_id"] != case_id):
            raise NotFound(f"product test {test_id}")
        row = await held_case(conn, test["case_id"], actor)
        test = await store.product_test(conn, test_id)  # read again under the case's lock
        assert test is not None
        if test["finished_on"] is not None:
            raise rules.CaseworkConflict("test_finished", "该检验已登记结果")
        report_sha256 = None
        if report_id is not None:
            item = await cases.evidence_item(conn, row["id"], report_id)
            if item is None:
                raise ValidationFailed(
                    [
                        FieldError(
                            "report_evidence_id",
                            "not_found",
                            "检验报告应为本案的一份证据材料",
                            "Not evidence of this case",
                        )
                    ]
                )
            report_sha256 = item["sha256"]
        await store.finish_product_test(
            conn,
            test_id,
            finding=found.finding,
            at_fault=found.at_fault,
            on=max(today, test["started_on"]),
            report_evidence_id=report_id,
        )
        due: date | None = row["mediation_due"]
        open_pauses = [p for p in await cases.pauses(conn, row["id"]) if p.ended_on is None]
        resumed = bool(row["paused"] and open_pauses and open_pauses[-1].reason == TESTING)
        if resumed:
            new = apply(_state(row), Action.RESUME)
            await cases.end_pause(conn, row["id"], today, actor.id)
            deadline = None
            if row["accepted_on"] is not None:
                deadline = await _recomputed_mediation(
                    conn, row, _as_pauses(await cases.pauses(conn, row["id"])), today
                )
            due = deadline.due if deadline else None
            await cases.set_paused(
                conn, row["id"], new.paused, due, deadline.provisional if deadline else False, now
            )
        await cases.add_event(
            conn,
            row["id"],
            "testing_finished",
            actor=actor.actor,
            at=now,
            payload={
                "test_id": test_id,
                "lab": test["lab"],
                "finding": found.finding,
                "at_fault": found.at_fault,
                "fee_payer": found.fee_payer,
                "fee": format_yuan(test["fee_fen"]),
                "report_sha256": report_sha256,
                "resumed": resumed,
                "previous_due": _iso(row["mediation_due"]),
                "mediation_due": _iso(due),
            },
        )
    return due

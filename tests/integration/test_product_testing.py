"""Product testing stops the clock and, with its finding, restarts it and moves the deadline."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from domain.errors import Conflict, NotFound, ValidationFailed
from domain.lifecycle import InvalidTransition
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import product_testing
from service.usecases.product_testing_commands import FinishTesting, StartTesting
from tests.support.casework import accepted_case, field_codes, kinds, new_supervisor, payload
from tests.support.intake import at


@pytest.fixture(scope="module")
async def supervisor(pool: asyncpg.Pool) -> StaffUser:
    return await new_supervisor(pool, "t_testing_sup")


async def test_testing_stops_the_clock_and_moves_the_deadline(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7))
    assert await pool.fetchval("SELECT mediation_due FROM cases WHERE id = $1", case_id) == date(2026, 7, 6)
    lab = StartTesting(lab="杭州市质量技术监督检测院", fee="500.00")
    test = await product_testing.start_test(pool, case_id, supervisor, lab, now=at(date(2026, 5, 11)))
    row = await pool.fetchrow("SELECT paused, mediation_due FROM cases WHERE id = $1", case_id)
    assert row["paused"] and row["mediation_due"] == date(2026, 7, 6)
    pause = await pool.fetchrow("SELECT * FROM case_pauses WHERE case_id = $1", case_id)
    assert (pause["reason"], pause["started_on"], pause["ended_on"]) == ("testing", date(2026, 5, 11), None)
    stored = await pool.fetchrow("SELECT * FROM product_tests WHERE id = $1", test.id)
    assert (stored["fee_fen"], stored["fee_advanced_by"], stored["consumer_guarantee_fen"]) == (
        50000,
        "merchant",
        50000,
    )
    with pytest.raises(InvalidTransition):  # already paused: a second test waits for the first
        await product_testing.start_test(
            pool, case_id, supervisor, StartTesting(lab="另一机构", fee="1"), now=at(date(2026, 5, 12))
        )

    finding = FinishTesting(finding="符合国家标准", at_fault="consumer")
    done = await product_testing.finish_test(pool, test.id, supervisor, finding, now=at(date(2026, 5, 21)))
    assert done.mediation_due == date(2026, 7, 16)  # ten paused days (May 11–20) added
    row = await pool.fetchrow("SELECT paused, mediation_due FROM cases WHERE id = $1", case_id)
    assert not row["paused"] and row["mediation_due"] == date(2026, 7, 16)
    assert await pool.fetchval("SELECT ended_on FROM case_pauses WHERE case_id = $1", case_id) == date(
        2026, 5, 21
    )
    stored = await pool.fetchrow("SELECT * FROM product_tests WHERE id = $1", test.id)
    assert (stored["finding"], stored["at_fault"], stored["finished_on"]) == (
        "符合国家标准",
        "consumer",
        date(2026, 5, 21),
    )
    assert (await kinds(pool, case_id))[-3:] == ["accepted", "testing_started", "testing_finished"]
    finished = await payload(pool, case_id, "testing_finished")
    assert finished["fee_payer"] == "consumer" and finished["mediation_due"] == "2026-07-16"
    assert finished["finding"] == "符合国家标准" and finished["at_fault"] == "consumer"
    again = FinishTesting(finding="again", at_fault="none")
    with pytest.raises(Conflict):
        await product_testing.finish_test(pool, test.id, supervisor, again, now=at(date(2026, 5, 22)))


async def test_testing_needs_a_stage_whose_clock_can_stop(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(pool, settings, supervisor, accepted=date(2026, 5, 7), status="accepted")
    with pytest.raises(InvalidTransition):
        await product_testing.start_test(
            pool, case_id, supervisor, StartTesting(lab="某检测机构", fee="100"), now=at(date(2026, 5, 8))
        )
    assert await pool.fetchval("SELECT count(*) FROM product_tests WHERE case_id = $1", case_id) == 0
    assert await pool.fetchval("SELECT count(*) FROM case_pauses WHERE case_id = $1", case_id) == 0


async def test_testing_input_and_who_pays(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await accepted_case(
        pool, settings, supervisor, accepted=date(2026, 5, 7), status="first_payment"
    )
    now = at(date(2026, 5, 8))
    with pytest.raises(ValidationFailed) as exc:
        bad = StartTesting(lab="", fee="abc", advanced_by="nobody")
        await product_testing.start_test(pool, case_id, supervisor, bad, now=now)
    assert field_codes(exc) == {"lab": "required", "fee": "invalid_amount", "advanced_by": "unknown_code"}
    by_consumer = StartTesting(lab="某检测机构", fee="80", advanced_by="consumer")
    test = await product_testing.start_test(pool, case_id, supervisor, by_consumer, now=now)
    assert await pool.fetchval("SELECT consumer_guarantee_fen FROM product_tests WHERE id = $1", test.id) == 0
    later = at(date(2026, 5, 9))
    with pytest.raises(ValidationFailed) as missing:
        await product_testing.finish_test(pool, test.id, supervisor, FinishTesting(finding=" "), now=later)
    assert field_codes(missing) == {"finding": "required", "at_fault": "required"}
    undetermined = FinishTesting(finding="无法认定", at_fault="none")
    with pytest.raises(NotFound):  # the test belongs to another case
        await product_testing.finish_test(
            pool, test.id, supervisor, undetermined, case_id=case_id + 1, now=later
        )
    await product_testing.finish_test(pool, test.id, supervisor, undetermined, now=later)
    assert (await payload(pool, case_id, "testing_finished"))["fee_payer"] == "as_agreed"

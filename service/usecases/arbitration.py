"""Arbitration referrals (第三方质量争议仲裁): only under an agreement, then the institution's award.

The regulator cannot send a case to arbitration on its own (DESIGN §2.5.2): a referral names an
agreement — the clause the merchant published, or a written or implied one recorded for this case.
Each action is one case step (service.usecases.case_step). What the institution receives, the referral
bundle, is read by service.queries.arbitration.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain import arbitration as rules
from domain.casework_fields import CaseworkConflict
from domain.errors import FieldError, ValidationFailed
from domain.events import EventKind
from domain.lifecycle import STATUS_LABELS, Status
from domain.money import format_yuan
from service.store import arbitration as store
from service.store.staff import StaffUser
from service.usecases.arbitration_commands import (
    ArbitrationAwardRecorded,
    ArbitrationReferral,
    RecordAward,
    Refer,
)
from service.usecases.case_step import CaseRow, CaseStep, case_step
from service.usecases.clock import local_date

_NOT_USABLE = FieldError(
    "agreement_id",
    "not_usable",
    "该仲裁协议不适用于本案：只能选择为本案登记的协议，或本案经营者公开的仲裁条款",
    "Not an agreement of this case or of its business",
)
_ALREADY_REFERRED = ("already_referred", "本案已移送仲裁，不能重复移送")


def _not_in_arbitration(row: CaseRow) -> CaseworkConflict:
    return CaseworkConflict(
        "not_in_arbitration",
        f"案件须先分流至仲裁程序，才能登记仲裁移送（当前状态：{STATUS_LABELS[Status(row.status)][0]}）",
    )


async def refer(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: Refer, *, now: datetime
) -> ArbitrationReferral:
    """Refer a case in the arbitration stage to the institution its agreement names."""
    given = rules.referral_input(
        cmd.agreement_id, cmd.kind, cmd.institution, cmd.signed_on, cmd.note, today=local_date(now)
    )
    async with case_step(
        pool, case_id, now=now, actor=actor, status={Status.ARBITRATION}, refusal=_not_in_arbitration
    ) as step:
        if await store.referral(step.conn, case_id) is not None:
            raise CaseworkConflict(*_ALREADY_REFERRED)
        used_id, used_kind, used_institution = await _agreement(step, given)
        if not await store.add_referral(step.conn, case_id, used_id, used_institution, step.today):
            raise CaseworkConflict(*_ALREADY_REFERRED)
        await step.event(
            EventKind.ARBITRATION_REFERRED,
            {
                "institution": used_institution,
                "agreement_kind": used_kind,
                "agreement_id": used_id,
                "referred_on": step.today.isoformat(),
            },
        )
    return ArbitrationReferral(case_id, int(used_id))


async def _agreement(step: CaseStep, given: rules.ReferralInput) -> tuple[int, str, str]:
    """(id, kind, institution) of the agreement the referral is under: one on record that this case may use,
    or the new case-level one, recorded now."""
    if given.agreement_id is not None:
        found = await store.agreement(step.conn, given.agreement_id)
        if found is None or not rules.agreement_usable(
            found["kind"], found["merchant_id"], found["case_id"], step.case.id, step.case.merchant_id
        ):
            raise ValidationFailed([_NOT_USABLE])
        return found["id"], found["kind"], found["institution"]
    new = given.new
    assert new is not None
    new_id = await store.add_agreement(
        step.conn,
        merchant_id=step.case.merchant_id,
        case_id=step.case.id,
        kind=new.kind,
        institution=new.institution,
        signed_on=new.signed_on,
        note=new.note,
    )
    return new_id, new.kind, new.institution


async def record_award(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: RecordAward, *, now: datetime
) -> ArbitrationAwardRecorded:
    """Record the institution's award (once): for the consumer, partly, or dismissing the request."""
    async with case_step(pool, case_id, now=now, actor=actor) as step:
        ref = await store.referral(step.conn, case_id)
        if ref is None:
            raise CaseworkConflict("not_referred", "本案尚未移送仲裁，不能登记裁决")
        if ref["award_on"] is not None:
            raise CaseworkConflict("award_recorded", "本案已登记仲裁裁决，不能重复登记")
        award = rules.award_input(
            cmd.award_on, cmd.award_for, cmd.amount, today=step.today, referred_on=ref["referred_on"]
        )
        await store.record_award(step.conn, case_id, award.award_on, award.award_for, award.amount_fen)
        await step.event(
            EventKind.ARBITRATION_AWARD,
            {
                "institution": ref["institution"],
                "award_on": award.award_on.isoformat(),
                "award_for": award.award_for,
                "amount": format_yuan(award.amount_fen) if award.amount_fen is not None else None,
            },
        )
    return ArbitrationAwardRecorded(case_id)

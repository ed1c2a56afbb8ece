"""What deciding a cluster alert (service.usecases.clusters) and a product risk signal
(service.usecases.product_signals) share, inside the decision's transaction: the alert locked, refused
when missing or decided already, the decision recorded on it, and an event on each of its cases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from domain.casework_fields import CaseworkConflict
from domain.errors import NotFound
from domain.events import EventKind
from service.store import cases
from service.store.alerts import Decide
from service.store.sql import Lookup
from service.store.staff import StaffUser


@dataclass(frozen=True, slots=True)
class Decisions:
    """One kind of alert's store functions, and what its refusals say."""

    lock: Lookup[int]  # the alert's row FOR UPDATE (decided_at, case_ids), or None
    decide: Decide
    name: str  # what NotFound calls it: "cluster alert 12"
    decided: tuple[str, str]  # the CaseworkConflict's code and message when it was decided already

    async def record(
        self,
        conn: asyncpg.Connection,
        alert_id: int,
        kind: EventKind,
        payload: Mapping[str, Any],
        *,
        actor: StaffUser,
        now: datetime,
    ) -> None:
        """Lock the alert, record the decision (payload's "decision" and "note") and write `kind` with
        `payload` on each of its cases. Raises NotFound, or CaseworkConflict when it was decided already."""
        row = await self.lock(conn, alert_id)
        if row is None:
            raise NotFound(f"{self.name} {alert_id}")
        if row["decided_at"] is not None:
            raise CaseworkConflict(*self.decided)
        await self.decide(
            conn, alert_id, at=now, decision=payload["decision"], note=payload["note"], by=actor.id
        )
        for case_id in row["case_ids"]:
            await cases.add_event(conn, case_id, kind, actor=actor.actor, at=now, payload=payload)

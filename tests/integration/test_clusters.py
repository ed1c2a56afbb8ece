"""Cluster alerts: raised once per cluster, grown while open, raised again only when a decided cluster
grows; the supervisor's decision on each of its cases."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from domain.errors import Conflict, ValidationFailed
from service.queries import clusters as queries
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import clusters
from service.usecases.cluster_commands import DecideCluster
from tests.support.casework import accepted_case, field_codes, kinds, new_merchant, new_supervisor
from tests.support.intake import at


@pytest.fixture(scope="module")
async def supervisor(pool: asyncpg.Pool) -> StaffUser:
    return await new_supervisor(pool, "t_clusters_sup")


async def alerts_of(pool: asyncpg.Pool, merchant_id: int) -> list[asyncpg.Record]:
    return list(
        await pool.fetch("SELECT * FROM cluster_alerts WHERE merchant_id = $1 ORDER BY id", merchant_id)
    )


async def test_a_cluster_is_raised_once_and_again_only_when_it_grows_after_a_decision(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    merchant_id = await new_merchant(pool, "拱墅区集中投诉电器店")

    async def case_on(day: date, **kw: str) -> int:
        return await accepted_case(pool, settings, supervisor, accepted=day, merchant_id=merchant_id, **kw)

    first = [await case_on(date(2026, 9, 1 + i)) for i in range(4)]
    # not counted: another category, a case accepted the day before the window
    await case_on(date(2026, 9, 10), category="food")
    await case_on(date(2026, 7, 3))
    now = at(date(2026, 10, 1))
    await clusters.detect(pool, now=now)
    assert await alerts_of(pool, merchant_id) == []  # four in the window: below the threshold of five

    first.append(await case_on(date(2026, 9, 20)))
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
    assert (await kinds(pool, first[0])).count("cluster_alert") == 1

    sixth = await case_on(date(2026, 9, 25))
    assert not set(await clusters.detect(pool, now=now)) & {
        a["id"] for a in await alerts_of(pool, merchant_id)
    }
    (alert,) = await alerts_of(pool, merchant_id)
    assert alert["case_ids"] == [*first, sixth]  # joined the open alert
    assert "cluster_alert" in await kinds(pool, sixth)

    with pytest.raises(ValidationFailed) as exc:
        await clusters.decide(pool, alert["id"], supervisor, DecideCluster("no_action", ""), now=now)
    assert field_codes(exc) == {"note": "required"}
    with pytest.raises(ValidationFailed):
        await clusters.decide(pool, alert["id"], supervisor, DecideCluster("shrug"), now=now)
    joint = DecideCluster("joint_complaint", "合并约谈经营者")
    decided = await clusters.decide(pool, alert["id"], supervisor, joint, now=now)
    assert (decided.id, decided.decision) == (alert["id"], "joint_complaint")
    stored = (await alerts_of(pool, merchant_id))[0]
    assert (stored["decision"], stored["decided_by"]) == ("joint_complaint", supervisor.id)
    assert (await kinds(pool, sixth))[-1] == "cluster_decided"
    with pytest.raises(Conflict):
        await clusters.decide(pool, alert["id"], supervisor, DecideCluster("no_action", "重复"), now=now)

    later = at(date(2026, 10, 2))
    await clusters.detect(pool, now=later)
    assert len(await alerts_of(pool, merchant_id)) == 1  # decided, not grown: nothing new

    seventh = await case_on(date(2026, 10, 2))
    raised = await clusters.detect(pool, now=later)
    old, new = await alerts_of(pool, merchant_id)
    assert new["id"] in raised and new["decided_at"] is None
    assert new["case_ids"] == [*first, sixth, seventh]
    listed = await queries.alerts(pool, now=later)
    assert new["id"] in [a.id for a in listed.open] and old["id"] in [a.id for a in listed.recent]
    shown = next(a for a in listed.open if a.id == new["id"])
    assert shown.merchant_name == "拱墅区集中投诉电器店" and shown.category_label == "家用电器"
    assert shown.count == 7 and [c.id for c in shown.cases] == [*first, sixth, seventh]


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

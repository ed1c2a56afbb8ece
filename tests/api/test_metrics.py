"""GET /metrics (issue 15): Prometheus text only to `Authorization: Bearer $METRICS_TOKEN` (404 without the
setting, 401 with a wrong token); requests by route template; the backlog figures from the database; the
worker's job counts, which reach the web process through the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from service.metrics import JobCounts
from service.settings import Settings
from service.store.db import create_pool
from service.usecases import intake
from service.usecases.notifications import queue_notification
from tests.support.channels import ANY_SMTP, channels
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx

TOKEN = "metrics-token-for-tests-0123456789"
Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture(scope="module")
async def own(databases: Databases, settings: Settings) -> AsyncIterator[tuple[Settings, asyncpg.Pool]]:
    """A database of its own, so each figure can be checked exactly."""
    url = await databases.create(migrated=True)
    pool = await create_pool(url, max_size=3)
    yield msgspec.structs.replace(settings, database_url=url, metrics_token=TOKEN), pool
    await pool.close()


@pytest.fixture(scope="module")
async def client(own: tuple[Settings, asyncpg.Pool]) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(own[0])) as c:
        yield c


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return samples(r.text)


async def test_no_token_setting_no_metrics(settings: Settings) -> None:
    assert settings.metrics_token is None
    async with AsyncTestClient(app=create_app(settings)) as c:
        r = await c.get("/metrics", headers={"Authorization": "Bearer anything"})
    assert r.status_code == 404


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer"], ids=str
)
async def test_a_missing_or_wrong_token_is_401(client: Client, header: str | None) -> None:
    r = await client.get("/metrics", headers={"Authorization": header} if header else {})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "disputes_" not in r.text


async def test_requests_are_counted_and_timed_by_route_template(client: Client) -> None:
    for case_id in (123456, 654321):
        assert (await client.get(f"/api/v1/cases/{case_id}")).status_code == 401  # no staff token
    await client.get("/no/such/page")
    text = (await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).text
    found = samples(text)
    route = "/api/v1/cases/{case_id}"
    key = ("disputes_http_requests_total", (("method", "GET"), ("route", route), ("status", "401")))
    assert found[key] == 2
    latency = ("disputes_http_request_duration_seconds_count", (("method", "GET"), ("route", route)))
    assert found[latency] == 2
    assert (
        "disputes_http_requests_total",
        (("method", "GET"), ("route", "unmatched"), ("status", "404")),
    ) in found
    assert "123456" not in text and "/no/such/page" not in text  # never the raw path


async def test_the_database_figures(
    client: Client, own: tuple[Settings, asyncpg.Pool], today_local: object
) -> None:
    settings, pool = own
    receipt = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
    await pool.execute(
        "UPDATE cases SET acceptance_due = received_on - 1 WHERE id = $1", receipt.case_id
    )  # undecided past its acceptance deadline
    async with pool.acquire() as conn, conn.transaction():
        for channel, address in (("log", None), ("email", "wang@example.com"), ("email", "li@example.com")):
            await queue_notification(
                conn,
                case_id=receipt.case_id,
                recipient="consumer",
                template="complaint_registered",
                fields={
                    "tracking_no": receipt.tracking_no,
                    "received_on": today_local,
                    "acceptance_due": today_local,
                },
                contacts={"email": address},
                channels=channels(ANY_SMTP),
                dedupe_key=f"metrics:{channel}:{address}",
                now=datetime.now(UTC) - timedelta(minutes=3),
            )
    await pool.execute("UPDATE notifications SET status = 'failed' WHERE address = 'li@example.com'")
    counts = JobCounts(worker="test-host:1")
    counts.count("route_case_job", ok=True)
    counts.count("route_case_job", ok=True)
    counts.count("route_case_job", ok=False)
    await counts.flush(pool, datetime.now(UTC))  # as a worker does every few seconds

    client.app.state.metrics.database.expire()  # this test's rows, not a reading cached before them
    found = await scrape(client)
    assert found[("disputes_database_figures_up", ())] == 1
    assert found[("disputes_cases", (("status", "received"),))] == 1
    assert found[("disputes_deadlines_overdue", (("deadline", "acceptance"),))] == 1
    assert found[("disputes_deadlines_overdue", (("deadline", "mediation"),))] == 0
    assert found[("disputes_outbox_backlog", ())] == 1  # the routing job no worker has run here
    assert found[("disputes_outbox_oldest_pending_age_seconds", ())] >= 0
    assert found[("disputes_notifications_pending", (("channel", "log"),))] == 1
    assert found[("disputes_notifications_pending", (("channel", "email"),))] == 1
    assert found[("disputes_notifications_failed", (("channel", "email"),))] == 1
    assert found[("disputes_notifications_oldest_due_seconds", ())] >= 170
    assert found[("disputes_worker_jobs_total", (("job", "route_case_job"), ("outcome", "ok")))] == 2
    assert found[("disputes_worker_jobs_total", (("job", "route_case_job"), ("outcome", "failed")))] == 1
    assert found[("disputes_workers_alive", ())] == 1


async def test_figures_carry_no_personal_data(client: Client, own: tuple[Settings, asyncpg.Pool]) -> None:
    settings, pool = own
    body = complaint_body()
    await intake.submit_complaint(pool, body, ctx(settings), now=datetime.now(UTC))
    client.app.state.metrics.database.expire()
    text = (await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).text
    for value in (body["consumer"]["name"], body["consumer"]["phone"], body["merchant"]["name"]):
        assert value not in text

"""Schemathesis over every operation in /schema/openapi.json: no 5xx, no response that breaks its own schema.

The app runs in-process (schemathesis' ASGI transport, on its own event-loop thread) against a database of
its own, so the fuzzer's merchants, returns and queue changes never meet the other tests' data. A few cases,
a merchant and a queue are seeded first so small generated ids reach real handlers, not only 404s.

Runs once without a session and once each with a supervisor's and a mediator's bearer token, with a fixed
example count and derandomized generation so a CI failure reproduces locally. QD_FUZZ_EXAMPLES raises the
count for a longer hunt and QD_FUZZ_RANDOM=1 draws new inputs each run
(e.g. QD_FUZZ_EXAMPLES=200 QD_FUZZ_RANDOM=1 pytest tests/api/test_openapi_fuzz.py).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from argon2 import PasswordHasher
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from litestar.testing import AsyncTestClient
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.app import create_app
from service.settings import Settings
from service.store.db import create_pool
from service.usecases import auth
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.staff import make_staff

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("QD_FUZZ_EXAMPLES", "8"))  # per operation, per generation mode, per identity
RANDOM = os.environ.get("QD_FUZZ_RANDOM") == "1"  # a fresh seed each run, for a hunt; CI stays repeatable
# Every operation documents each status it can answer (service/web/openapi.py), so an undocumented one fails
# too, as do a body that breaks its status's schema, a wrong content type and a missing documented header.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]
IDENTITIES = ("anonymous", "supervisor", "mediator")
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
SEEDED = {"case_id": 1, "evidence_id": 1, "merchant_id": 1}  # made by _seed in the fuzzer's own database


@dataclass(frozen=True)
class FuzzTarget:
    settings: Settings
    tokens: dict[str, str]


@pytest.fixture(scope="module")
async def fuzz_target(
    databases: Databases, server_urls: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FuzzTarget]:
    settings = Settings(
        database_url=await databases.create(migrated=True),
        redis_url=server_urls[1],
        data_dir=tmp_path_factory.mktemp("fuzz-data"),
        secret_key="test-secret-key-not-for-production",
        queue_name=f"qd-fuzz-{uuid.uuid4().hex[:8]}",
        log_json=True,
    )
    # IssueToken is fuzzed too: hash cheaply, or argon2's defaults spend ~0.14 s on every wrong password
    original = auth._hasher, auth._DUMMY_HASH
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    auth._DUMMY_HASH = auth._hasher.hash(uuid.uuid4().hex)
    pool = await create_pool(settings.database_url or "", max_size=2)
    try:
        async with AsyncTestClient(app=create_app(settings)) as client:
            tokens = {
                role: (await make_staff(pool, client, f"fuzz_{role}", [role])).token
                for role in ("supervisor", "mediator")
            }
            await _seed(client, {"Authorization": f"Bearer {tokens['supervisor']}"})
        yield FuzzTarget(settings, tokens)
    finally:
        auth._hasher, auth._DUMMY_HASH = original
        await pool.close()


async def _seed(client: AsyncTestClient, supervisor: dict[str, str]) -> None:  # type: ignore[type-arg]
    for n in range(4):
        r = await client.post("/api/v1/complaints", json=complaint_body(description=f"第{n}件：电水壶漏电。"))
        assert r.status_code == 201, r.text
        receipt = r.json()
        r = await client.post(
            f"/api/v1/complaints/{receipt['tracking_no']}/evidence",
            headers={"X-Access-Code": receipt["access_code"]},
            files=[("files", (f"receipt{n}.png", b"\x89PNG\r\n\x1a\n" + bytes([n]) * 64, "image/png"))],
        )
        assert r.status_code == 201, r.text  # so GetEvidenceFile can answer 200 with a file
    r = await client.post("/api/v1/cases/1/accept", json={}, headers=supervisor)
    assert r.status_code in (200, 409), r.text


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_target: FuzzTarget) -> Iterator[Any]:
    app = create_app(fuzz_target.settings)
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    yield schema
    schemathesis_asgi.shutdown_lifespans()  # closes this app's pool before its database is dropped


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_operation_survives_generated_input(
    fuzz_schema: Any, fuzz_target: FuzzTarget, identity: str, request: pytest.FixtureRequest
) -> None:
    headers = {} if identity == "anonymous" else {"Authorization": f"Bearer {fuzz_target.tokens[identity]}"}
    failures: list[str] = []
    operations = 0
    started = time.perf_counter()
    for result in fuzz_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategies = {mode.value: operation.as_strategy(generation_mode=mode) for mode in MODES}
        seeded = {name: SEEDED[name] for name in re.findall(r"\{(\w+)\}", operation.path) if name in SEEDED}
        if seeded and headers:  # the same operation on a case, file and merchant that exist: past the 404s
            strategies["seeded ids"] = operation.as_strategy(path_parameters=seeded)
        for kind, strategy in strategies.items():
            try:
                _fuzz(strategy, headers)
            except Unsatisfiable:
                continue  # nothing in this operation can be made invalid (no parameters, no body)
            except (Exception, BaseExceptionGroup) as exc:  # try every operation, report all failures
                failures.append(f"{operation.label} [{kind}]: {type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - started
    request.node.user_properties.append(("fuzz", f"{identity}: {operations} operations in {elapsed:.1f}s"))
    assert operations >= 50, "the schema lost its operations"
    assert not failures, "\n\n".join(failures)


def _fuzz(strategy: Any, headers: dict[str, str]) -> None:
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def run(case: Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_the_fuzzer_reads_the_served_schema(fuzz_schema: Any) -> None:
    """The schema it fuzzes is the one the app serves, so a new route is fuzzed without editing this file."""
    labels = {result.ok().label for result in fuzz_schema.get_all_operations()}
    assert "POST /api/v1/complaints" in labels and "GET /api/v1/cases/{case_id}" in labels

"""The API as an outside client sees it: a client generated from the served /schema/openapi.json by
openapi-python-client, with no generator warning, files a complaint, reads it back with the access
code, signs in as staff, lists and accepts a case, and reads a 422 as its typed error model."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from service.settings import Settings
from service.web import openapi
from tests.support.factories import complaint_body
from tests.support.live import live_app
from tests.support.staff import PASSWORD, Staff

PACKAGE = "qd_generated_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, served_schema: dict[str, Any]) -> Iterator[Any]:
    where = tmp_path_factory.mktemp("client")
    (where / "openapi.json").write_text(json.dumps(served_schema))
    (where / "config.yml").write_text(
        json.dumps({"package_name_override": PACKAGE, "project_name_override": PACKAGE, "post_hooks": []})
    )
    run = subprocess.run(
        [str(GENERATOR), "generate", "--path", "openapi.json", "--config", "config.yml", "--meta", "none",
         "--output-path", PACKAGE],
        cwd=where, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    sys.path.insert(0, str(where))
    try:
        yield run
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
async def served_schema(settings: Settings) -> dict[str, Any]:
    async with live_app(settings) as live:
        r = await live.at("127.0.0.1").get("/schema/openapi.json")
        assert r.status_code == 200
        return r.json()  # type: ignore[no-any-return]


def _module(path: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{path}")


def test_the_generator_has_no_warning(generated: Any) -> None:
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "Warning" not in output and "warning" not in output, output


def test_no_schema_name_is_used_twice(served_schema: dict[str, Any]) -> None:
    """Litestar names a second struct of the same name after its module (`service_web_api_x_CaseOut`):
    two different things then look alike to a reader and to a generated client."""
    names = served_schema["components"]["schemas"]
    qualified = [n for n in names if "_" in n and n.split("_")[0] in {"service", "domain", "tests"}]
    assert qualified == [], f"schema names used by more than one struct: {qualified}"


def test_every_staff_operation_names_the_bearer_scheme(served_schema: dict[str, Any]) -> None:
    schemes = served_schema["components"]["securitySchemes"]
    assert {s["scheme"] for s in schemes.values()} == {"bearer"}
    staff_ops = [
        (f"{method.upper()} {path}", op)
        for path, item in served_schema["paths"].items()
        for method, op in item.items()
        if "401" in op.get("responses", {}) and op.get("operationId") != "IssueToken"  # signing in: no token
    ]
    assert len(staff_ops) > 50, "staff operations lost their 401"
    assert [label for label, op in staff_ops if not op.get("security")] == []
    public = served_schema["paths"]["/api/v1/complaints"]["post"]
    assert not public.get("security") and "401" not in public["responses"]


async def test_a_generated_client_files_tracks_signs_in_and_accepts(
    generated: Any, settings: Settings, staff: dict[str, Staff]
) -> None:
    assert generated.returncode == 0, generated.stdout + generated.stderr
    client_mod = _module("client")
    models = _module("models")
    async with live_app(settings) as live:
        transport = httpx.ASGITransport(app=live.app, client=("127.0.0.1", 50000))  # type: ignore[arg-type]
        anonymous = client_mod.Client(base_url="http://testserver")
        anonymous.set_async_httpx_client(httpx.AsyncClient(transport=transport, base_url="http://testserver"))

        body = models.SubmitComplaint.from_dict(complaint_body())
        filed = await _module("api.complaints.submit_complaint").asyncio_detailed(client=anonymous, body=body)
        assert filed.status_code == 201, filed.content
        receipt = filed.parsed
        assert isinstance(receipt, models.ComplaintReceipt)

        viewed = await _module("api.complaints.get_complaint").asyncio_detailed(
            receipt.tracking_no, client=anonymous, x_access_code=receipt.access_code
        )
        assert viewed.status_code == 200, viewed.content
        assert isinstance(viewed.parsed, models.ConsumerCaseView)
        assert viewed.parsed.tracking_no == receipt.tracking_no and viewed.parsed.status == "received"

        bad = await _module("api.complaints.submit_complaint").asyncio_detailed(
            client=anonymous, body=models.SubmitComplaint.from_dict(complaint_body(consumer__phone="1"))
        )
        assert bad.status_code == 422
        assert isinstance(bad.parsed, models.ValidationErrorBody)
        assert "consumer.phone" in {e.field for e in bad.parsed.errors}

        signed = await _module("api.auth.issue_token").asyncio_detailed(
            client=anonymous,
            body=models.TokenIn(username=staff["supervisor"].username, password=PASSWORD),
        )
        assert signed.status_code in (200, 201), signed.content
        token = signed.parsed.access_token
        supervisor = client_mod.AuthenticatedClient(base_url="http://testserver", token=token)
        supervisor.set_async_httpx_client(
            httpx.AsyncClient(
                transport=transport,
                base_url="http://testserver",
                headers={"Authorization": f"Bearer {token}"},
            )
        )
        case_id = await _listed_id(supervisor, receipt.tracking_no)
        accepted = await _module("api.staff_cases.accept_case").asyncio_detailed(
            case_id, client=supervisor, body=models.Accept()
        )
        assert accepted.status_code == 200, accepted.content


async def _listed_id(supervisor: Any, tracking_no: str) -> int:
    """Our case's id from the queue of received cases, page by page (other tests' cases come first)."""
    list_cases = _module("api.staff_cases.list_cases")
    for offset in range(0, 10_000, 200):
        listed = await list_cases.asyncio_detailed(
            client=supervisor, status=["received"], limit=200, offset=offset
        )
        assert listed.status_code == 200, listed.content
        ours: list[int] = [i.id for i in listed.parsed.items if i.tracking_no == tracking_no]
        if ours or not listed.parsed.items:
            return ours[0]
    raise AssertionError("the filed case is not in the queue")


def test_the_operations_named_in_the_describer_exist(served_schema: dict[str, Any]) -> None:
    """service/web/openapi.py names a few operations (throttled, uploads, sign-in): a rename must follow."""
    ids = {op.get("operationId") for item in served_schema["paths"].values() for op in item.values()}
    named = openapi.THROTTLED | openapi.SIGNED_IN | openapi.SIGN_IN | openapi.MULTIPART
    assert named - ids == set()

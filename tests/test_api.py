"""The HTTP API as Cisco Commerce Workspace and operators use it: intake, status, operator steps, health, links.

Driven in-process through httpx's ASGI transport, against the time-skipping Temporal server with the session's
worker, the worker's database and the real SMTP sink.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from starter.mail_sink import MailSink, ReceivedMail
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from tests.support import bearer, eventually, free_port, make_settings, order

ORDERS = "/api/partner-orders"


@pytest.fixture
async def api(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory], operator_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, client=client, sessions=workflow_db[1])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=bearer(operator_token)) as http:
        yield http


async def _future(ts_env: WorkflowEnvironment, days: int = 10) -> date:
    """A start date well ahead of the test server's clock (time skips across tests), so nothing fires."""
    return (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date() + timedelta(days=days)


async def _order_json(ts_env: WorkflowEnvironment, **overrides: Any) -> dict[str, Any]:
    return order(await _future(ts_env), **overrides).model_dump(mode="json")


def _field_errors(response: httpx.Response) -> dict[str, str]:
    body = response.json()
    assert response.status_code == 422, body
    assert body["error"] == "InvalidInput"
    assert body["message"]
    return {problem["field"]: problem["message"] for problem in body["fields"]}


async def _started(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> dict[str, Any]:
    payload = await _order_json(ts_env)
    response = await api.post(ORDERS, json=payload)
    assert response.status_code == 201, response.text
    return payload


# ---------------------------------------------------------------- intake


async def test_posting_an_order_starts_its_workflow_once(
    api: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment
) -> None:
    payload = await _order_json(ts_env)
    order_id = payload["order_id"]

    first = await api.post(ORDERS, json=payload)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["created"] is True
    assert body["workflow_id"] == f"partner-order-{order_id}"
    assert body["state"]["order_id"] == order_id
    assert body["state"]["status"] == "awaiting_start_date"
    assert body["state"]["customer_name"] == "Kranj Logistics"
    run_id = (await client.get_workflow_handle(body["workflow_id"]).describe()).run_id

    again = await api.post(ORDERS, json=payload)
    assert again.status_code == 200, again.text
    repeat = again.json()
    assert repeat["created"] is False
    assert repeat["workflow_id"] == body["workflow_id"]
    held = (await api.get(f"{ORDERS}/{order_id}")).json()
    assert repeat["state"]["received_at"] == held["received_at"]  # the same order, as its workflow holds it
    assert len(repeat["state"]["timeline"]) == len(held["timeline"])  # not a second one
    assert (await client.get_workflow_handle(body["workflow_id"]).describe()).run_id == run_id


async def test_a_bad_email_is_refused_naming_the_field(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    payload = await _order_json(ts_env)
    payload["provisioning_contact_email"] = "not-an-address"
    problems = _field_errors(await api.post(ORDERS, json=payload))
    assert list(problems) == ["provisioning_contact_email"]
    assert "not a valid email address" in problems["provisioning_contact_email"]


async def test_an_unknown_offer_is_refused_listing_the_offers(
    api: httpx.AsyncClient, ts_env: WorkflowEnvironment
) -> None:
    payload = await _order_json(ts_env)
    payload["offer"] = "A-BOGUS"
    response = await api.post(ORDERS, json=payload)
    problems = _field_errors(response)
    assert list(problems) == ["offer"]
    for offer in ("A-WX", "A-SPK", "A-FLEX"):
        assert offer in problems["offer"]
    assert response.json()["message"].startswith("offer: ")


async def test_an_unknown_time_zone_is_refused(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    payload = await _order_json(ts_env)
    payload["time_zone"] = "Mars/Olympus_Mons"
    problems = _field_errors(await api.post(ORDERS, json=payload))
    assert list(problems) == ["time_zone"]
    assert problems["time_zone"].startswith("'Mars/Olympus_Mons' is not a known IANA time zone")
    assert "Value error" not in problems["time_zone"]


async def test_a_missing_field_is_named(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    payload = await _order_json(ts_env)
    del payload["customer_name"]
    response = await api.post(ORDERS, json=payload)
    assert _field_errors(response) == {"customer_name": "Field required"}
    assert response.json()["message"] == "customer_name: Field required"


async def test_an_order_without_services_is_refused(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    payload = await _order_json(ts_env)
    payload["purchased_services"] = []
    problems = _field_errors(await api.post(ORDERS, json=payload))
    assert list(problems) == ["purchased_services"]
    assert "at least 1 item" in problems["purchased_services"]


async def test_an_unknown_field_is_refused_not_dropped(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    payload = await _order_json(ts_env)
    payload["discount_code"] = "FREE"
    problems = _field_errors(await api.post(ORDERS, json=payload))
    assert problems == {"discount_code": "Extra inputs are not permitted"}


async def test_several_problems_are_reported_together(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    payload = await _order_json(ts_env)
    payload["offer"] = "nope"
    payload["account_representative_email"] = "rep at cisco"
    problems = _field_errors(await api.post(ORDERS, json=payload))
    assert set(problems) == {"offer", "account_representative_email"}


async def test_malformed_json_is_a_422_not_a_500(api: httpx.AsyncClient) -> None:
    response = await api.post(ORDERS, content=b'{"order_id": "X-1", ', headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "InvalidInput"
    assert "JSON" in body["message"]
    assert "Traceback" not in response.text


async def test_malformed_json_names_the_body_not_a_character_offset(api: httpx.AsyncClient) -> None:
    response = await api.post(ORDERS, content=b'{"order_id": "X-1", ', headers={"content-type": "application/json"})
    body = response.json()
    assert [problem["field"] for problem in body["fields"]] == ["body"]
    assert "not valid JSON" in body["message"]


async def test_a_json_array_is_a_422(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    response = await api.post(ORDERS, json=[await _order_json(ts_env)])
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "InvalidInput"


# ---------------------------------------------------------------- status


async def test_an_unknown_order_is_404_naming_it(api: httpx.AsyncClient) -> None:
    response = await api.get(f"{ORDERS}/NO-SUCH-ORDER-42")
    assert response.status_code == 404, response.text
    body = response.json()
    assert body["error"] == "NotFound"
    assert body["message"] == "No partner order NO-SUCH-ORDER-42."


async def test_a_started_order_shows_its_state(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    payload = await _started(api, ts_env)
    response = await api.get(f"{ORDERS}/{payload['order_id']}")
    assert response.status_code == 200, response.text
    state = response.json()
    assert state["order_id"] == payload["order_id"]
    assert state["status"] == "awaiting_start_date"
    assert state["requested_start_date"] == payload["requested_start_date"]
    assert state["provisioning_contact_email"] == payload["provisioning_contact_email"]
    assert state["timeline"][0]["text"].startswith("awaiting_start_date: order received")


# ---------------------------------------------------------------- operator steps


async def test_resend_before_the_mail_was_sent_says_use_send_now(
    api: httpx.AsyncClient, ts_env: WorkflowEnvironment, mail_sink: MailSink
) -> None:
    payload = await _started(api, ts_env)
    response = await api.post(f"{ORDERS}/{payload['order_id']}/resend")
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"] == "OrderStateConflict"
    assert body["message"].startswith("The Set Up Now e-mail has not been sent yet")
    assert payload["requested_start_date"] in body["message"]
    assert "send-now" in body["message"]
    assert mail_sink.to(payload["provisioning_contact_email"]) == []


async def test_send_now_sends_the_set_up_now_mail(
    api: httpx.AsyncClient, ts_env: WorkflowEnvironment, mail_sink: MailSink
) -> None:
    payload = await _started(api, ts_env)
    order_id, contact = payload["order_id"], payload["provisioning_contact_email"]

    response = await api.post(f"{ORDERS}/{order_id}/send-now", json={"operator": "ana", "reason": "customer ready"})
    assert response.status_code == 200, response.text
    assert response.json() == {"purpose": "set_up_now", "sequence": 1, "to": contact}

    async def arrived() -> list[ReceivedMail]:
        return mail_sink.to(contact)

    [mail] = await eventually(arrived, what=f"Set Up Now mail to {contact}")
    assert mail.subject == f"Set up Webex for Kranj Logistics (order {order_id})"
    [link] = [link for link in mail.links if "/setup/" in link]

    state = (await api.get(f"{ORDERS}/{order_id}")).json()
    assert state["status"] == "awaiting_setup"
    texts = [e["text"] for e in state["timeline"]]
    assert any("api-key:tests asked to send the Set Up Now e-mail now (customer ready)" in t for t in texts)
    assert not any("ana" in t.split() for t in texts)  # the free-text operator is not who is named

    # the link in the mail opens the (placeholder) setup page
    page = await api.get("/setup/" + link.rsplit("/setup/", 1)[1])
    assert page.status_code == 200, page.text
    assert f"Set up order {order_id}" in page.text

    # a second send-now is refused; resend is now the way
    again = await api.post(f"{ORDERS}/{order_id}/send-now")
    assert again.status_code == 409, again.text
    assert "already been sent" in again.json()["message"]
    resent = await api.post(f"{ORDERS}/{order_id}/resend")
    assert resent.status_code == 200, resent.text
    assert resent.json() == {"purpose": "set_up_now", "sequence": 2, "to": contact}


async def test_changing_the_contact_to_a_bad_email_names_new_email(
    api: httpx.AsyncClient, ts_env: WorkflowEnvironment
) -> None:
    payload = await _started(api, ts_env)
    response = await api.post(f"{ORDERS}/{payload['order_id']}/contact", json={"new_email": "nobody-at-example"})
    problems = _field_errors(response)
    assert list(problems) == ["new_email"]
    assert "not a valid email address" in problems["new_email"]


async def test_changing_the_contact_before_the_start_date(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    payload = await _started(api, ts_env)
    order_id = payload["order_id"]
    response = await api.post(f"{ORDERS}/{order_id}/contact", json={"new_email": "new-contact@partner.example"})
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["previous_email"] == payload["provisioning_contact_email"]
    assert changed["new_email"] == "new-contact@partner.example"
    assert changed["contact_generation"] == 2
    assert changed["mail"] is None  # the mail goes out on the start date, to the new contact

    same = await api.post(f"{ORDERS}/{order_id}/contact", json={"new_email": "new-contact@partner.example"})
    assert same.status_code == 422, same.text
    assert same.json()["message"] == "new-contact@partner.example is already the provisioning contact of this order."


async def test_operator_steps_on_an_unknown_order_are_404(api: httpx.AsyncClient) -> None:
    for step in ("resend", "send-now"):
        response = await api.post(f"{ORDERS}/NO-SUCH-ORDER-43/{step}")
        assert response.status_code == 404, (step, response.text)
        assert response.json()["error"] == "NotFound"
        assert "NO-SUCH-ORDER-43" in response.json()["message"]


# ---------------------------------------------------------------- Temporal down


@pytest.fixture
async def api_without_temporal(
    workflow_db: tuple[str, SessionFactory], operator_token: str
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The API as it runs while Temporal is down: it starts, and connects on first use."""
    address = f"127.0.0.1:{free_port()}"
    down = make_settings(temporal_address=address, database_url=workflow_db[0], payload_key=None)
    app = create_app(down, sessions=workflow_db[1])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=bearer(operator_token)) as http:
        yield http, address


async def test_health_is_503_and_names_temporal_when_it_is_down(
    api_without_temporal: tuple[httpx.AsyncClient, str],
) -> None:
    api, address = api_without_temporal
    response = await api.get("/healthz")
    assert response.status_code == 503, response.text
    health = response.json()
    assert health["status"] == "degraded"
    assert health["database"] == "ok"
    assert health["temporal"].startswith(f"unreachable: Cannot reach Temporal at {address}")


async def test_an_order_while_temporal_is_down_is_503_with_a_sentence(
    api_without_temporal: tuple[httpx.AsyncClient, str], ts_env: WorkflowEnvironment
) -> None:
    api, address = api_without_temporal
    response = await api.post(ORDERS, json=await _order_json(ts_env))
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["error"] == "TemporalUnreachable"
    assert f"Cannot reach Temporal at {address}" in body["message"]
    assert "onramp dev" in body["message"]


async def test_an_invalid_order_is_422_even_while_temporal_is_down(
    api_without_temporal: tuple[httpx.AsyncClient, str], ts_env: WorkflowEnvironment
) -> None:
    api, _ = api_without_temporal
    payload = await _order_json(ts_env)
    del payload["customer_name"]
    assert _field_errors(await api.post(ORDERS, json=payload)) == {"customer_name": "Field required"}


# ---------------------------------------------------------------- health, links, OpenAPI


async def test_health_reports_temporal_and_database(api: httpx.AsyncClient) -> None:
    response = await api.get("/healthz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "temporal": "ok", "database": "ok"}


async def test_an_unknown_setup_link_is_a_friendly_404_page(api: httpx.AsyncClient) -> None:
    response = await api.get("/setup/not-a-real-token-0123456789")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "This link no longer works" in response.text
    assert "Ask your Cisco account representative to resend the Set Up Now e-mail." in response.text
    assert "Traceback" not in response.text


async def test_openapi_documents_the_partner_order_endpoints_and_their_errors(api: httpx.AsyncClient) -> None:
    response = await api.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    paths = spec["paths"]
    for path in (
        ORDERS,
        f"{ORDERS}/{{order_id}}",
        f"{ORDERS}/{{order_id}}/resend",
        f"{ORDERS}/{{order_id}}/send-now",
        f"{ORDERS}/{{order_id}}/contact",
    ):
        assert path in paths, path
    intake = paths[ORDERS]["post"]["responses"]
    assert {"200", "201", "404", "409", "422"} <= set(intake)
    for path, method in ((f"{ORDERS}/{{order_id}}/resend", "post"), (f"{ORDERS}/{{order_id}}", "get")):
        responses = paths[path][method]["responses"]
        assert {"404", "409", "422"} <= set(responses), path
        schema = json.dumps(responses["422"]["content"]["application/json"]["schema"])
        assert "ErrorBody" in schema, path  # our error body, not FastAPI's default HTTPValidationError
    assert "/setup/{token}" not in paths

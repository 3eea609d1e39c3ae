"""The actor comes from the credential, in the timeline and in the audit trail, never from a free-text field; and
a machine client cannot bring its own timers or limits."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.partner_order import PartnerOrderInput, PartnerOrderPolicy
from starter.services.callers import Scope
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory, audit
from tests.support import bearer, make_converter, operator_key, order


async def _trail(sessions: SessionFactory, target: str) -> list[tuple[str, str, str]]:
    async with sessions() as session:
        rows = await audit.listing(session, target=target)
    return [(row.actor, row.action, row.outcome) for row in reversed(rows)]


async def test_every_change_is_audited_with_the_credentials_actor_and_no_token(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    sessions = workflow_db[1]
    intake = await operator_key(sessions, "ccw", [Scope.INTAKE])
    ops = await operator_key(sessions, "night-shift", [Scope.READ, Scope.ACT])
    start = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date() + timedelta(days=9)
    o = order(start, order_id="AUD-1001")
    app = create_app(settings, client=client, sessions=sessions)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        created = await http.post("/api/partner-orders", json=o.model_dump(mode="json"), headers=bearer(intake))
        assert created.status_code in (200, 201), created.text
        early = await http.post(
            "/api/partner-orders/AUD-1001/resend", json={"operator": "mallory"}, headers=bearer(ops)
        )
        sent = await http.post(
            "/api/partner-orders/AUD-1001/send-now", json={"operator": "mallory"}, headers=bearer(ops)
        )
        denied = await http.post("/api/partner-orders/AUD-1001/send-now", headers=bearer(intake))
        read = await http.get("/api/partner-orders/AUD-1001", headers=bearer(ops))
    assert (early.status_code, sent.status_code, denied.status_code) == (409, 200, 403)

    assert await _trail(sessions, "AUD-1001") == [
        ("api-key:ccw", "POST /api/partner-orders", "201"),
        ("api-key:night-shift", "POST /api/partner-orders/{order_id}/resend", "409"),
        ("api-key:night-shift", "POST /api/partner-orders/{order_id}/send-now", "200"),
        ("api-key:ccw", "POST /api/partner-orders/{order_id}/send-now", "403"),
    ]  # a read is not an action: the GET left no row
    timeline = " ".join(entry["text"] for entry in read.json()["timeline"])
    assert "api-key:night-shift asked to send the Set Up Now e-mail now" in timeline and "mallory" not in timeline


async def test_a_link_step_is_audited_for_its_order_without_the_token(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    sessions = workflow_db[1]
    app = create_app(settings, client=client, sessions=sessions)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        gone = await http.post("/api/setup/not-a-real-token-123/session")
    assert gone.status_code == 404
    async with sessions() as session:
        rows = await audit.listing(session, limit=5)
    [row] = [row for row in rows if row.action == "POST /api/setup/{token}/session"][:1]
    assert (row.actor, row.target, row.outcome) == ("anonymous", None, "404")
    assert all("not-a-real-token" not in f"{r.action} {r.target}" for r in rows)


async def test_a_machine_clients_intake_cannot_bring_its_own_timers(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    intake = await operator_key(workflow_db[1], "ccw", [Scope.INTAKE])
    start = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date() + timedelta(days=9)
    body = order(start, order_id="AUD-POLICY-1").model_dump(mode="json")
    body["policy"] = {"close_after_days_other": 365, "escalate_after_days": 60, "wizard_idle_minutes": 600}
    app = create_app(settings, client=client, sessions=workflow_db[1])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        created = await http.post("/api/partner-orders", json=body, headers=bearer(intake))
    assert created.status_code == 201, created.text

    history = await client.get_workflow_handle(created.json()["workflow_id"]).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    [stored] = await make_converter().decode(started.input.payloads, [PartnerOrderInput])
    defaults = PartnerOrderPolicy()
    assert stored.policy.escalate_after_days == defaults.escalate_after_days
    assert stored.policy.close_after_days_other == defaults.close_after_days_other  # the links live as long as ever
    assert stored.policy.wizard_idle_minutes == settings.wizard_idle_minutes

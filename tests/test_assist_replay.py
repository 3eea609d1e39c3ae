"""Recording AssistBookingWorkflow's histories for the replay test (tests/test_replay.py replays every file in
tests/histories/ against today's code).

Record with `ONRAMP_RECORD_HISTORIES=1 uv run pytest tests/test_assist_replay.py` after a change that is behind
`workflow.patched`, with RECORDING bumped (keep the older files: they are what running workflows look like).
"""

from __future__ import annotations

import os
from datetime import time, timedelta

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.assist import AssistBookingState, AssistStatus, Coordinator, assist_workflow_id
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory, assist_sites
from tests.admin_support import mails_to
from tests.assist_support import availability, book, new_site, proof, schedule, session_at
from tests.support import save_history, with_csrf

RECORDING = "v6"  # v6: the baseline patch, local saves and holds (issue 17); v5: the console's search attributes (issue 16); v4: the site's terms, the planning call (issue 15)

pytestmark = pytest.mark.skipif(
    not os.environ.get("ONRAMP_RECORD_HISTORIES"), reason="set ONRAMP_RECORD_HISTORIES=1 to record"
)


async def test_record_assist_histories(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    sessions = workflow_db[1]
    app = create_app(settings, client=client, sessions=sessions)
    site = await new_site(sessions)
    async with sessions.begin() as session:
        await assist_sites.set_coordinator(
            session, site, Coordinator(name="Ya-ting Wang", email="scheduling@assist.example", phone="+886 2 2723 0000")
        )
    now = await ts_env.get_current_time()
    when = session_at(now, 20, at=time(10, 0))
    await schedule(
        sessions, site, when, host_id="mei", host_email="mei@customer.example", registrations=80, attendees=61
    )
    async with with_csrf(httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")) as http:
        # The whole life: looked up on the site, confirmed, moved, reminded, producer called in, reported, complete.
        body = availability(site, when) | {"add_ons": ["extra_rehearsal"]}
        answer = await book(
            http, body, lookup={"scheduled": "by_me", "host_id": "mei", "host_email": "mei@customer.example"}
        )
        number = answer["state"]["reservation_no"]
        for kind in ("planning_call", "extra_rehearsal"):  # held, then the rehearsal released by the add-ons change
            offers = await http.get(f"/api/assist/bookings/{number}/preparations", headers=proof(body))
            [first, *_] = next(o for o in offers.json() if o["kind"] == kind)["offers"]
            picked = {"contact_email": body["customer"]["email"], "kind": kind} | {
                "date": first["date"],
                "time": first["time"],
            }
            held = await http.post(f"/api/assist/bookings/{number}/preparations", json=picked, headers=proof(body))
            assert held.status_code == 200, held.text
        moved = await http.post(
            f"/api/assist/bookings/{number}/reschedule",
            json={
                "contact_email": body["customer"]["email"],
                "date": when.date.isoformat(),
                "time": "11:00",
                "site_schedule": "update_for_me",
            },
            headers=proof(body),
        )
        assert moved.status_code == 200 and moved.json()["confirmed"], moved.text
        changed = await http.post(
            f"/api/assist/bookings/{number}/add-ons",
            json={"contact_email": body["customer"]["email"], "add_ons": ["extra_recording_editing"]},
            headers=proof(body),
        )
        assert changed.status_code == 200 and changed.json()["total_fee"] == "800.00", changed.text
        ends = when.moved_to(when.date, time(11, 0)).ends_at
        await ts_env.sleep(ends - await ts_env.get_current_time() + timedelta(minutes=5))
        await mails_to(mail_sink, body["customer"]["email"], subject="Post-event report")
        final = await client.get_workflow_handle(assist_workflow_id(number), result_type=AssistBookingState).result()
        assert final.status is AssistStatus.COMPLETED
        await save_history(
            client, assist_workflow_id(number), f"AssistBookingWorkflow.{RECORDING}-moved-reported-completed"
        )

        # Cancelled inside the free period's end, by someone else's order, with a draft that was left alone.
        later = session_at(await ts_env.get_current_time(), 15)
        other = availability(site, later, package="mc_premium")
        number = (await book(http, other))["state"]["reservation_no"]
        await ts_env.sleep(timedelta(days=10))
        cancelled = await http.post(
            f"/api/assist/bookings/{number}/cancel",
            json={"contact_email": other["customer"]["email"]},
            headers=proof(other),
        )
        assert cancelled.status_code == 200 and cancelled.json()["cancellation_fee"] == "150.00", cancelled.text
        assert [charge["amount"] for charge in cancelled.json()["charges"]] == ["150.00"]
        await client.get_workflow_handle(assist_workflow_id(number)).result()
        await save_history(client, assist_workflow_id(number), f"AssistBookingWorkflow.{RECORDING}-cancelled-with-fee")

        draft = await http.post(
            "/api/assist/bookings", json=availability(site, session_at(await ts_env.get_current_time(), 30))
        )
        assert draft.status_code == 201, draft.text
        handle = client.get_workflow_handle(
            assist_workflow_id(draft.json()["reservation_no"]), result_type=AssistBookingState
        )
        await ts_env.sleep(timedelta(hours=3))
        assert (await handle.result()).status is AssistStatus.ABANDONED
        await save_history(client, handle.id, f"AssistBookingWorkflow.{RECORDING}-draft-abandoned")

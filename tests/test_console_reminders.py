"""The console's organizer queue on the time-skipping server (the reminder comes three days after the invitation,
so time is skipped; the server answers no visibility query, so the test reads what the workflow published, in its
history): an organizer is "reminded" once the reminder has gone out and not before, which is what the queue's
query asks, and the console's page for the account shows the reminder. The module's own time-skipping server and
fixtures are tests/test_organizers.py's."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.converter import decode_typed_search_attributes
from temporalio.testing import WorkflowEnvironment

from models import search_attributes as sa
from starter.mail_sink import MailSink
from starter.services.callers import Scope
from starter.services.console_queues import QUERIES, Queue
from store import SessionFactory
from tests.admin_support import PortalAccount, browser, mails_to
from tests.support import operator_key
from tests.test_console_pages import sign_in
from tests.test_organizers import (  # noqa: F401  (the module's own server and its fixtures)
    _organizer_ids,
    account,
    admin,
    app,
    client,
    organizer,
    settings,
    ts_env,
    worker,
    workflow_of,
)


async def reminded(temporal: Client, workflow_id: str) -> bool | None:
    """The last OnrampReminded the workflow published (None: never)."""
    found = None
    async for event in temporal.get_workflow_handle(workflow_id).fetch_history_events():
        if event.HasField("upsert_workflow_search_attributes_event_attributes"):
            published = event.upsert_workflow_search_attributes_event_attributes.search_attributes
            value = decode_typed_search_attributes(published).get(sa.REMINDED)
            found = value if value is not None else found
    return found


async def test_an_organizer_is_in_the_reminded_queue_once_the_reminder_went_out(
    admin: httpx.AsyncClient,  # noqa: F811
    account: PortalAccount,  # noqa: F811
    client: Client,  # noqa: F811
    ts_env: WorkflowEnvironment,  # noqa: F811
    app: FastAPI,  # noqa: F811
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    ada = organizer(edition="Enterprise")
    created = await admin.post("/api/admin/organizers", json=ada)
    assert created.status_code == 201, created.text
    await mails_to(mail_sink, ada["email"])
    handle = await workflow_of(client, account, ada["email"])
    assert await reminded(client, handle.id) is False  # invited: not in the queue

    await ts_env.sleep(timedelta(days=3, minutes=1))
    await mails_to(mail_sink, ada["email"], subject="Reminder")
    assert await reminded(client, handle.id) is True
    assert f"{sa.REMINDED.name} = true" in QUERIES[Queue.ORGANIZERS](await ts_env.get_current_time())

    async with browser(app) as http:
        await sign_in(http, await operator_key(workflow_db[1], "day-shift", [Scope.READ]))
        page = await http.get(f"/console/orders/{handle.id}")
        assert page.status_code == 200, page.text
        assert "Organizer account" in page.text and "Status: invited" in page.text
        assert "reminder sent" in page.text and ada["email"] not in handle.id

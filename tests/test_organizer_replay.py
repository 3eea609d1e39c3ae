"""Recording OrganizerAccountWorkflow's histories for the replay test (tests/test_replay.py replays every file in
tests/histories/ against today's code).

Record with `ONRAMP_RECORD_HISTORIES=1 uv run pytest tests/test_organizer_replay.py` after a change that is behind
`workflow.patched`, with RECORDING bumped (keep the older files: they are what running workflows look like).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import update
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from models.accounts import Edition, Product
from models.organizer import CreateOrganizer, OrganizerAccountInput, OrganizerStatus
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory, organizer_ids
from store.tables import AccountSubscription
from tests.admin_support import activation_path, browser, mails_to, new_account, ready_admin, uid
from tests.support import save_history
from workflows.organizer_account import OrganizerAccountWorkflow

RECORDING = "v3"  # v3: the baseline patch (issue 17); v2: the console's search attribute OnrampReminded (issue 16)

pytestmark = pytest.mark.skipif(
    not os.environ.get("ONRAMP_RECORD_HISTORIES"), reason="set ONRAMP_RECORD_HISTORIES=1 to record"
)


async def test_record_organizer_histories(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    account = await new_account(workflow_db[1], settings, seats={(Product.GOTO_MEETING, Edition.STANDARD): 1})
    app = create_app(settings, client=client, sessions=workflow_db[1])
    ada, bob = f"ada-{uid()}@yitong.example", f"bob-{uid()}@yitong.example"
    async with browser(app) as http:
        await ready_admin(http, account)
        # The whole life: created, re-invited, reminded after three days, activated, removed.
        body = {"last_name": "Lovelace", "first_name": "Ada", "email": ada, "edition": "Standard"}
        assert (await http.post("/api/admin/organizers", json=body)).status_code == 201
        assert (await http.post(f"/api/admin/organizers/{ada}/reinvite")).status_code == 200
        await mails_to(mail_sink, ada, count=2)
        await ts_env.sleep(timedelta(days=3, minutes=1))
        [reminder] = await mails_to(mail_sink, ada, subject="Reminder")
        assert (await http.post(activation_path(reminder))).status_code == 200
        assert (await http.delete(f"/api/admin/organizers/{ada}")).status_code == 200
    workflow_id = await organizer_ids.find(workflow_db[1], account.account_no, ada)
    assert workflow_id is not None and ada not in workflow_id  # no e-mail in the id
    handle = client.get_workflow_handle_for(OrganizerAccountWorkflow.run, workflow_id)
    assert (await handle.result()).status is OrganizerStatus.REMOVED
    await save_history(client, handle.id, f"OrganizerAccountWorkflow.{RECORDING}-invited-reminded-activated-removed")

    # Refused by the activity: no license left (started directly, past the portal's early look).
    request = OrganizerAccountInput(account_no=account.account_no, email=bob)
    refused = await client.start_workflow(
        OrganizerAccountWorkflow.run,
        request,
        id=f"organizer-{account.account_no}-{uid()}",
        task_queue=settings.task_queue,
    )
    await _take_the_last_license(workflow_db[1], account.account_no)
    step = CreateOrganizer(last_name="Chen", first_name="Bob", product=Product.GOTO_MEETING, edition=Edition.STANDARD)
    with pytest.raises(WorkflowUpdateFailedError):
        await refused.execute_update(OrganizerAccountWorkflow.create, step)
    assert (await refused.result()).status is OrganizerStatus.REFUSED
    await save_history(client, refused.id, f"OrganizerAccountWorkflow.{RECORDING}-refused-no-license")


async def _take_the_last_license(sessions: SessionFactory, account_no: str) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(AccountSubscription)
            .where(AccountSubscription.account_no == account_no)
            .values(used=AccountSubscription.seats)
        )

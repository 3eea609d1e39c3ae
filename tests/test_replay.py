"""Saved histories replay against today's workflow code: a change that would break running workflows fails here.

Record new histories with `ONRAMP_RECORD_HISTORIES=1 uv run pytest tests/test_replay.py -k record` after a change
that is behind `workflow.patched`, with RECORDING bumped (keep the old files: they are what running workflows look
like, and they must keep replaying).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import Client, WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from models.partner_order import ChangeProvisioningContact, ResendSetUpMail, SendSetUpMailNow
from starter import partner_orders
from starter.mail_sink import MailSink
from starter.settings import Settings
from tests.support import eventually, make_converter, order
from workflows import ALL_WORKFLOWS, workflow_runner

HISTORIES = Path(__file__).parent / "histories"
# Bump when recording after a patched change; keep the older files: they are what running workflows look like.
RECORDING = "v2"


def _saved() -> list[Path]:
    return sorted(HISTORIES.glob("*.json"))


def test_there_are_saved_histories_of_every_workflow() -> None:
    kinds = {path.name.split(".")[0] for path in _saved()}
    assert {workflow.__name__ for workflow in ALL_WORKFLOWS} <= kinds


@pytest.mark.parametrize("path", _saved(), ids=lambda path: path.name)
async def test_saved_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=make_converter(), workflow_runner=workflow_runner())
    await replayer.replay_workflow(history)


@pytest.mark.skipif(not os.environ.get("ONRAMP_RECORD_HISTORIES"), reason="set ONRAMP_RECORD_HISTORIES=1 to record")
async def test_record_partner_order_histories(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()

    # 1. Left alone: Set Up Now on the start date, escalation, closure.
    alone = await partner_orders.start(client, settings, order(today + timedelta(days=2), offer="A-FLEX"))
    await alone.handle.result()
    await _save(client, alone.workflow_id, f"PartnerOrderWorkflow.{RECORDING}-closed-unattended")

    # 2. Operators at work: send now, resend, contact change, then closure.
    o = order(today + timedelta(days=5), offer="A-WX")
    busy = await partner_orders.start(client, settings, o)
    await partner_orders.send_now(client, o.order_id, SendSetUpMailNow(operator="ana"))
    await eventually(lambda: _sent(mail_sink, o.provisioning_contact_email), what="set up now mail")
    await partner_orders.resend(client, o.order_id, ResendSetUpMail(operator="ana", reason="lost it"))
    await partner_orders.change_contact(client, o.order_id, ChangeProvisioningContact(new_email="maja@p.example"))
    await busy.handle.result()
    await _save(client, busy.workflow_id, f"PartnerOrderWorkflow.{RECORDING}-operator-steps")


async def _sent(sink: MailSink, to: str) -> bool:
    return bool(sink.to(to))


async def _save(client: Client, workflow_id: str, name: str) -> None:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / f"{name}.json").write_text(history.to_json())

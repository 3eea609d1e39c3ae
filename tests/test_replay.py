"""Saved histories replay against today's workflow code: a change that would break running workflows fails here.

Record new histories with `ONRAMP_RECORD_HISTORIES=1 uv run pytest tests/test_replay.py -k record` after a change
that is behind `workflow.patched`, with RECORDING bumped (keep the old files: they are what running workflows look
like, and they must keep replaying).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from temporalio.client import Client, WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import (
    Interceptor,
    Replayer,
    StartActivityInput,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)
from temporalio.workflow import ActivityHandle

from models.partner_order import ChangeProvisioningContact, ResendSetUpMail, SendSetUpMailNow
from models.seat_order_activities import CHARGE_ACTIVITY, CHECK_CARD_ACTIVITY, ChargeRequest, CheckCard
from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.settings import Settings
from store import SessionFactory
from tests.support import HISTORIES, eventually, make_converter, order, save_history
from tests.test_org_join import asked_to_join, join_path
from tests.wizard_support import CALLING, NEW_CUSTOMER, NEW_PARTNER, Wizard, mail_to, order_awaiting_setup, token_of
from workflows.registry import ALL_WORKFLOWS, workflow_runner

# Bump when recording after a patched change; keep the older files: they are what running workflows look like.
RECORDING = "v9"  # v9: the baseline patch, local saves and reads (issue 17)
PARTNER_ORDER_RECORDING = (
    "v12"  # the partner order's own count (v12: the baseline patch, local saves; v11: the console's search attributes)
)


def _saved() -> list[Path]:
    return sorted(HISTORIES.glob("*.json"))


def test_there_are_saved_histories_of_every_workflow() -> None:
    kinds = {path.name.split(".")[0] for path in _saved()}
    assert {workflow.__name__ for workflow in ALL_WORKFLOWS} <= kinds


@pytest.mark.parametrize("path", _saved(), ids=lambda path: path.name)
async def test_saved_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(
        workflows=ALL_WORKFLOWS, data_converter=make_converter(), workflow_runner=workflow_runner(strict=True)
    )
    await replayer.replay_workflow(history)


STARTED: list[tuple[str, Sequence[Any]]] = []
"""The activities a replayed workflow scheduled, with their arguments (``_Scheduled``)."""


class _Scheduled(Interceptor):
    """Records each activity a workflow schedules: replay checks the activity's type, not what it is sent."""

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor] | None:
        return _Inbound


class _Inbound(WorkflowInboundInterceptor):
    def init(self, outbound: WorkflowOutboundInterceptor) -> None:
        super().init(_Outbound(outbound))


class _Outbound(WorkflowOutboundInterceptor):
    def start_activity(self, input: StartActivityInput) -> ActivityHandle[Any]:
        STARTED.append((input.activity, input.args))
        return super().start_activity(input)


@pytest.mark.parametrize(("recording", "by_token"), [("v5", True), ("v7", False)])
async def test_a_seat_order_is_charged_by_the_card_its_payment_named(recording: str, by_token: bool) -> None:
    """An order paid before card references (v5) still sends its token to the gateway, as its history did; one
    paid since (v7) sends the card's reference, and no token, in the payment and in the charge."""
    path = HISTORIES / f"SeatOrderWorkflow.{recording}-reviewed-escalated-completed.json"
    replayer = Replayer(
        workflows=ALL_WORKFLOWS,
        data_converter=make_converter(),
        workflow_runner=workflow_runner(strict=True),
        interceptors=[_Scheduled()],
    )
    STARTED.clear()
    await replayer.replay_workflow(WorkflowHistory.from_json(path.stem, path.read_text()))

    [check] = [args[0] for name, args in STARTED if name == CHECK_CARD_ACTIVITY]
    [charge] = [args[0] for name, args in STARTED if name == CHARGE_ACTIVITY]
    assert isinstance(check, CheckCard) and isinstance(charge, ChargeRequest)
    if by_token:
        assert check.card is None and check.token is not None and check.token.startswith("tok_")
        assert (charge.card, charge.card_token) == (None, check.token)
    else:
        assert check.card is not None and check.token is None
        assert (charge.card, charge.card_token) == (check.card, None)


@pytest.mark.skipif(not os.environ.get("ONRAMP_RECORD_HISTORIES"), reason="set ONRAMP_RECORD_HISTORIES=1 to record")
async def test_record_partner_order_histories(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()

    # 1. Left alone: Set Up Now on the start date, escalation, closure.
    alone = await partner_orders.start(client, settings, order(today + timedelta(days=2), offer="A-FLEX"))
    await alone.handle.result()
    await save_history(client, alone.workflow_id, f"PartnerOrderWorkflow.{PARTNER_ORDER_RECORDING}-closed-unattended")

    # 2. Operators at work: send now, resend, contact change, then closure (dated from the clock after the first).
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    o = order(today + timedelta(days=5), offer="A-WX")
    busy = await partner_orders.start(client, settings, o)
    await partner_orders.send_now(client, o.order_id, SendSetUpMailNow(operator="ana"))
    await eventually(lambda: _sent(mail_sink, o.provisioning_contact_email), what="set up now mail")
    await partner_orders.resend(client, o.order_id, ResendSetUpMail(operator="ana", reason="lost it"))
    await partner_orders.change_contact(client, o.order_id, ChangeProvisioningContact(new_email="maja@p.example"))
    await busy.handle.result()
    await save_history(client, busy.workflow_id, f"PartnerOrderWorkflow.{PARTNER_ORDER_RECORDING}-operator-steps")


@pytest.mark.skipif(not os.environ.get("ONRAMP_RECORD_HISTORIES"), reason="set ONRAMP_RECORD_HISTORIES=1 to record")
async def test_record_wizard_histories(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    http: httpx.AsyncClient,
) -> None:
    # The whole partner path to provisioned, with a Back, a refusal and a second tab on the way.
    o, token = await order_awaiting_setup(
        client, ts_env, settings, mail_sink, purchased_services=["meetings", "calling"]
    )
    first = Wizard(http, token)
    await first.open()
    w = Wizard(http, token)
    await w.open()
    await first.refused("role", 409, role="partner")
    await w.ok("role", role="partner")
    await w.ok("setup-by", who="me")
    await w.ok("partner-org", decision="create", details=NEW_PARTNER | {"name": f"Replay Partner {o.order_id}"})
    await w.refused("customer-admin", 422, email=o.provisioning_contact_email)
    await w.ok("customer-admin", email=f"admin@{o.order_id.lower()}.example")
    await w.ok("role", role="partner")  # Back to the start
    await w.ok("setup-by", who="me")
    await w.ok("partner-org", decision="create", details=NEW_PARTNER | {"name": f"Replay Partner {o.order_id}"})
    await w.ok("customer-admin", email=f"admin@{o.order_id.lower()}.example")
    await w.ok("customer-org", decision="create", details=NEW_CUSTOMER)
    await w.ok("submit", confirm=True)
    await w.ok("password", password="replay-pass-1", password_confirmation="replay-pass-1")
    await w.ok("subscription")
    await w.ok("calling", **CALLING)
    await w.ok("meetings", time_zone="Europe/Ljubljana")
    await w.ok("company", subdomain=f"replay-{o.order_id.lower()}")
    await w.ok("provision")
    await save_history(client, o.workflow_id, f"PartnerOrderWorkflow.{PARTNER_ORDER_RECORDING}-wizard-provisioned")

    # Handed to the customer, who leaves once, then the session expires idle.
    o2, token2 = await order_awaiting_setup(client, ts_env, settings, mail_sink)
    p = Wizard(http, token2)
    await p.open()
    await p.ok("role", role="partner")
    await p.ok("setup-by", who="customer", email=f"boss@{o2.order_id.lower()}.example")
    [mail] = await mail_to(mail_sink, f"boss@{o2.order_id.lower()}.example")
    c = Wizard(http, token_of(mail))
    await c.open()
    await c.ok("role", role="customer")
    await c.ok("leave")
    await c.open()
    await ts_env.sleep(timedelta(minutes=31))
    await eventually(lambda: _session_gone(client, o2.order_id), what="the idle session to expire")
    await c.open()
    await c.ok("role", role="customer")
    await c.ok("customer-org", decision="create", details=NEW_CUSTOMER | {"name": f"Replay Customer {o2.order_id}"})
    await c.ok("submit", confirm=True)
    await save_history(client, o2.workflow_id, f"PartnerOrderWorkflow.{PARTNER_ORDER_RECORDING}-wizard-customer-set-up")

    # Not recognised: halted.
    o3, token3 = await order_awaiting_setup(client, ts_env, settings, mail_sink)
    h = Wizard(http, token3)
    await h.open()
    await h.ok("role", role="partner")
    await h.ok("setup-by", who="me")
    await h.ok("partner-org", decision="create", details=NEW_PARTNER | {"name": f"Halt Partner {o3.order_id}"})
    await h.ok("customer-admin", email=f"x@{o3.order_id.lower()}.example")
    await h.ok("customer-org", decision="create", details=NEW_CUSTOMER)
    await h.ok("role", role="partner")
    await h.ok("setup-by", who="colleague", email=f"colleague@{o3.order_id.lower()}.example")
    await mail_to(mail_sink, f"colleague@{o3.order_id.lower()}.example")
    await save_history(
        client, o3.workflow_id, f"PartnerOrderWorkflow.{PARTNER_ORDER_RECORDING}-wizard-handed-to-colleague"
    )


@pytest.mark.skipif(not os.environ.get("ONRAMP_RECORD_HISTORIES"), reason="set ONRAMP_RECORD_HISTORIES=1 to record")
async def test_record_hand_off_histories(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    http: httpx.AsyncClient,
) -> None:
    """An alias's reader who continues as themselves; an order left to the customer, resent to them, provisioned."""
    o, token = await order_awaiting_setup(client, ts_env, settings, mail_sink)
    await Wizard(http, token).open()
    me = f"me@{o.order_id.lower()}.example"
    assert (await http.post(f"/api/setup/{token}/own-address", json={"email": me})).status_code == 200
    [mail] = await mail_to(mail_sink, me)
    w = Wizard(http, token_of(mail))
    await w.open()
    await w.ok("role", role="partner")
    await save_history(client, o.workflow_id, f"PartnerOrderWorkflow.{PARTNER_ORDER_RECORDING}-alias-continued")

    o2, token2 = await order_awaiting_setup(client, ts_env, settings, mail_sink, purchased_services=["meetings"])
    p = Wizard(http, token2)
    await p.open()
    await p.ok("role", role="partner")
    boss = f"boss@{o2.order_id.lower()}.example"
    await p.ok("setup-by", who="customer", email=boss)
    await partner_orders.resend(client, o2.order_id, ResendSetUpMail(operator="ana", reason="lost it"))
    resent = await mail_to(mail_sink, boss, 2)
    c = Wizard(http, token_of(resent[-1]))
    await c.open()
    await c.ok("role", role="customer")
    await c.ok("customer-org", decision="create", details=NEW_CUSTOMER | {"name": f"Hand-off Customer {o2.order_id}"})
    await c.ok("submit", confirm=True)
    await c.ok("subscription")
    await c.ok("meetings", time_zone="Europe/Ljubljana")
    await c.ok("company", subdomain=f"handoff-{o2.order_id.lower()}")
    await c.ok("provision")
    await mail_to(mail_sink, o2.provisioning_contact_email, 2)  # the partner's provisioned mail
    await save_history(client, o2.workflow_id, f"PartnerOrderWorkflow.{PARTNER_ORDER_RECORDING}-customer-provisioned")


@pytest.mark.skipif(not os.environ.get("ONRAMP_RECORD_HISTORIES"), reason="set ONRAMP_RECORD_HISTORIES=1 to record")
async def test_record_seat_order_histories(
    client: Client, ts_env: WorkflowEnvironment, mail_sink: MailSink, http: httpx.AsyncClient
) -> None:
    from tests.seat_support import add_card, new_account, start, step, up_to_service_order

    account_no = await new_account(http, (await ts_env.get_current_time()).date())
    card = await add_card(http, account_no)
    first = (await start(http, account_no))["order_no"]
    await step(http, first, "quantities", lines=[{"product": "GoTo Webinar", "edition": "Standard", "new_seats": 1}])
    await step(http, first, "review")
    second = (await start(http, account_no))["order_no"]
    await up_to_service_order(http, second, card, seats=500)
    await step(http, second, "place")
    await eventually(lambda: _seat_status(http, second, "awaiting_review"), what="the review")
    await ts_env.sleep(timedelta(hours=25))
    await eventually(lambda: _seat_escalated(http, second), what="the escalation")
    await step(http, second, "approve", operator="cas")
    await eventually(lambda: _seat_status(http, second, "completed"), what="completion")
    await save_history(client, f"seat-order-{first}", f"SeatOrderWorkflow.{RECORDING}-superseded")
    await save_history(client, f"seat-order-{second}", f"SeatOrderWorkflow.{RECORDING}-reviewed-escalated-completed")


async def _seat_status(http: httpx.AsyncClient, order_no: str, status: str) -> bool:
    return bool((await http.get(f"/api/seat-orders/{order_no}")).json()["status"] == status)


async def _seat_escalated(http: httpx.AsyncClient, order_no: str) -> bool:
    return bool((await http.get(f"/api/seat-orders/{order_no}")).json()["escalated"])


async def _session_gone(client: Client, order_id: str) -> bool:
    return (await partner_orders.status(client, order_id)).wizard.session is None


async def _sent(sink: MailSink, to: str) -> bool:
    return bool(sink.to(to))


@pytest.mark.skipif(not os.environ.get("ONRAMP_RECORD_HISTORIES"), reason="set ONRAMP_RECORD_HISTORIES=1 to record")
async def test_record_org_join_histories(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    """An existing organization's administrator asked, reminded, and confirming; another refusing."""
    for decision, name in (("confirm", "org-join-reminded-confirmed"), ("refuse", "org-join-refused")):
        order_id, _, boss, _ = await asked_to_join(http, client, ts_env, settings, mail_sink, workflow_db[1])
        if decision == "confirm":
            await ts_env.sleep(timedelta(hours=25))
            await mail_to(mail_sink, boss, 2)
        [request, *_] = await mail_to(mail_sink, boss, 1)
        token = join_path(request).rsplit("/", 1)[1]
        assert (await http.post(f"/api/org-join/{token}", json={"decision": decision})).status_code == 200
        await save_history(
            client, f"partner-order-{order_id}", f"PartnerOrderWorkflow.{PARTNER_ORDER_RECORDING}-{name}"
        )

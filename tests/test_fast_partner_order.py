"""PartnerOrderWorkflow's own logic, fast: the real workflow on the time-skipping server with fake activities.

Proves what an operator sees in the status Query and what the workflow asks of its activities: send-now queues the
Set Up Now mail (with a setup link) before the start date; resend is refused until that mail went out; an order
left alone gets the Set Up Now mail on its start date, is escalated to the account representative a day later and
its A-FLEX order line closes after 7 days, with the order_closed mails to the contact and the representative.
No database, no SMTP: save_partner_order and send_mail are fakes that record their inputs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from temporalio import activity
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from models.mail import MailQueued, MailStatus
from models.partner_order import (
    SAVE_PARTNER_ORDER_ACTIVITY,
    PartnerOrderSnapshot,
    PartnerOrderState,
    PartnerOrderStatus,
    ResendSetUpMail,
    SendSetUpMailNow,
)
from tests.fast_support import CALLS, assert_refused, fake_worker, mails, send_mail, skip_to, until
from tests.support import order
from workflows.partner_order import PartnerOrderWorkflow

ZONE = "Europe/Ljubljana"


@activity.defn(name=SAVE_PARTNER_ORDER_ACTIVITY)
async def save_partner_order(snapshot: PartnerOrderSnapshot) -> None:
    CALLS.record(snapshot)


ACTIVITIES: list[Callable[..., Any]] = [save_partner_order, send_mail]


async def _today(env: WorkflowEnvironment) -> date:
    return (await env.get_current_time()).astimezone(ZoneInfo(ZONE)).date()


async def _status(handle: WorkflowHandle[PartnerOrderWorkflow, PartnerOrderState]) -> PartnerOrderState:
    return await handle.query(PartnerOrderWorkflow.status)


async def _waiting_for_the_start_date(
    handle: WorkflowHandle[PartnerOrderWorkflow, PartnerOrderState],
) -> PartnerOrderState:
    """Past the first save: the start-date timer is set (the status Query answers from the workflow's first task)."""
    return await until(handle, PartnerOrderWorkflow.status, lambda s: s.next_deadline is not None, "the first timer")


def _saved_statuses(workflow_id: str) -> list[PartnerOrderStatus]:
    return [snapshot.state.status for snapshot in CALLS.of(workflow_id, SAVE_PARTNER_ORDER_ACTIVITY)]


async def test_send_now_queues_the_set_up_now_mail_with_a_setup_link_before_the_start_date(
    ts_env: WorkflowEnvironment,
) -> None:
    o = order(await _today(ts_env) + timedelta(days=5), order_id=f"F-{uuid.uuid4().hex[:10]}")
    async with fake_worker(ts_env, [PartnerOrderWorkflow], ACTIVITIES) as run:
        handle = await run.start(PartnerOrderWorkflow.run, o, id=o.workflow_id)
        state = await _waiting_for_the_start_date(handle)
        assert state.status is PartnerOrderStatus.AWAITING_START_DATE
        assert state.next_deadline == state.starts_at
        assert state.next_deadline_kind == "start date"
        assert state.mails == []

        queued = await handle.execute_update(
            PartnerOrderWorkflow.send_now, SendSetUpMailNow(operator="ana", reason="customer is ready")
        )

        assert queued == MailQueued(purpose="set_up_now", sequence=1, to=o.provisioning_contact_email)
        state = await until(
            handle,
            PartnerOrderWorkflow.status,
            lambda s: s.status is PartnerOrderStatus.AWAITING_SETUP and s.mails[0].status is MailStatus.SENT,
            "the Set Up Now mail to be sent",
        )
        assert state.set_up_now_sent_at is not None
        assert state.set_up_now_sent_at < state.starts_at  # days before the start date
        texts = [entry.text for entry in state.timeline]
        assert "ana asked to send the Set Up Now e-mail now (customer is ready)" in texts
        assert "awaiting_setup: Set Up Now e-mail sent to the provisioning contact" in texts
        assert f"E-mail 'set_up_now #1' sent to {o.provisioning_contact_email}" in texts

        [request] = mails(o.workflow_id)
        assert (request.purpose, request.sequence, request.template) == ("set_up_now", 1, "set_up_now")
        assert request.recipient.email == o.provisioning_contact_email
        assert request.setup_link is not None, "the Set Up Now mail must ask the mail activity for a setup link"
        assert request.setup_link.order_id == o.order_id
        assert request.setup_link.contact_generation == 1
        assert request.setup_link.expires_at == state.closes_at
        assert request.context["customer_name"] == "Kranj Logistics"
        assert _saved_statuses(o.workflow_id) == [
            PartnerOrderStatus.AWAITING_START_DATE,
            PartnerOrderStatus.AWAITING_SETUP,
        ]

        # Sent once: a second send-now is refused, a resend now goes out as the second Set Up Now mail.
        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update(PartnerOrderWorkflow.send_now, SendSetUpMailNow(operator="ana"))
        assert_refused(
            caught,
            "OrderStateConflict",
            "The Set Up Now e-mail has already been sent; use resend to send it again.",
        )
        again = await handle.execute_update(PartnerOrderWorkflow.resend, ResendSetUpMail(operator="ana"))
        assert again == MailQueued(purpose="set_up_now", sequence=2, to=o.provisioning_contact_email)


async def test_resend_is_refused_before_the_set_up_now_mail_went_out(ts_env: WorkflowEnvironment) -> None:
    start = await _today(ts_env) + timedelta(days=4)
    o = order(start, order_id=f"F-{uuid.uuid4().hex[:10]}")
    async with fake_worker(ts_env, [PartnerOrderWorkflow], ACTIVITIES) as run:
        handle = await run.start(PartnerOrderWorkflow.run, o, id=o.workflow_id)

        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update(PartnerOrderWorkflow.resend, ResendSetUpMail(operator="ana", reason="lost"))

        assert_refused(
            caught,
            "OrderStateConflict",
            f"The Set Up Now e-mail has not been sent yet: it goes out on {start.isoformat()} ({ZONE}). "
            "Use send-now to send it earlier.",
        )
        state = await _status(handle)
        assert state.status is PartnerOrderStatus.AWAITING_START_DATE
        assert state.mails == []
        assert not any(entry.kind == "operator" for entry in state.timeline)  # a refused step leaves no trace
        assert mails(o.workflow_id) == []


async def test_unattended_a_flex_order_is_escalated_after_a_day_and_closed_after_seven(
    ts_env: WorkflowEnvironment,
) -> None:
    o = order(await _today(ts_env) + timedelta(days=2), offer="A-FLEX", order_id=f"F-{uuid.uuid4().hex[:10]}")
    minute = timedelta(minutes=1)
    async with fake_worker(ts_env, [PartnerOrderWorkflow], ACTIVITIES) as run:
        handle = await run.start(PartnerOrderWorkflow.run, o, id=o.workflow_id)
        state = await _waiting_for_the_start_date(handle)
        local = ZoneInfo(ZONE)
        assert state.starts_at.astimezone(local).date() == o.requested_start_date
        assert state.escalates_at.astimezone(local).date() == o.requested_start_date + timedelta(days=1)
        assert state.closes_at.astimezone(local).date() == o.requested_start_date + timedelta(days=7)

        # The start date: the Set Up Now mail goes out at local midnight, not a minute before.
        await skip_to(ts_env, state.starts_at - minute)
        assert (await _status(handle)).status is PartnerOrderStatus.AWAITING_START_DATE
        await skip_to(ts_env, state.starts_at + minute)
        state = await until(
            handle,
            PartnerOrderWorkflow.status,
            lambda s: s.status is PartnerOrderStatus.AWAITING_SETUP,
            "the start date",
        )
        assert [(m.purpose, m.to) for m in state.mails] == [("set_up_now", o.provisioning_contact_email)]
        assert state.next_deadline_kind == "escalation"

        # A day later, still not set up: the account representative is told.
        await skip_to(ts_env, state.escalates_at - minute)
        assert not (await _status(handle)).escalated
        await skip_to(ts_env, state.escalates_at + minute)
        state = await until(handle, PartnerOrderWorkflow.status, lambda s: s.escalated, "the escalation")
        assert state.status is PartnerOrderStatus.AWAITING_SETUP
        assert state.escalated_at is not None and state.escalated_at >= state.escalates_at
        assert ("escalation", o.account_representative_email) in [(m.purpose, m.to) for m in state.mails]
        assert "Not set up one day after the start date: escalated to the account representative" in [
            entry.text for entry in state.timeline if entry.kind == "escalation"
        ]
        assert state.next_deadline_kind == "order line closes"

        # Seven days after the start date (A-FLEX) the order line closes and the workflow ends.
        await skip_to(ts_env, state.closes_at - minute)
        assert (await _status(handle)).status is PartnerOrderStatus.AWAITING_SETUP
        final = await handle.result()  # skips the rest of the time

    assert final.status is PartnerOrderStatus.CLOSED
    assert final.finished_at is not None and final.finished_at >= final.closes_at
    assert "closed: Order line closed: not provisioned within 7 days of the start date" in [
        entry.text for entry in final.timeline
    ]
    assert [(m.purpose, m.sequence, m.to, m.status) for m in final.mails] == [
        ("set_up_now", 1, o.provisioning_contact_email, MailStatus.SENT),
        ("escalation", 1, o.account_representative_email, MailStatus.SENT),
        ("order_closed", 1, o.provisioning_contact_email, MailStatus.SENT),
        ("order_closed", 2, o.account_representative_email, MailStatus.SENT),
    ]
    assert sorted(m.template for m in mails(o.workflow_id)) == [  # the two closing mails go out side by side
        "escalation",
        "order_closed",
        "order_closed_representative",
        "set_up_now",
    ]
    assert _saved_statuses(o.workflow_id)[-1] is PartnerOrderStatus.CLOSED

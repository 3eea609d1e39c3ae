"""The partner order before the wizard, on the time-skipping server: start date, escalation, closure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.partner_order import PartnerOrderState, PartnerOrderStatus
from starter.mail_sink import MailSink, ReceivedMail
from starter.services import partner_orders
from starter.settings import Settings
from tests.support import eventually, order


async def _today(ts_env: WorkflowEnvironment, time_zone: str = "Europe/Ljubljana") -> date:
    """Today on the test server's clock, in the order's time zone (time skips across tests)."""
    return (await ts_env.get_current_time()).astimezone(ZoneInfo(time_zone)).date()


async def _state(client: Client, order_id: str) -> PartnerOrderState:
    return await partner_orders.status(client, order_id)


async def _mail(sink: MailSink, to: str, count: int = 1) -> list[ReceivedMail]:
    async def arrived() -> list[ReceivedMail] | None:
        mails = sink.to(to)
        return mails if len(mails) >= count else None

    return await eventually(arrived, what=f"{count} mail(s) to {to}")


async def test_set_up_now_mail_waits_for_the_start_date(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    today = await _today(ts_env)
    o = order(today + timedelta(days=3))
    started = await partner_orders.start(client, settings, o)
    assert started.state.status is PartnerOrderStatus.AWAITING_START_DATE

    before = started.state.starts_at - await ts_env.get_current_time() - timedelta(minutes=5)
    await ts_env.sleep(before)
    state = await _state(client, o.order_id)
    assert state.status is PartnerOrderStatus.AWAITING_START_DATE
    assert mail_sink.to(o.provisioning_contact_email) == []

    await ts_env.sleep(timedelta(minutes=10))
    [mail] = await _mail(mail_sink, o.provisioning_contact_email)
    assert mail.subject == f"Set up Webex for Kranj Logistics (order {o.order_id})"
    [link] = [link for link in mail.links if "/setup/" in link]
    assert link.startswith("http://onramp.test/setup/")
    state = await eventually(lambda: _awaiting_setup(client, o.order_id), what="status awaiting_setup")
    assert state.set_up_now_sent_at is not None
    assert state.set_up_now_sent_at >= state.starts_at


async def _awaiting_setup(client: Client, order_id: str) -> PartnerOrderState | None:
    state = await _state(client, order_id)
    return state if state.status is PartnerOrderStatus.AWAITING_SETUP else None


async def _until(ts_env: WorkflowEnvironment, moment: datetime, offset: timedelta) -> None:
    """Skip time to ``moment + offset`` on the time-skipping server."""
    await ts_env.sleep(moment + offset - await ts_env.get_current_time())


async def _status_becomes(client: Client, order_id: str, status: PartnerOrderStatus) -> PartnerOrderState:
    async def probe() -> PartnerOrderState | None:
        state = await _state(client, order_id)
        return state if state.status is status else None

    return await eventually(probe, what=f"status {status.value}")


async def test_escalation_exactly_one_day_after_the_start_date(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    today = await _today(ts_env)
    o = order(today + timedelta(days=2))
    started = await partner_orders.start(client, settings, o)
    assert started.state.escalates_at == started.state.starts_at + timedelta(days=1)

    await _until(ts_env, started.state.escalates_at, -timedelta(minutes=1))
    await _status_becomes(client, o.order_id, PartnerOrderStatus.AWAITING_SETUP)
    state = await _state(client, o.order_id)
    assert not state.escalated
    assert mail_sink.to(o.account_representative_email) == []

    await _until(ts_env, started.state.escalates_at, timedelta(minutes=1))
    [mail] = await _mail(mail_sink, o.account_representative_email)
    assert mail.subject == f"Escalation: order {o.order_id} for Kranj Logistics is not set up"
    assert o.provisioning_contact_email in mail.text

    async def escalated() -> PartnerOrderState | None:
        state = await _state(client, o.order_id)
        return state if state.escalated else None

    state = await escalated() or await eventually(escalated, what="escalated state")
    assert state.status is PartnerOrderStatus.AWAITING_SETUP  # escalation does not end the wait
    assert state.escalated_at is not None and state.escalated_at >= state.escalates_at
    assert state.next_deadline == state.closes_at


@pytest.mark.parametrize(("offer", "days"), [("A-FLEX", 7), ("A-WX", 30)])
async def test_order_line_closes_when_not_provisioned(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink, offer: str, days: int
) -> None:
    today = await _today(ts_env)
    o = order(today + timedelta(days=1), offer=offer)
    started = await partner_orders.start(client, settings, o)
    assert started.state.closes_at == started.state.starts_at + timedelta(days=days)

    await _until(ts_env, started.state.closes_at, -timedelta(minutes=1))
    await _status_becomes(client, o.order_id, PartnerOrderStatus.AWAITING_SETUP)
    assert (await _state(client, o.order_id)).escalated

    final = await started.handle.result()  # the test server skips time while the test awaits the result
    assert final.status is PartnerOrderStatus.CLOSED
    assert final.finished_at is not None and final.finished_at >= final.closes_at
    [closed] = [m for m in mail_sink.to(o.provisioning_contact_email) if "closed" in m.subject]
    assert closed.subject == f"Order {o.order_id} for Kranj Logistics has been closed"
    assert f"within {days} days" in closed.text
    [rep] = [m for m in mail_sink.to(o.account_representative_email) if m.subject.startswith("Closed:")]
    assert o.provisioning_contact_email in rep.text


async def test_a_start_date_in_another_time_zone_starts_at_its_local_midnight(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings
) -> None:
    today = await _today(ts_env)
    o = order(today + timedelta(days=5), time_zone="America/Los_Angeles")
    started = await partner_orders.start(client, settings, o)
    local = started.state.starts_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (local.date(), local.hour, local.minute) == (o.requested_start_date, 0, 0)

"""The partner order before the wizard, on the time-skipping server: start date, escalation, closure."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.partner_order import PartnerOrderState, PartnerOrderStatus
from starter import partner_orders
from starter.mail_sink import MailSink, ReceivedMail
from starter.settings import Settings
from tests.support import eventually, order


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
    today = (await ts_env.get_current_time()).date()
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
    state = await eventually(
        lambda: _awaiting_setup(client, o.order_id), what="status awaiting_setup"
    )
    assert state.set_up_now_sent_at is not None
    assert state.set_up_now_sent_at >= state.starts_at


async def _awaiting_setup(client: Client, order_id: str) -> PartnerOrderState | None:
    state = await _state(client, order_id)
    return state if state.status is PartnerOrderStatus.AWAITING_SETUP else None

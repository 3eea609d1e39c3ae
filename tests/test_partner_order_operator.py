"""Operator steps on a partner order: send now, resend, change of provisioning contact, and their refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.partner_order import (
    ChangeProvisioningContact,
    PartnerOrderInput,
    PartnerOrderState,
    PartnerOrderStatus,
    ResendSetUpMail,
    SendSetUpMailNow,
)
from starter.errors import OnrampError, StepRefused
from starter.mail_sink import MailSink, ReceivedMail
from starter.services import partner_orders
from starter.settings import Settings
from store import SessionFactory, setup_tokens
from tests.support import eventually, order


async def _mails(sink: MailSink, to: str, count: int) -> list[ReceivedMail]:
    async def arrived() -> list[ReceivedMail] | None:
        mails = sink.to(to)
        return mails if len(mails) >= count else None

    return await eventually(arrived, what=f"{count} mail(s) to {to}")


def _token(mail: ReceivedMail) -> str:
    [link] = [link for link in mail.links if "/setup/" in link]
    return link.rsplit("/", 1)[1]


async def _link_works(sessions: SessionFactory, token: str) -> bool:
    async with sessions() as session:
        return await setup_tokens.find_valid(session, token, datetime.now(UTC)) is not None


async def _future_order(ts_env: WorkflowEnvironment, days: int = 10, **overrides: object) -> object:
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    return order(today + timedelta(days=days), **overrides)


async def _past_order_awaiting_setup(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, sink: MailSink
) -> tuple[PartnerOrderState, ReceivedMail]:
    """An order whose start date has passed: its Set Up Now mail goes out at once."""
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    o = order(today - timedelta(days=1))
    await partner_orders.start(client, settings, o)
    [mail] = await _mails(sink, o.provisioning_contact_email, 1)

    async def awaiting() -> PartnerOrderState | None:
        state = await partner_orders.status(client, o.order_id)
        return state if state.status is PartnerOrderStatus.AWAITING_SETUP else None

    return await eventually(awaiting, what="awaiting_setup"), mail


async def test_send_now_skips_the_wait_for_the_start_date(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o = await _future_order(ts_env)
    await partner_orders.start(client, settings, o)

    queued = await partner_orders.send_now(client, o.order_id, SendSetUpMailNow(operator="ana", reason="partner asked"))

    assert queued.to == o.provisioning_contact_email
    [mail] = await _mails(mail_sink, o.provisioning_contact_email, 1)
    assert "Set Up Now" in mail.text
    state = await partner_orders.status(client, o.order_id)
    assert state.status is PartnerOrderStatus.AWAITING_SETUP
    assert any("ana asked to send the Set Up Now e-mail now (partner asked)" in e.text for e in state.timeline)
    # The deadlines still count from the requested start date.
    assert state.escalates_at == state.starts_at + timedelta(days=1)

    with pytest.raises(StepRefused, match="already been sent; use resend"):
        await partner_orders.send_now(client, o.order_id, SendSetUpMailNow())


async def test_resend_before_the_start_date_is_refused_with_the_date(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o = await _future_order(ts_env)
    await partner_orders.start(client, settings, o)

    with pytest.raises(StepRefused) as refused:
        await partner_orders.resend(client, o.order_id, ResendSetUpMail())

    assert f"has not been sent yet: it goes out on {o.requested_start_date.isoformat()}" in refused.value.message
    assert "send-now" in refused.value.message
    assert mail_sink.to(o.provisioning_contact_email) == []


async def test_resend_sends_a_second_mail_with_a_fresh_working_link(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    state, first = await _past_order_awaiting_setup(client, ts_env, settings, mail_sink)

    queued = await partner_orders.resend(client, state.order_id, ResendSetUpMail(operator="ana"))

    assert (queued.purpose, queued.sequence) == ("set_up_now", 2)
    _, second = await _mails(mail_sink, str(state.provisioning_contact_email), 2)
    assert _token(first) != _token(second)
    # Same contact: both links work.
    assert await _link_works(workflow_db[1], _token(first))
    assert await _link_works(workflow_db[1], _token(second))


async def test_contact_change_retires_the_old_link_and_mails_the_new_contact(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    state, old_mail = await _past_order_awaiting_setup(client, ts_env, settings, mail_sink)
    assert await _link_works(workflow_db[1], _token(old_mail))

    changed = await partner_orders.change_contact(
        client, state.order_id, ChangeProvisioningContact(new_email="maja@partner.example", operator="ana")
    )

    assert changed.previous_email == state.provisioning_contact_email
    assert changed.contact_generation == 2
    assert changed.mail is not None and changed.mail.to == "maja@partner.example"
    [new_mail] = await _mails(mail_sink, "maja@partner.example", 1)
    assert await _link_works(workflow_db[1], _token(new_mail))
    assert not await _link_works(workflow_db[1], _token(old_mail))
    after = await partner_orders.status(client, state.order_id)
    assert after.provisioning_contact_email == "maja@partner.example"

    with pytest.raises(OnrampError, match="already the provisioning contact") as same:
        await partner_orders.change_contact(
            client, state.order_id, ChangeProvisioningContact(new_email="maja@partner.example")
        )
    assert same.value.http_status == 422


async def test_contact_change_before_the_start_date_sends_nothing_yet(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o = await _future_order(ts_env)
    await partner_orders.start(client, settings, o)

    changed = await partner_orders.change_contact(
        client, o.order_id, ChangeProvisioningContact(new_email="later@partner.example")
    )

    assert changed.mail is None
    state = await partner_orders.status(client, o.order_id)
    assert state.provisioning_contact_email == "later@partner.example"
    assert state.status is PartnerOrderStatus.AWAITING_START_DATE
    assert mail_sink.to("later@partner.example") == []
    assert mail_sink.to(o.provisioning_contact_email) == []


async def test_every_operator_step_is_refused_once_the_order_line_is_closed(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o = await _future_order(ts_env, days=1, offer="A-FLEX")
    started = await partner_orders.start(client, settings, o)
    final = await started.handle.result()  # time skips to the closing
    assert final.status is PartnerOrderStatus.CLOSED

    with pytest.raises(StepRefused, match="Cannot resend the Set Up Now e-mail: the order is closed"):
        await partner_orders.resend(client, o.order_id, ResendSetUpMail())
    with pytest.raises(StepRefused, match="Cannot send the Set Up Now e-mail now: the order is closed"):
        await partner_orders.send_now(client, o.order_id, SendSetUpMailNow())
    with pytest.raises(StepRefused, match="Cannot change the provisioning contact: the order is closed"):
        await partner_orders.change_contact(
            client, o.order_id, ChangeProvisioningContact(new_email="x@partner.example")
        )


async def test_a_second_start_returns_the_running_workflow(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings
) -> None:
    o = await _future_order(ts_env)
    first = await partner_orders.start(client, settings, o)
    second = await partner_orders.start(client, settings, o.model_copy(update={"customer_name": "Someone Else"}))

    assert first.created and not second.created
    assert second.workflow_id == first.workflow_id == f"partner-order-{o.order_id}"
    assert second.run_id == first.run_id
    assert second.state.customer_name == "Kranj Logistics"  # the running order, not a new one


async def test_the_wizard_idle_limit_comes_from_the_settings_unless_the_order_sets_it(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings
) -> None:
    quick = settings.model_copy(update={"wizard_idle_minutes": 7})
    plain = await partner_orders.start(client, quick, await _future_order(ts_env))
    explicit = await partner_orders.start(
        client, quick, await _future_order(ts_env, policy={"wizard_idle_minutes": 45})
    )
    plain_input = await _input_policy(plain.handle)
    explicit_input = await _input_policy(explicit.handle)
    assert plain_input["wizard_idle_minutes"] == 7
    assert explicit_input["wizard_idle_minutes"] == 45


async def _input_policy(handle: object) -> dict[str, object]:
    from tests.support import make_converter

    history = await handle.fetch_history()  # type: ignore[attr-defined]
    started = history.events[0].workflow_execution_started_event_attributes
    [order_input] = await make_converter().decode(started.input.payloads, [PartnerOrderInput])
    return dict(order_input.policy.model_dump())


async def test_operators_can_make_an_order_send_at_most_ten_set_up_now_mails(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings
) -> None:
    today = (await ts_env.get_current_time()).date()
    started = await partner_orders.start(client, settings, order(today - timedelta(days=1), time_zone="UTC"))
    order_id = started.state.order_id

    async def sent() -> int | None:
        count = len([m for m in (await partner_orders.status(client, order_id)).mails if m.purpose == "set_up_now"])
        return count or None

    await eventually(sent, what="the first Set Up Now mail")
    for _ in range(9):
        await partner_orders.resend(client, order_id, ResendSetUpMail())
    with pytest.raises(StepRefused, match="has had 10 Set Up Now e-mails: no more are sent"):
        await partner_orders.resend(client, order_id, ResendSetUpMail())
    with pytest.raises(StepRefused, match="has had 10 Set Up Now e-mails"):
        await partner_orders.change_contact(
            client, order_id, ChangeProvisioningContact(new_email="another@partner.example")
        )
    assert (await partner_orders.status(client, order_id)).provisioning_contact_email != "another@partner.example"

"""The e-mail activity against a real SMTP server and the real outbox table (SQLite and PostgreSQL).

`MailActivities.send_mail` needs no activity context, so the tests call it as a plain method.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select, update
from temporalio.exceptions import ApplicationError

from activities.mail import MailActivities
from activities.partner_orders import PartnerOrderActivities
from models.common import Recipient, add_local_days, local_midnight
from models.mail import MailRequest, SetupLinkRequest
from models.partner_order import Offer, PartnerOrderSnapshot, PartnerOrderState, PartnerOrderStatus, Service
from starter.mail_sink import MailSink, ReceivedMail
from starter.settings import Settings
from store import SessionFactory, setup_tokens
from store.tables import OutboxMail
from tests.support import TEST_PAYLOAD_KEY, eventually, free_port

LJUBLJANA = "Europe/Ljubljana"


# ---------------------------------------------------------------- helpers


def mail_settings(host: str, port: int) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        smtp_host=host,
        smtp_port=port,
        public_base_url="http://onramp.test",
        database_url="sqlite+aiosqlite:///unused",
    )


@pytest.fixture
def mail(sessions: SessionFactory, mail_sink: MailSink) -> MailActivities:
    return MailActivities(sessions, mail_settings(mail_sink.host, mail_sink.port).mail_config())


def unique_email(who: str = "provisioning") -> str:
    return f"{who}-{uuid.uuid4().hex[:10]}@partner.example"


def set_up_now_request(
    order_id: str, to: str, *, language: str = "en", customer_name: str = "Kranj Logistics", **overrides: Any
) -> MailRequest:
    values: dict[str, Any] = {
        "workflow_id": f"partner-order-{order_id}",
        "purpose": "set_up_now",
        "sequence": 1,
        "recipient": Recipient(email=to, language=language),
        "template": "set_up_now",
        "context": {
            "order_id": order_id,
            "offer": "A-WX",
            "partner_name": "Alpine Partners d.o.o.",
            "customer_name": customer_name,
            "requested_start_date": "2026-11-28",
            "time_zone": LJUBLJANA,
            "services": ["meetings", "calling"],
            "close_after_days": 30,
            "setup_url": "http://onramp.test/setup/not-minted",
        },
    }
    values.update(overrides)
    return MailRequest.model_validate(values)


async def save_order(sessions: SessionFactory, order_id: str, contact: str) -> None:
    """The order row a Set Up Now link belongs to (the workflow saves it before the mail goes out)."""
    starts_at = local_midnight(date(2026, 11, 28), LJUBLJANA)
    state = PartnerOrderState(
        order_id=order_id,
        offer=Offer.A_WX,
        status=PartnerOrderStatus.AWAITING_SETUP,
        requested_start_date=date(2026, 11, 28),
        time_zone=LJUBLJANA,
        partner_name="Alpine Partners d.o.o.",
        customer_name="Kranj Logistics",
        provisioning_contact_email=contact,
        account_representative_email=unique_email("rep"),
        purchased_services=[Service.MEETINGS, Service.CALLING],
        received_at=datetime.now(UTC),
        starts_at=starts_at,
        escalates_at=add_local_days(starts_at, 1, LJUBLJANA),
        closes_at=add_local_days(starts_at, 30, LJUBLJANA),
    )
    await PartnerOrderActivities(sessions).save_partner_order(
        PartnerOrderSnapshot(workflow_id=f"partner-order-{order_id}", state=state)
    )


async def one_mail(sink: MailSink, to: str) -> ReceivedMail:
    async def arrived() -> list[ReceivedMail] | None:
        return sink.to(to) or None

    [received] = await eventually(arrived, what=f"a mail to {to}")
    return received


async def outbox_row(sessions: SessionFactory, request: MailRequest) -> OutboxMail:
    async with sessions() as session:
        return (
            await session.execute(
                select(OutboxMail).where(
                    OutboxMail.workflow_id == request.workflow_id,
                    OutboxMail.purpose == request.purpose,
                    OutboxMail.sequence == request.sequence,
                )
            )
        ).scalar_one()


def new_order_id() -> str:
    return f"M-{uuid.uuid4().hex[:10]}"


# ---------------------------------------------------------------- sending


async def test_send_mail_renders_the_template_and_delivers_it_once(
    mail: MailActivities, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    order_id = new_order_id()
    to = unique_email()
    request = set_up_now_request(order_id, to, customer_name="<b>Kranj</b> Logistics")

    receipt = await mail.send_mail(request)

    assert receipt.already_sent is False
    assert receipt.subject == f"Set up Webex for <b>Kranj</b> Logistics (order {order_id})"
    received = await one_mail(mail_sink, to)
    assert received.subject == receipt.subject
    assert received.header_id == receipt.message_id
    assert received.message["From"] == "onramp <noreply@onramp.localhost>"
    assert received.message["X-Onramp-Workflow"] == f"partner-order-{order_id}"
    assert received.message["X-Onramp-Purpose"] == "set_up_now"

    # Plain text: the name as given, the link, the services.
    assert f"Alpine Partners d.o.o. ordered A-WX for <b>Kranj</b> Logistics (order {order_id})" in received.text
    assert "Set Up Now: http://onramp.test/setup/not-minted" in received.text
    assert "(meetings, calling)" in received.text
    assert "within 30 days" in received.text
    # HTML: the same mail, with the customer's name escaped, not interpreted.
    assert "<strong>&lt;b&gt;Kranj&lt;/b&gt; Logistics</strong>" in received.html
    assert "<b>Kranj</b>" not in received.html
    assert '<a href="http://onramp.test/setup/not-minted"' in received.html
    assert "<title>Set up Webex for &lt;b&gt;Kranj&lt;/b&gt; Logistics</title>" in received.html

    row = await outbox_row(sessions, request)
    assert row.status == "sent"
    assert row.recipient == to
    assert row.subject == receipt.subject
    assert row.message_id == receipt.message_id
    assert row.attempts == 1
    assert row.last_error is None
    assert row.sent_at == receipt.sent_at

    # A retried activity (same outbox key) finds the mail sent and does not send it again.
    again = await mail.send_mail(request)
    assert again.already_sent is True
    assert again.message_id == receipt.message_id
    assert again.subject == receipt.subject
    assert again.sent_at == receipt.sent_at
    assert len(mail_sink.to(to)) == 1

    # The next mail of the same purpose (sequence 2) is a new mail.
    await mail.send_mail(request.model_copy(update={"sequence": 2}))
    assert len(mail_sink.to(to)) == 2
    assert len({m.header_id for m in mail_sink.to(to)}) == 2


async def test_a_set_up_now_mail_carries_a_link_whose_token_is_valid(
    mail: MailActivities, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    order_id = new_order_id()
    to = unique_email()
    await save_order(sessions, order_id, to)
    expires_at = datetime.now(UTC) + timedelta(days=30)
    request = set_up_now_request(
        order_id, to, setup_link=SetupLinkRequest(order_id=order_id, contact_generation=1, expires_at=expires_at)
    )

    await mail.send_mail(request)

    received = await one_mail(mail_sink, to)
    [link] = [link for link in received.links if "/setup/" in link]
    assert link.startswith("http://onramp.test/setup/")
    token = link.removeprefix("http://onramp.test/setup/")
    assert f'<a href="{link}"' in received.html
    async with sessions() as session:
        found = await setup_tokens.find_valid(session, token, datetime.now(UTC))
    assert found is not None
    assert found.order_id == order_id
    assert found.contact_email == to
    assert found.mail_key == request.outbox_key
    assert found.expires_at == expires_at


async def test_a_mail_sent_again_after_a_crash_is_the_same_mail_with_the_same_working_link(
    sessions: SessionFactory, mail_sink: MailSink
) -> None:
    """A worker killed after the relay took the mail and before the outbox said so: the next try sends it again
    (at-least-once), and it is the same mail: the same Message-ID and the same link, and the first mail's link
    still works. The next Set Up Now mail of the order gets a link of its own."""
    settings = mail_settings(mail_sink.host, mail_sink.port).model_copy(
        update={"payload_key": SecretStr(TEST_PAYLOAD_KEY)}
    )
    mail = MailActivities(sessions, settings.mail_config())
    order_id, to = new_order_id(), unique_email()
    await save_order(sessions, order_id, to)
    link = SetupLinkRequest(order_id=order_id, contact_generation=1, expires_at=datetime.now(UTC) + timedelta(days=30))
    request = set_up_now_request(order_id, to, setup_link=link)

    await mail.send_mail(request)
    async with sessions.begin() as session:  # the crash: the row never heard that the relay took the mail
        await session.execute(
            update(OutboxMail)
            .where(OutboxMail.workflow_id == request.workflow_id, OutboxMail.purpose == "set_up_now")
            .values(status="pending", sent_at=None)
        )
    await mail.send_mail(request)

    async def both() -> list[ReceivedMail] | None:
        return got if len(got := mail_sink.to(to)) == 2 else None

    first, again = await eventually(both, what="the mail and its resend")
    assert first.message["Message-ID"] == again.message["Message-ID"]
    links = [[link for link in m.links if "/setup/" in link] for m in (first, again)]
    assert links[0] == links[1] and len(links[0]) == 1
    async with sessions() as session:
        assert await setup_tokens.find_valid(session, links[0][0].rsplit("/", 1)[1], datetime.now(UTC)) is not None

    await mail.send_mail(request.model_copy(update={"sequence": 2}))
    third = await eventually(lambda: _nth(mail_sink, to, 3), what="the next Set Up Now mail")
    assert [link for link in third.links if "/setup/" in link] != links[0]


async def _nth(sink: MailSink, to: str, n: int) -> ReceivedMail | None:
    got = sink.to(to)
    return got[n - 1] if len(got) >= n else None


# ---------------------------------------------------------------- SMTP outage


async def test_smtp_down_then_up_delivers_the_mail_exactly_once(sessions: SessionFactory) -> None:
    dead_port = free_port()  # nothing listens here until the sink below starts
    mail = MailActivities(sessions, mail_settings("127.0.0.1", dead_port).mail_config())
    order_id = new_order_id()
    to = unique_email()
    await save_order(sessions, order_id, to)
    request = set_up_now_request(
        order_id,
        to,
        setup_link=SetupLinkRequest(
            order_id=order_id, contact_generation=1, expires_at=datetime.now(UTC) + timedelta(days=30)
        ),
    )

    with pytest.raises(Exception) as raised:
        await mail.send_mail(request)
    # Retryable: Temporal tries again with backoff; only business rejections are non-retryable.
    assert not (isinstance(raised.value, ApplicationError) and raised.value.non_retryable)
    assert str(dead_port) in str(raised.value)

    row = await outbox_row(sessions, request)
    assert row.status == "pending"
    assert row.attempts == 1
    assert row.sent_at is None
    assert row.last_error is not None
    assert str(dead_port) in row.last_error
    assert row.subject == f"Set up Webex for Kranj Logistics (order {order_id})"

    sink = MailSink(port=dead_port).start()
    try:
        receipt = await mail.send_mail(request)
        received = await one_mail(sink, to)
        assert receipt.already_sent is False
        assert received.subject == f"Set up Webex for Kranj Logistics (order {order_id})"
        assert received.header_id == row.message_id  # the same Message-ID as the failed attempt

        # The link in the delivered mail works (the retry minted the token that was actually sent).
        [link] = [link for link in received.links if "/setup/" in link]
        async with sessions() as session:
            found = await setup_tokens.find_valid(
                session, link.removeprefix("http://onramp.test/setup/"), datetime.now(UTC)
            )
        assert found is not None

        assert (await mail.send_mail(request)).already_sent is True
        assert len(sink.to(to)) == 1
    finally:
        sink.stop()

    row = await outbox_row(sessions, request)
    assert row.status == "sent"
    assert row.sent_at == receipt.sent_at
    assert row.last_error is None
    assert row.attempts >= 2


# ---------------------------------------------------------------- templates


async def test_an_unknown_template_is_a_non_retryable_error(
    mail: MailActivities, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    to = unique_email()
    request = set_up_now_request(new_order_id(), to, template="no_such_template", language="sl")

    with pytest.raises(ApplicationError) as raised:
        await mail.send_mail(request)

    assert raised.value.non_retryable is True
    assert raised.value.type == "MailTemplateMissing"
    assert raised.value.message == "no e-mail template 'no_such_template'"
    assert mail_sink.to(to) == []
    assert (await outbox_row(sessions, request)).status == "pending"


def escalation_request(to: str, language: str) -> MailRequest:
    order_id = new_order_id()
    return MailRequest(
        workflow_id=f"partner-order-{order_id}",
        purpose="escalation",
        sequence=1,
        recipient=Recipient(email=to, language=language),
        template="escalation",
        context={
            "order_id": order_id,
            "offer": "A-SPK",
            "partner_name": "Alpine Partners d.o.o.",
            "customer_name": "Kranj Logistics",
            "requested_start_date": "2026-11-28",
            "time_zone": LJUBLJANA,
            "provisioning_contact_email": "provisioning@partner.example",
            "closes_at": "2026-12-27T23:00:00+00:00",
        },
    )


async def test_a_language_onramp_does_not_speak_is_read_as_english(
    mail: MailActivities, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    to = unique_email("rep")
    request = escalation_request(to, language="pt-BR")

    await mail.send_mail(request)

    received = await one_mail(mail_sink, to)
    order_id = request.context["order_id"]
    assert received.subject == f"Escalation: order {order_id} for Kranj Logistics is not set up"
    assert "provisioning has not started one day later" in received.text
    assert f"Order <strong>{order_id}</strong> (A-SPK)" in received.html
    # The close date is shown on the order's wall clock, its zone named.
    assert "The order line closes on 2026-12-28 00:00 Central European Time" in received.text
    row = await outbox_row(sessions, request)
    assert row.language == "pt-BR"  # what the recipient asked for; the mail says what they got
    assert row.status == "sent"


@pytest.mark.parametrize(
    ("language", "written_in"), [("en", "en"), ("sl", "sl"), ("zh-TW", "zh-Hant"), ("pt-BR", "en")]
)
async def test_the_mail_says_which_language_it_is_in(
    mail: MailActivities, mail_sink: MailSink, language: str, written_in: str
) -> None:
    to = unique_email("rep")
    await mail.send_mail(escalation_request(to, language=language))

    received = await one_mail(mail_sink, to)
    assert received.message["Content-Language"] == written_in
    assert f'<html lang="{written_in}"' in received.html

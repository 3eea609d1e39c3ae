"""SMTP connections reused between mails, against a real SMTP server: which connection each mail arrived on is the
sink's `peer` (the client's host:port)."""

from __future__ import annotations

import asyncio
import uuid
from email.mime.text import MIMEText
from typing import Any

import aiosmtplib
import pytest

from activities.smtp_connections import SmtpConnections
from starter.mail_sink import MailSink, ReceivedMail
from tests.support import eventually, free_port


def _message(to: str, subject: str) -> MIMEText:
    message = MIMEText(f"{subject}\n", "plain", "utf-8")
    message["From"] = "onramp <noreply@onramp.localhost>"
    message["To"] = to
    message["Subject"] = subject
    return message


def _options(port: int) -> dict[str, Any]:
    return {"hostname": "127.0.0.1", "port": port, "timeout": 10}


async def _arrived(sink: MailSink, to: str, count: int) -> list[ReceivedMail]:
    async def all_there() -> list[ReceivedMail] | None:
        mails = sink.to(to)
        return mails if len(mails) >= count else None

    mails: list[ReceivedMail] = await eventually(all_there, what=f"{count} mails to {to}")
    return mails


async def test_mails_in_a_row_share_one_connection(mail_sink: MailSink) -> None:
    to = f"row-{uuid.uuid4().hex[:8]}@example.com"
    connections = SmtpConnections(lambda: _options(mail_sink.port))
    for number in range(3):
        await connections.send(_message(to, f"mail {number}"))
    mails = await _arrived(mail_sink, to, 3)
    assert [mail.subject for mail in mails] == ["mail 0", "mail 1", "mail 2"]
    assert len({mail.peer for mail in mails}) == 1


async def test_no_more_connections_than_allowed_at_once(mail_sink: MailSink) -> None:
    to = f"burst-{uuid.uuid4().hex[:8]}@example.com"
    connections = SmtpConnections(lambda: _options(mail_sink.port), size=2)
    await asyncio.gather(*(connections.send(_message(to, f"mail {number}")) for number in range(10)))
    mails = await _arrived(mail_sink, to, 10)
    assert sorted(mail.subject for mail in mails) == sorted(f"mail {number}" for number in range(10))
    assert len({mail.peer for mail in mails}) <= 2


async def test_a_connection_is_replaced_after_its_quota_of_mails(mail_sink: MailSink) -> None:
    to = f"quota-{uuid.uuid4().hex[:8]}@example.com"
    connections = SmtpConnections(lambda: _options(mail_sink.port), size=1, max_mails=2)
    for number in range(3):
        await connections.send(_message(to, f"mail {number}"))
    first, second, third = await _arrived(mail_sink, to, 3)
    assert first.peer == second.peer != third.peer


async def test_a_relay_that_restarted_between_mails_gets_the_next_mail_on_a_new_connection() -> None:
    port, to = free_port(), f"restart-{uuid.uuid4().hex[:8]}@example.com"
    connections = SmtpConnections(lambda: _options(port))
    with MailSink(port=port) as before:
        await connections.send(_message(to, "before the restart"))
        await _arrived(before, to, 1)
    with MailSink(port=port) as after:
        await connections.send(_message(to, "after the restart"))
        [mail] = await _arrived(after, to, 1)
    assert mail.subject == "after the restart"


async def test_a_relay_that_is_down_is_an_error_for_the_caller() -> None:
    connections = SmtpConnections(lambda: _options(free_port()))
    with pytest.raises((aiosmtplib.SMTPConnectError, OSError)):
        await connections.send(_message("nobody@example.com", "nowhere to go"))

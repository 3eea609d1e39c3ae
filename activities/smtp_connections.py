"""SMTP connections kept open between mails, a few at a time.

Why: a connection per mail is a TCP handshake, a greeting, EHLO (and STARTTLS and a login, when the relay wants them)
and QUIT around one MAIL/RCPT/DATA; on the paths every order takes that was most of the e-mail activity's CPU
(bench/seat_orders.py shows it). Relays expect senders to reuse connections, within limits: at most ``size`` are open, one
carries at most ``max_mails`` mails, and one left idle for ``idle_seconds`` says QUIT and closes (so a burst of mails
shares connections, and nothing stays open once the mail has gone).

A relay that restarted, or dropped an idle connection, is noticed at the next mail's first command (MAIL FROM),
before anything is handed over: that mail is sent once more on a new connection. Any other error is the caller's (the
e-mail activity fails and is retried, as with a new connection), and the connection it happened on is closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any

import aiosmtplib


@dataclass(eq=False)
class _Connection:
    smtp: aiosmtplib.SMTP
    mails: int = 0
    expiry: asyncio.TimerHandle | None = None


class SmtpConnections:
    def __init__(
        self, options: Callable[[], dict[str, Any]], size: int = 4, max_mails: int = 100, idle_seconds: float = 5.0
    ) -> None:
        self._options = options
        self._max_mails = max_mails
        self._idle_seconds = idle_seconds
        self._slots = asyncio.Semaphore(size)
        self._idle: list[_Connection] = []
        self._closing: set[asyncio.Task[None]] = set()

    async def send(self, message: Message) -> None:
        async with self._slots:
            connection = self._reusable()
            if connection is not None:
                try:
                    await self._send_on(connection, message)
                    return
                except aiosmtplib.SMTPServerDisconnected:
                    pass  # gone since its last mail
            await self._send_on(await self._connect(), message)

    def _reusable(self) -> _Connection | None:
        while self._idle:
            connection = self._idle.pop()
            if connection.expiry is not None:
                connection.expiry.cancel()
            if connection.smtp.is_connected:
                return connection
            connection.smtp.close()
        return None

    async def _connect(self) -> _Connection:
        smtp = aiosmtplib.SMTP(**self._options())
        await smtp.connect()
        return _Connection(smtp)

    async def _send_on(self, connection: _Connection, message: Message) -> None:
        try:
            await connection.smtp.send_message(message)
        except BaseException:
            connection.smtp.close()
            raise
        connection.mails += 1
        if connection.mails >= self._max_mails:
            self._quit(connection)
            return
        connection.expiry = asyncio.get_running_loop().call_later(self._idle_seconds, self._expire, connection)
        self._idle.append(connection)

    def _expire(self, connection: _Connection) -> None:
        if connection in self._idle:
            self._idle.remove(connection)
            self._quit(connection)

    def _quit(self, connection: _Connection) -> None:
        task = asyncio.get_running_loop().create_task(_quit(connection.smtp))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)


async def _quit(smtp: aiosmtplib.SMTP) -> None:
    try:
        await smtp.quit()
    except (aiosmtplib.SMTPException, OSError):
        smtp.close()

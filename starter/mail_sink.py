"""A local SMTP server that keeps every mail it receives: the dev stack's inbox (and the tests' real SMTP peer).

Mails are written as .eml files under a folder (`.onramp/mail/` in `onramp dev`) that `onramp mail` reads.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class ReceivedMail:
    """One mail as the sink got it."""

    path: Path | None
    received_at: datetime
    message: EmailMessage
    peer: str | None = None  # the sending connection's host:port (None when read back from a folder)

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def subject(self) -> str:
        return " ".join(str(self.message["Subject"]).split())  # a folded long subject, unfolded

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    @property
    def links(self) -> list[str]:
        return [link.rstrip(".,)") for link in LINK.findall(self.text)]

    @property
    def header_id(self) -> str:
        return str(self.message["Message-ID"])


def parse(
    raw: bytes, path: Path | None = None, received_at: datetime | None = None, peer: str | None = None
) -> ReceivedMail:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return ReceivedMail(path=path, received_at=received_at or datetime.now(UTC), message=message, peer=peer)


class _Handler:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.mails: list[ReceivedMail] = []
        self.arrived = threading.Condition()
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        received_at = datetime.now(UTC)
        path = None
        if self.folder is not None:
            count = len(list(self.folder.glob("*.eml")))
            path = self.folder / f"{received_at:%Y%m%dT%H%M%S%f}-{count + 1:05d}.eml"
            path.write_bytes(raw)
        with self.arrived:
            self.mails.append(parse(raw, path, received_at, _peer(session)))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


class MailSink:
    """Start with ``start()``, stop with ``stop()``; ``mails`` holds what arrived since the start."""

    def __init__(self, host: str = "127.0.0.1", port: int = 1025, folder: Path | None = None) -> None:
        self._handler = _Handler(folder)
        self._controller = Controller(self._handler, hostname=host, port=port, ready_timeout=10)
        self.host = host
        self.port = port

    def start(self) -> MailSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def mails(self) -> list[ReceivedMail]:
        with self._handler.arrived:
            return list(self._handler.mails)

    def clear(self) -> None:
        with self._handler.arrived:
            self._handler.mails.clear()

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.mails if mail.to == address]

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def read_folder(folder: Path) -> list[ReceivedMail]:
    """Every mail the dev stack's sink kept, oldest first."""
    if not folder.exists():
        return []
    mails = []
    for path in sorted(folder.glob("*.eml")):
        stamp = datetime.strptime(path.name.split("-", 1)[0], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
        mails.append(parse(path.read_bytes(), path, stamp))
    return mails


def _peer(session: Session) -> str | None:
    peer = session.peer
    return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else None

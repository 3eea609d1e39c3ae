"""Delivering one e-mail at most once per key: render the template, keep the outbox row, hand the mail to SMTP.

Shared by the send_mail activity (every workflow's mail) and the two mails the API sends itself (an account's
welcome, which carries the first password and so may never pass through a workflow, and the password change
confirmation). Plain code: no activity context, no Temporal types; the activity turns its errors into Temporal's.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from typing import Any, Literal

import aiosmtplib
from jinja2 import TemplateError
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from activities import mail_attachments
from activities.mail_attachments import Attachment
from activities.mail_templates import MailTemplates, RenderedMail, default_templates
from activities.smtp_connections import SmtpConnections
from models.mail import MailReceipt, MailRequest
from store import SessionFactory, activation_tokens, outbox, password_resets, setup_tokens
from store.transactions import run_transaction

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
"""The SMTP send's span (starter/telemetry.py): the process's tracer when tracing is on, a no-op otherwise."""
UTF8 = Charset("utf-8")
UTF8.body_encoding = QP  # readable in the raw mail, unlike base64


@dataclass(frozen=True)
class MailConfig:
    """Where mail goes and what its links point at; the entry points make it from their settings."""

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout: float = 10.0
    smtp_connections: int = 4
    sender: str = "onramp <noreply@onramp.localhost>"
    public_base_url: str = "http://127.0.0.1:8000"
    link_secret: bytes | None = field(default=None, repr=False)

    @property
    def link_base(self) -> str:
        return self.public_base_url.rstrip("/")

    def smtp_options(self) -> dict[str, Any]:
        return {
            "hostname": self.smtp_host,
            "port": self.smtp_port,
            "username": self.smtp_username,
            "password": self.smtp_password,
            "use_tls": self.smtp_tls == "tls",
            "start_tls": self.smtp_tls == "starttls",
            "timeout": self.smtp_timeout,
        }


LINK_PAGES = {"organizer": "activate", "org_join": "join"}
"""Where each kind of activation link leads."""
RESET_PAGE = "admin/password-reset"
"""Where an enterprise admin's password reset link leads."""


class MailTemplateBroken(Exception):
    """The template needs a value the request does not give: sending again cannot help."""


class MailDelivery:
    def __init__(self, sessions: SessionFactory, config: MailConfig, templates: MailTemplates | None = None) -> None:
        self._sessions = sessions
        self._config = config
        self._templates = templates or default_templates()
        self._smtp = SmtpConnections(config.smtp_options, size=config.smtp_connections)

    async def send(self, request: MailRequest, *, keep_request: bool = False) -> MailReceipt:
        """Send ``request`` unless its outbox row says it was sent. Raises MailTemplateMissing or MailTemplateBroken
        (final), or the SMTP error (worth another try: the row counts the attempt). ``keep_request`` keeps the
        request in the row for the worker's relay: for a mail sent outside a workflow, which has no activity to
        retry it (never for one that carries a secret)."""
        row = await self._outbox_row(request, keep_request)
        if row["status"] == "sent" and row["sent_at"] is not None:
            return MailReceipt(
                message_id=row["message_id"], subject=row["subject"] or "", sent_at=row["sent_at"], already_sent=True
            )
        context = await self._context(request)
        rendered = self._render(request, context)
        message = self._message(request, rendered, row["message_id"], await self._attachments(request, context))
        try:
            await self._smtp_send(request, message)
        except (aiosmtplib.SMTPException, OSError) as err:
            error = str(err)
            await run_transaction(self._sessions, lambda s: outbox.mark_failed(s, row["id"], rendered.subject, error))
            log.warning(
                "mail %s not sent (will retry): %s",
                request.purpose,
                type(err).__name__,
                extra=_mail_fields(request, "not_sent"),
            )
            raise
        sent_at = datetime.now(UTC)
        await run_transaction(self._sessions, lambda s: outbox.mark_sent(s, row["id"], rendered.subject, sent_at))
        log.info("mail %s sent", request.purpose, extra=_mail_fields(request, "sent"))
        return MailReceipt(message_id=row["message_id"], subject=rendered.subject, sent_at=sent_at)

    async def _smtp_send(self, request: MailRequest, message: Message) -> None:
        """The SMTP conversation, in a span of its own: the purpose and template, never the address."""
        with tracer.start_as_current_span(
            "smtp send",
            kind=SpanKind.CLIENT,
            attributes={"onramp.mail.purpose": request.purpose, "onramp.mail.template": request.template},
            record_exception=False,  # an SMTP error's text may name the recipient
            set_status_on_exception=False,
        ) as span:
            try:
                await self._smtp.send(message)
            except Exception as err:
                span.set_status(Status(StatusCode.ERROR, type(err).__name__))
                raise

    async def _outbox_row(self, request: MailRequest, keep_request: bool) -> RowMapping:
        """The mail's outbox row, made on the first attempt; every attempt before it was sent is counted."""
        row = {
            "workflow_id": request.workflow_id,
            "purpose": request.purpose,
            "sequence": request.sequence,
            "recipient": str(request.recipient.email),
            "language": request.recipient.language,
            "template": request.template,
            "message_id": _message_id(request),
            "status": "pending",
            "attempts": 1,
            "created_at": datetime.now(UTC),
            "request": request.model_dump(mode="json") if keep_request else None,
        }
        return await run_transaction(self._sessions, lambda session: outbox.claim(session, row))

    async def _context(self, request: MailRequest) -> dict[str, Any]:
        # the sender: a calendar entry's organizer (activities/calendar_entries.py), the mail's From
        context = {"public_base_url": self._config.link_base, "sender": self._config.sender, **request.context}
        if request.setup_link is not None:
            context["setup_url"] = await self._setup_url(request)
        if request.activation_link is not None:
            context["activation_url"] = await self._activation_url(request)
        if request.reset_link is not None:
            context["reset_url"] = await self._link(
                RESET_PAGE,
                lambda session, _: password_resets.mint(
                    session, mail_key=request.outbox_key, token=self._token("password_reset", request)
                ),
            )
        return context

    def _render(self, request: MailRequest, context: dict[str, Any]) -> RenderedMail:
        try:
            return self._templates.render(request.template, request.recipient.language, context)
        except TemplateError as err:
            raise MailTemplateBroken(f"e-mail template '{request.template}' cannot be rendered: {err}") from err

    async def _attachments(self, request: MailRequest, context: dict[str, Any]) -> list[Attachment]:
        """The files the template declares (activities/mail_attachments.py), made from the mail's context on a
        thread: drawing a PDF is CPU work the event loop should not wait for. A file that cannot be made leaves
        the mail without it rather than unsent: the mail's text says what the file would (a receipt's lines and
        total), and the portal still offers the document."""
        if not mail_attachments.declares(request.template):
            return []
        try:
            return await asyncio.to_thread(
                mail_attachments.attachments, request.template, context, request.recipient.language
            )
        except Exception:
            log.warning("mail %s goes without its attachment: it cannot be made", request.outbox_key, exc_info=True)
            return []

    async def _setup_url(self, request: MailRequest) -> str:
        link = request.setup_link
        assert link is not None
        return await self._link(
            "setup",
            lambda session, now: setup_tokens.mint(
                session,
                order_id=link.order_id,
                token=self._token("setup", request),
                mail_key=request.outbox_key,
                contact_email=str(request.recipient.email),
                contact_generation=link.contact_generation,
                expires_at=link.expires_at,
                now=now,
                audience=link.audience,
            ),
        )

    async def _activation_url(self, request: MailRequest) -> str:
        """An organizer's activation link (/activate/…), or an organization administrator's join link (/join/…)."""
        link = request.activation_link
        assert link is not None
        return await self._link(
            LINK_PAGES[link.purpose],
            lambda session, now: activation_tokens.mint(
                session,
                purpose=link.purpose,
                workflow_id=link.workflow_id,
                token=self._token(link.purpose, request),
                mail_key=request.outbox_key,
                email=str(request.recipient.email),
                expires_at=link.expires_at,
                now=now,
            ),
        )

    def _token(self, kind: str, request: MailRequest) -> str:
        """The link token of this mail: derived from the link secret and the mail's outbox key, so every try of
        the same mail carries the same link, and a try after a delivered one never voids the delivered link.
        Unguessable without the secret; stored only as its hash."""
        if self._config.link_secret is None:
            return secrets.token_urlsafe(32)
        digest = hmac.new(self._config.link_secret, f"{kind}:{request.outbox_key}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    async def _link(self, page: str, mint: Callable[[AsyncSession, datetime], Awaitable[str]]) -> str:
        """A link with this mail's token: the token is stored hashed and appears only in the mail."""
        async with self._sessions.begin() as session:
            token = await mint(session, datetime.now(UTC))
        return f"{self._config.link_base}/{page}/{token}"

    def _message(
        self, request: MailRequest, rendered: RenderedMail, message_id: str, files: list[Attachment] | None = None
    ) -> Message:
        """multipart/alternative (text, then HTML), UTF-8 quoted-printable, built with the classic MIME classes:
        the same mail as EmailMessage.set_content makes, at a tenth of the CPU (its header registry parses every
        header it is given). With files, multipart/mixed: the two bodies, then each file."""
        body = MIMEMultipart("alternative")
        for text, subtype in ((rendered.text, "plain"), (rendered.html, "html")):
            part = MIMEText(text, subtype, UTF8)
            del part["MIME-Version"]  # once, at the top
            body.attach(part)
        message = body
        if files:
            message = MIMEMultipart("mixed")
            del body["MIME-Version"]
            message.attach(body)
            for file in files:
                message.attach(_attached(file))
        message["From"] = _address(self._config.sender)
        message["To"] = _address(str(request.recipient.email))
        if request.reply_to is not None:
            message["Reply-To"] = _address(str(request.reply_to))
        message["Subject"] = rendered.subject if rendered.subject.isascii() else Header(rendered.subject, UTF8)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id
        message["X-Onramp-Workflow"] = request.workflow_id
        message["X-Onramp-Purpose"] = request.purpose
        message["Content-Language"] = rendered.language
        return message


def _mail_fields(request: MailRequest, outcome: str) -> dict[str, Any]:
    """A mail's log line's fields: whose mail and what for, not to whom (the address is personal data)."""
    return {
        "purpose": request.purpose,
        "template": request.template,
        "sequence": request.sequence,
        "workflow_id": request.workflow_id,
        "outcome": outcome,
    }


def _attached(file: Attachment) -> Message:
    """A file as a base64 part, named for the recipient's mail program to save, of the type it declares with its
    parameters (a calendar entry is ``text/calendar; method=REQUEST``)."""
    kind, *parameters = (item.strip() for item in file.media_type.split(";"))
    part = MIMEApplication(file.data)
    part.set_type(kind)
    for name, _, value in (parameter.partition("=") for parameter in parameters):
        part.set_param(name, value)
    part.add_header("Content-Disposition", "attachment", filename=file.file_name)
    del part["MIME-Version"]
    return part


def _address(value: str) -> str:
    """An address header: a non-ASCII display name is encoded (RFC 2047), the address itself is left alone."""
    return value if value.isascii() else formataddr(parseaddr(value), charset="utf-8")


def _message_id(request: MailRequest) -> str:
    """Stable per outbox key, so a receiving server can also recognise a duplicate."""
    digest = hashlib.sha256(request.outbox_key.encode()).hexdigest()[:32]
    return f"<{digest}@onramp>"

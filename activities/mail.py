"""The e-mail activity: render a template, keep an outbox row, hand the mail to SMTP, at most once per key."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from typing import Any

import aiosmtplib
from jinja2 import TemplateError
from sqlalchemy import RowMapping, bindparam, case, update
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.mail_templates import MailTemplateMissing, MailTemplates, RenderedMail
from activities.smtp_connections import SmtpConnections
from activities.statements import ByDialect
from activities.store import SessionFactory, activation_tokens, setup_tokens
from activities.store.tables import OutboxMail
from activities.store.transactions import run_transaction
from models.mail import SEND_MAIL_ACTIVITY, MailReceipt, MailRequest
from starter.settings import Settings

log = logging.getLogger(__name__)
OUTBOX = OutboxMail.__table__
# Built once, run with parameters (activities/statements.py says why): every workflow's e-mail takes this path.
OUTBOX_ROW = ByDialect(  # the row, made on the first attempt; every attempt before it was sent is counted
    lambda insert: (
        insert(OUTBOX)
        .on_conflict_do_update(
            index_elements=["workflow_id", "purpose", "sequence"],
            set_={"attempts": case((OUTBOX.c.status == "sent", OUTBOX.c.attempts), else_=OUTBOX.c.attempts + 1)},
        )
        .returning(OUTBOX.c.id, OUTBOX.c.status, OUTBOX.c.sent_at, OUTBOX.c.message_id, OUTBOX.c.subject)
    )
)
MARK_SENT = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("p_id"))
    .values(status="sent", subject=bindparam("p_subject"), sent_at=bindparam("p_sent_at"), last_error=None)
)
MARK_FAILED = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("p_id"))
    .values(subject=bindparam("p_subject"), last_error=bindparam("p_error"))
)
UTF8 = Charset("utf-8")
UTF8.body_encoding = QP  # readable in the raw mail, unlike base64


class MailActivities:
    def __init__(self, sessions: SessionFactory, settings: Settings, templates: MailTemplates | None = None) -> None:
        self._sessions = sessions
        self._settings = settings
        self._templates = templates or MailTemplates()
        self._smtp = SmtpConnections(self._smtp_options, size=settings.smtp_connections)

    @activity.defn(name=SEND_MAIL_ACTIVITY)
    async def send_mail(self, request: MailRequest) -> MailReceipt:
        """Send ``request`` unless its outbox row says it was sent; an SMTP error is raised and retried."""
        outbox = await self._outbox_row(request)
        if outbox["status"] == "sent" and outbox["sent_at"] is not None:
            return MailReceipt(
                message_id=outbox["message_id"],
                subject=outbox["subject"] or "",
                sent_at=outbox["sent_at"],
                already_sent=True,
            )
        context = {"public_base_url": self._settings.public_base_url.rstrip("/"), **request.context}
        if request.setup_link is not None:
            context["setup_url"] = await self._setup_url(request)
        if request.activation_link is not None:
            context["activation_url"] = await self._activation_url(request)
        try:
            rendered = self._templates.render(request.template, request.recipient.language, context)
        except MailTemplateMissing as err:
            raise ApplicationError(str(err), type="MailTemplateMissing", non_retryable=True) from err
        except TemplateError as err:  # a template that needs a value the workflow does not give: no retry helps
            raise ApplicationError(
                f"e-mail template '{request.template}' cannot be rendered: {err}",
                type="MailTemplateBroken",
                non_retryable=True,
            ) from err
        message = self._message(request, rendered, outbox["message_id"])
        try:
            await self._smtp.send(message)
        except (aiosmtplib.SMTPException, OSError) as err:
            await self._record_failure(outbox["id"], rendered.subject, err)
            log.warning("mail %s to %s not sent (will retry): %s", request.outbox_key, request.recipient.email, err)
            raise
        sent_at = datetime.now(UTC)
        await self._record_sent(outbox["id"], rendered.subject, sent_at)
        return MailReceipt(message_id=outbox["message_id"], subject=rendered.subject, sent_at=sent_at)

    async def _outbox_row(self, request: MailRequest) -> RowMapping:
        """The mail's outbox row, made on the first attempt; every attempt before it was sent is counted.
        One statement: an upsert answering the row."""
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
        }
        return await run_transaction(
            self._sessions, lambda session: session.execute(OUTBOX_ROW.on(session), row).mappings().one()
        )

    async def _setup_url(self, request: MailRequest) -> str:
        link = request.setup_link
        assert link is not None
        async with self._sessions.begin() as session:
            token = await setup_tokens.mint(
                session,
                order_id=link.order_id,
                mail_key=request.outbox_key,
                contact_email=str(request.recipient.email),
                contact_generation=link.contact_generation,
                expires_at=link.expires_at,
                now=datetime.now(UTC),
                audience=link.audience,
            )
        return f"{self._settings.link_base}/setup/{token}"

    async def _activation_url(self, request: MailRequest) -> str:
        link = request.activation_link
        assert link is not None
        async with self._sessions.begin() as session:
            token = await activation_tokens.mint(
                session,
                purpose=link.purpose,
                workflow_id=link.workflow_id,
                mail_key=request.outbox_key,
                email=str(request.recipient.email),
                expires_at=link.expires_at,
                now=datetime.now(UTC),
            )
        return f"{self._settings.link_base}/activate/{token}"

    def _message(self, request: MailRequest, rendered: RenderedMail, message_id: str) -> Message:
        """multipart/alternative (text, then HTML), UTF-8 quoted-printable, built with the classic MIME classes:
        the same mail as EmailMessage.set_content makes, at a tenth of the CPU (its header registry parses every
        header it is given)."""
        message = MIMEMultipart("alternative")
        message["From"] = _address(self._settings.mail_sender)
        message["To"] = _address(str(request.recipient.email))
        message["Subject"] = rendered.subject if rendered.subject.isascii() else Header(rendered.subject, UTF8)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id
        message["X-Onramp-Workflow"] = request.workflow_id
        message["X-Onramp-Purpose"] = request.purpose
        message["Content-Language"] = rendered.language
        for body, subtype in ((rendered.text, "plain"), (rendered.html, "html")):
            part = MIMEText(body, subtype, UTF8)
            del part["MIME-Version"]  # once, at the top
            message.attach(part)
        return message

    def _smtp_options(self) -> dict[str, Any]:
        s = self._settings
        return {
            "hostname": s.smtp_host,
            "port": s.smtp_port,
            "username": s.smtp_username,
            "password": s.smtp_password.get_secret_value() if s.smtp_password else None,
            "use_tls": s.smtp_tls == "tls",
            "start_tls": s.smtp_tls == "starttls",
            "timeout": s.smtp_timeout,
        }

    async def _record_failure(self, row_id: int, subject: str, err: BaseException) -> None:
        values = {"p_id": row_id, "p_subject": subject, "p_error": str(err)[:2000]}
        await run_transaction(self._sessions, lambda session: session.execute(MARK_FAILED, values))

    async def _record_sent(self, row_id: int, subject: str, sent_at: datetime) -> None:
        values = {"p_id": row_id, "p_subject": subject, "p_sent_at": sent_at}
        await run_transaction(self._sessions, lambda session: session.execute(MARK_SENT, values))


def _address(value: str) -> str:
    """An address header: a non-ASCII display name is encoded (RFC 2047), the address itself is left alone."""
    return value if value.isascii() else formataddr(parseaddr(value), charset="utf-8")


def _message_id(request: MailRequest) -> str:
    """Stable per outbox key, so a receiving server can also recognise a duplicate."""
    digest = hashlib.sha256(request.outbox_key.encode()).hexdigest()[:32]
    return f"<{digest}@onramp>"

"""The mail plumbing every workflow shares: each mail is handed to a background task that runs the send_mail
activity (its outbox row makes it go at most once) with bounded, endless backoff, so an SMTP outage delays the mail,
never the steps or the timers. The workflow's state keeps a record of each mail and how its delivery went."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from workflows import patches
from workflows.activity_calls import HEARTBEAT

with workflow.unsafe.imports_passed_through():
    from models.common import Recipient
    from models.mail import (
        SEND_MAIL_ACTIVITY,
        ActivationLinkRequest,
        MailQueued,
        MailReceipt,
        MailRecord,
        MailRequest,
        MailStatus,
        SetupLinkRequest,
        mail_task_queue,
    )
    from models.refusals import Refusal

NOT_RETRYABLE = [Refusal.MAIL_TEMPLATE_MISSING.value, Refusal.MAIL_TEMPLATE_BROKEN.value]


MAIL_QUEUE = "mail-on-its-own-task-queue"
"""Patch: mail goes to the workflow's queue + ``-mail`` (models/mail.mail_task_queue), served by mail workers."""

MAIL_TIMEOUT = timedelta(seconds=15)
"""One try at handing a mail to SMTP: the conversation's own timeout (ONRAMP_SMTP_TIMEOUT, 10 s) and a little. A
killed worker's mail is tried again once its heartbeat is missed (``HEARTBEAT``), not 15 s after its try began."""


async def send_mail(request: MailRequest, max_retry_seconds: float = 20) -> MailReceipt:
    """Raises ActivityError only for a template that cannot be rendered; an SMTP outage just waits, trying at
    least every ``max_retry_seconds``, so mail goes out within that time of the relay answering again."""
    own_queue = mail_task_queue(workflow.info().task_queue) if patches.patched(MAIL_QUEUE) else None
    receipt: MailReceipt = await workflow.execute_activity(
        SEND_MAIL_ACTIVITY,
        request,
        result_type=MailReceipt,
        task_queue=own_queue,
        start_to_close_timeout=MAIL_TIMEOUT,
        heartbeat_timeout=HEARTBEAT,
        retry_policy=RetryPolicy(
            initial_interval=timedelta(seconds=1),
            backoff_coefficient=2.0,
            maximum_interval=timedelta(seconds=max_retry_seconds),
            non_retryable_error_types=NOT_RETRYABLE,
        ),
    )
    return receipt


class Outbox:
    """One workflow's mail. ``mails`` is the state's own list (the status Query shows every mail's delivery);
    ``note``, when given, puts a line in the workflow's timeline when a mail is sent or cannot be."""

    def __init__(
        self,
        mails: list[MailRecord],
        note: Callable[[str], None] | None = None,
        max_retry_seconds: float = 20,
    ) -> None:
        self._mails = mails
        self._note = note
        self._max_retry_seconds = max_retry_seconds
        self._tasks: list[asyncio.Task[None]] = []

    def next_sequence(self, purpose: str) -> int:
        """1 for the first mail of a purpose, 2 for the next: with the workflow id, the mail's outbox key."""
        return 1 + sum(1 for mail in self._mails if mail.purpose == purpose)

    def queue(
        self,
        purpose: str,
        recipient: Recipient,
        template: str,
        context: Mapping[str, Any],
        *,
        key: str | None = None,
        setup_link: SetupLinkRequest | None = None,
        activation_link: ActivationLinkRequest | None = None,
    ) -> MailQueued:
        """Hand a mail to a background task. ``key`` is the outbox key's workflow part (default: the workflow id)."""
        sequence = self.next_sequence(purpose)
        record = MailRecord(purpose=purpose, sequence=sequence, to=recipient.email, queued_at=workflow.now())
        self._mails.append(record)
        request = MailRequest(
            workflow_id=key or workflow.info().workflow_id,
            purpose=purpose,
            sequence=sequence,
            recipient=recipient,
            template=template,
            context=dict(context),
            setup_link=setup_link,
            activation_link=activation_link,
        )
        self._tasks.append(asyncio.create_task(self._deliver(request, record)))
        return MailQueued(purpose=purpose, sequence=sequence, to=recipient.email)

    def idle(self) -> bool:
        """No mail is on its way (every one sent, or failed for good)."""
        return all(task.done() for task in self._tasks)

    async def all_delivered(self) -> None:
        """Wait until every mail is sent, or has failed for good (before the workflow returns)."""
        await workflow.wait_condition(lambda: all(task.done() for task in self._tasks))

    async def _deliver(self, request: MailRequest, record: MailRecord) -> None:
        try:
            receipt = await send_mail(request, self._max_retry_seconds)
        except ActivityError as err:
            record.status = MailStatus.FAILED
            record.error = str(err.cause or err)
            if self._note is not None:
                self._note(f"E-mail '{request.purpose}' to {record.to} could not be sent: {record.error}")
            return
        record.status = MailStatus.SENT
        record.sent_at = receipt.sent_at
        if self._note is not None:
            self._note(f"E-mail '{receipt.subject}' sent to {record.to}")

"""Sending one e-mail from a workflow: the send_mail activity (outbox, at most once) with bounded, endless backoff.

Shared by every workflow; each keeps its own record of what was sent. Template errors are not retried.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from models.mail import SEND_MAIL_ACTIVITY, MailReceipt, MailRequest

NOT_RETRYABLE = ["MailTemplateMissing", "MailTemplateBroken"]


async def send_mail(request: MailRequest, max_retry_seconds: float = 300) -> MailReceipt:
    """Raises ActivityError only for a template that cannot be rendered; an SMTP outage just waits."""
    receipt: MailReceipt = await workflow.execute_activity(
        SEND_MAIL_ACTIVITY,
        request,
        result_type=MailReceipt,
        start_to_close_timeout=timedelta(seconds=60),
        retry_policy=RetryPolicy(
            initial_interval=timedelta(seconds=1),
            backoff_coefficient=2.0,
            maximum_interval=timedelta(seconds=max_retry_seconds),
            non_retryable_error_types=NOT_RETRYABLE,
        ),
    )
    return receipt

"""The worker's relay for mail sent outside a workflow: what the API could not hand to SMTP (the relay away, or the
API gone after its commit) is sent from here, once SMTP answers. Workflow mail needs none of this: its activity is
retried by Temporal.

Three kinds wait: a welcome mail, whose first password waits sealed in `welcome_mails` (services/accounts.py sends
it), a password reset link whose row says its mail has not gone out (services/password_recovery.py), and any other
mail the API sends, whose request waits in its outbox row (`MailDelivery.send(keep_request=True)`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import aiosmtplib

from activities.mail_delivery import MailDelivery
from models.mail import MailRequest
from starter.services import accounts, password_recovery
from starter.settings import Settings
from store import SessionFactory, outbox

log = logging.getLogger("onramp.mail_relay")

SETTLE_SECONDS = 10.0  # a mail younger than this may still be on its way from the API itself


async def deliver_waiting(
    sessions: SessionFactory, settings: Settings, *, older_than_seconds: float = SETTLE_SECONDS
) -> int:
    """One round: every waiting mail, each sent once (its outbox key guards against a second copy). Returns how
    many went out."""
    sent = await accounts.deliver_waiting_welcomes(sessions, settings, older_than_seconds=older_than_seconds)
    sent += await password_recovery.deliver_waiting_resets(sessions, settings, older_than_seconds=older_than_seconds)
    async with sessions() as session:
        waiting = await outbox.waiting_requests(session, datetime.now(UTC) - timedelta(seconds=older_than_seconds))
    delivery = MailDelivery(sessions, settings.mail_config())
    for kept in waiting:
        request = MailRequest.model_validate(kept)
        try:
            await delivery.send(request, keep_request=True)
        except (aiosmtplib.SMTPException, OSError) as err:
            log.warning("mail %s still waits for SMTP: %s", request.outbox_key, err)
            break  # SMTP is away: the next round tries again
        sent += 1
    return sent

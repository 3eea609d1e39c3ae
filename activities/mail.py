"""The e-mail activity every workflow sends its mail through: at most once per outbox key (activities/mail_delivery.py).

A template that is missing or cannot be rendered is a non-retryable error (sending again cannot help); an SMTP
error is raised as it is, and the workflow's retry policy tries again.
"""

from __future__ import annotations

from temporalio import activity

from activities import metrics
from activities.mail_delivery import MailConfig, MailDelivery, MailTemplateBroken
from activities.mail_templates import MailTemplateMissing, MailTemplates
from models.mail import SEND_MAIL_ACTIVITY, MailReceipt, MailRequest
from models.refusals import Refusal, refuse
from store import SessionFactory


class MailActivities:
    def __init__(self, sessions: SessionFactory, config: MailConfig, templates: MailTemplates | None = None) -> None:
        self._delivery = MailDelivery(sessions, config, templates)

    @activity.defn(name=SEND_MAIL_ACTIVITY)
    async def send_mail(self, request: MailRequest) -> MailReceipt:
        """Send ``request`` unless its outbox row says it was sent; an SMTP error is raised and retried. Each attempt
        is counted by its outcome (activities/metrics.py)."""
        metrics.mail_attempted(request, activity.info().attempt if activity.in_activity() else 1)
        try:
            receipt = await self._delivery.send(request)
        except MailTemplateMissing as err:
            metrics.mail_failed(request, err)
            raise refuse(Refusal.MAIL_TEMPLATE_MISSING, str(err)) from err
        except MailTemplateBroken as err:
            metrics.mail_failed(request, err)
            raise refuse(Refusal.MAIL_TEMPLATE_BROKEN, str(err)) from err
        except Exception as err:
            metrics.mail_failed(request, err)
            raise
        metrics.mail_sent(request, receipt)
        return receipt

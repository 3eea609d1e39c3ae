"""Side effects: e-mail, persistence, and later the payment gateway and site lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities.mail import MailActivities
from activities.partner_orders import PartnerOrderActivities
from activities.store import SessionFactory
from starter.settings import Settings


def all_activities(sessions: SessionFactory, settings: Settings) -> list[Callable[..., Any]]:
    """Every activity the worker registers, bound to its dependencies."""
    mail = MailActivities(sessions, settings)
    partner_orders = PartnerOrderActivities(sessions)
    return [mail.send_mail, partner_orders.save_partner_order]


__all__ = ["MailActivities", "PartnerOrderActivities", "all_activities"]

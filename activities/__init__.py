"""Side effects: e-mail, persistence, and later the payment gateway and site lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities.mail import MailActivities
from activities.partner_orders import PartnerOrderActivities
from activities.setup_wizard import SetupActivities
from activities.store import SessionFactory
from starter.settings import Settings


def all_activities(sessions: SessionFactory, settings: Settings) -> list[Callable[..., Any]]:
    """Every activity the worker registers, bound to its dependencies."""
    mail = MailActivities(sessions, settings)
    partner_orders = PartnerOrderActivities(sessions)
    setup = SetupActivities(sessions)
    return [
        mail.send_mail,
        partner_orders.save_partner_order,
        setup.find_partner_org,
        setup.check_customer_admin,
        setup.set_up_order,
        setup.save_org_settings,
        setup.claim_subdomain,
        setup.provision_order,
    ]


__all__ = ["MailActivities", "PartnerOrderActivities", "SetupActivities", "all_activities"]

"""Side effects: e-mail, persistence, and later the payment gateway and site lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities.assist import AssistActivities
from activities.gateway import GatewayActivities
from activities.mail import MailActivities
from activities.organizers import OrganizerActivities
from activities.partner_orders import PartnerOrderActivities
from activities.seat_orders import SeatOrderActivities
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
        *seat_order_activities(sessions),
        *organizer_activities(sessions),
        *assist_activities(sessions),
    ]


def seat_order_activities(sessions: SessionFactory) -> list[Callable[..., Any]]:
    seat_orders, gateway = SeatOrderActivities(sessions), GatewayActivities(sessions)
    return [
        seat_orders.load_account_snapshot,
        seat_orders.claim_open_quote,
        seat_orders.release_open_quote,
        seat_orders.apply_seat_order,
        seat_orders.save_seat_order,
        gateway.check_card,
        gateway.charge_card,
    ]


def assist_activities(sessions: SessionFactory) -> list[Callable[..., Any]]:
    assist = AssistActivities(sessions)
    return [
        assist.check_producers,
        assist.hold_producer,
        assist.release_producer,
        assist.find_scheduled_session,
        assist.move_site_session,
        assist.save_booking,
        assist.post_event,
    ]


def organizer_activities(sessions: SessionFactory) -> list[Callable[..., Any]]:
    organizers = OrganizerActivities(sessions)
    return [
        organizers.create_organizer,
        organizers.activate_organizer,
        organizers.remove_organizer,
        organizers.account_admin,
    ]


__all__ = [
    "AssistActivities",
    "MailActivities",
    "OrganizerActivities",
    "PartnerOrderActivities",
    "SetupActivities",
    "all_activities",
]

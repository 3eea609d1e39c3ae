"""Every activity the worker registers, bound to its dependencies (the session factory and the mail settings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities.assist import AssistActivities
from activities.assist_preparation import AssistPreparationActivities
from activities.assist_sites import AssistSiteActivities
from activities.gateway import GatewayActivities
from activities.mail import MailActivities
from activities.mail_delivery import MailConfig
from activities.organizers import OrganizerActivities
from activities.partner_orders import PartnerOrderActivities
from activities.seat_orders import SeatOrderActivities
from activities.setup_wizard import SetupActivities
from store import SessionFactory


def all_activities(sessions: SessionFactory, mail: MailConfig) -> list[Callable[..., Any]]:
    return [
        MailActivities(sessions, mail).send_mail,
        *partner_order_activities(sessions),
        *seat_order_activities(sessions),
        *organizer_activities(sessions),
        *assist_activities(sessions),
    ]


def partner_order_activities(sessions: SessionFactory) -> list[Callable[..., Any]]:
    partner_orders, setup = PartnerOrderActivities(sessions), SetupActivities(sessions)
    return [
        partner_orders.save_partner_order,
        setup.find_partner_org,
        setup.check_customer_admin,
        setup.find_org_administrator,
        setup.set_up_order,
        setup.save_org_settings,
        setup.claim_subdomain,
        setup.provision_order,
    ]


def seat_order_activities(sessions: SessionFactory) -> list[Callable[..., Any]]:
    seat_orders, gateway = SeatOrderActivities(sessions), GatewayActivities(sessions)
    return [
        seat_orders.load_account_snapshot,
        seat_orders.claim_open_quote,
        seat_orders.release_open_quote,
        seat_orders.apply_seat_order,
        seat_orders.save_seat_order,
        seat_orders.find_promotion,
        seat_orders.tax_rate_for,
        gateway.check_card,
        gateway.charge_card,
    ]


def assist_activities(sessions: SessionFactory) -> list[Callable[..., Any]]:
    assist, preparation = AssistActivities(sessions), AssistPreparationActivities(sessions)
    sites = AssistSiteActivities(sessions)
    return [
        sites.site_terms,
        preparation.hold_preparation,
        preparation.release_preparation,
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

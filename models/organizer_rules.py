"""Seed 000's refusals about organizer accounts and the license pools they draw from, said once for the organizer
workflow and its activity (which decides races) and the admin portal's service (which spares a workflow that can
only be refused): an address that has an account already, an edition the account does not have, and an edition with
no license left."""

from __future__ import annotations

from models.accounts import Edition, Product
from models.refusals import Reason, because, because_n
from models.words import ORGANIZER, edition, named, product


def edition_phrase(of_product: Product | str, of_edition: Edition | str) -> Reason:
    """'GoTo Meeting Standard' (会易通标准版): a product and one of its editions."""
    # Translators: a product and one of its editions, e.g. "GoTo Meeting Standard" (会易通标准版).
    return because("%(product)s %(edition)s", product=product(of_product), edition=edition(of_edition))


def organizer_exists(email: str, of_product: Product | str, of_edition: Edition | str, status: str) -> Reason:
    return because(
        "%(email)s already has an organizer account here (%(edition)s, %(status)s). "
        "Use re-invite to send the invitation again.",
        email=email,
        edition=edition_phrase(of_product, of_edition),
        status=named(ORGANIZER, status),
    )


def no_such_edition(of_product: Product | str, of_edition: Edition | str, held: list[Reason]) -> Reason:
    """The account has no licenses of the edition asked for; ``held`` names what it has."""
    if not held:
        return because(
            "This account has no %(edition)s licenses; it has no licenses at all.",
            edition=edition_phrase(of_product, of_edition),
        )
    return because(
        "This account has no %(edition)s licenses; it has %(held)s.",
        edition=edition_phrase(of_product, of_edition),
        held=held,
    )


def no_license_left(of_product: Product | str, of_edition: Edition | str, seats: int) -> Reason:
    """The refusal when an edition has run out (seed 000: refuse clearly at zero)."""
    named = {"edition": edition(of_edition), "product": product(of_product)}
    if seats == 0:
        return because(
            "No %(edition)s licenses left for %(product)s: the account has no seats of it. "
            "Remove an organizer account, or add seats, to create another one.",
            **named,
        )
    if seats == 1:
        return because(
            "No %(edition)s licenses left for %(product)s: its only license is in use. "
            "Remove an organizer account, or add seats, to create another one.",
            **named,
        )
    return because_n(
        "No %(edition)s licenses left for %(product)s: %(num)d license is in use. "
        "Remove an organizer account, or add seats, to create another one.",
        "No %(edition)s licenses left for %(product)s: all %(num)d licenses are in use. "
        "Remove an organizer account, or add seats, to create another one.",
        seats,
        **named,
    )

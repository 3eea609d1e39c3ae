"""Organizer accounts from the client side (seed 000, steps 4 and 5), shared by the JSON API, the pages and the CLI.

The product list also holds the seats seat orders assigned to their admin contacts (seed 002): each takes a
license of its edition like an organizer account, and is released (its row deleted, its license back) without a
workflow, in one transaction. Re-invite does not apply to them: no invitation was sent.

Creating one starts `OrganizerAccountWorkflow` (id `organizer-<account no>-<random key>`, kept with the e-mail; a second start finds the
running one) and sends it the create step, an Update whose activity takes the license: a refusal (no license left,
an edition the account does not have, an existing organizer) comes back as the Update's error, with its field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from temporalio.client import Client, WorkflowHandle

from models.accounts import Edition, Product
from models.admin import LicenseCount, OrganizerList, OrganizerRow, SeatHolderRow
from models.organizer import (
    ActivateOrganizer,
    CreateOrganizer,
    InvitationSent,
    NewOrganizer,
    OrganizerAccountInput,
    OrganizerState,
    OrganizerStatus,
    ReinviteOrganizer,
    RemoveOrganizer,
    edition_label,
)
from models.organizer_rules import edition_phrase, no_license_left, no_such_edition
from models.refusals import Refusal, because
from models.words import ORGANIZER
from starter.errors import NotFound, OnrampError, StepRefused
from starter.services import workflow_calls
from starter.settings import Settings
from store import SessionFactory, activation_tokens, organizer_ids
from store import organizers as store
from store.tables import Organizer, SeatAssignment
from workflows.organizer_account import OrganizerAccountWorkflow

T = TypeVar("T")


class InvalidEdition(OnrampError):
    http_status = 422


class ActivationLinkInvalid(NotFound):
    def __init__(self) -> None:
        super().__init__(
            because(
                "This activation link does not work any more: it is unknown, has expired, was already used, or the "
                "account was removed. Ask your enterprise admin to re-invite you."
            ),
            type=Refusal.ACTIVATION_LINK_INVALID,
        )


# ---------------------------------------------------------------------------------------------- reads


async def licenses(sessions: SessionFactory, account_no: str) -> list[LicenseCount]:
    async with sessions() as session:
        pools = await store.pools(session, account_no)
    return [
        LicenseCount(
            product=Product(p.product),
            edition=Edition(p.edition),
            label=edition_label(p.product, p.edition),
            seats=p.seats,
            used=p.used,
            remaining=p.remaining,
        )
        for p in pools
    ]


def remaining_text(counts: list[LicenseCount]) -> str:
    """'GoTo Meeting Enterprise: 1 left · GoTo Meeting Standard: 2 left' (the seed's 'remaining' line)."""
    return " · ".join(f"{c.label}: {c.remaining} left" for c in counts) or "No licenses on this account."


async def listing(sessions: SessionFactory, account_no: str) -> OrganizerList:
    async with sessions() as session:
        rows = await store.listing(session, account_no)
        seats = await store.seat_holders(session, account_no)
    counts = await licenses(sessions, account_no)
    return OrganizerList(
        licenses=counts,
        remaining=remaining_text(counts),
        organizers=[_row(row) for row in rows],
        seats=[_seat_row(seat) for seat in seats],
    )


async def handle(
    client: Client, sessions: SessionFactory, account_no: str, email: str
) -> WorkflowHandle[OrganizerAccountWorkflow, OrganizerState]:
    """The organizer's workflow (its id is kept with the account and e-mail: the id holds no e-mail)."""
    workflow_id = await organizer_ids.find(sessions, account_no, email)
    if workflow_id is None:
        raise _unknown(email)
    return client.get_workflow_handle_for(OrganizerAccountWorkflow.run, workflow_id)


async def status(client: Client, sessions: SessionFactory, account_no: str, email: str) -> OrganizerState:
    """The organizer account's state: from the running workflow, or the result of a finished one."""
    return await workflow_calls.current_state(
        client, await handle(client, sessions, account_no, email), OrganizerState, lambda: _unknown(email)
    )


# ---------------------------------------------------------------------------------------------- steps


async def create(
    client: Client,
    settings: Settings,
    sessions: SessionFactory,
    account_no: str,
    organizer: NewOrganizer,
    operator: str = "enterprise admin",
) -> InvitationSent:
    """Take a license and invite the organizer. Refused, with the field, for an edition the account does not
    have, an edition with nothing left, or an e-mail that already has an organizer account here."""
    counts = await licenses(sessions, account_no)
    pool = next((c for c in counts if c.product is organizer.product and c.edition is organizer.edition), None)
    if pool is None:
        held = [edition_phrase(c.product, c.edition) for c in counts]
        raise InvalidEdition(
            no_such_edition(organizer.product, organizer.edition, held), type=Refusal.INVALID_STEP, field="edition"
        )
    if pool.remaining == 0:  # the activity decides races; this spares a workflow that can only be refused
        raise StepRefused(
            no_license_left(pool.product, pool.edition, pool.seats),
            type=Refusal.NO_LICENSE_LEFT,
            field="edition",
        )
    request = OrganizerAccountInput(account_no=account_no, email=organizer.email)
    workflow_id = await organizer_ids.find_or_make(sessions, account_no, str(organizer.email))
    try:
        h, _ = await workflow_calls.start_once(
            client, OrganizerAccountWorkflow.run, request, id=workflow_id, task_queue=settings.task_queue
        )
    except workflow_calls.WorkflowCompleted:  # a removed organizer made again is a new organizer account: a new key
        workflow_id = await organizer_ids.renew(sessions, account_no, str(organizer.email), workflow_id)
        h, _ = await workflow_calls.start_once(
            client, OrganizerAccountWorkflow.run, request, id=workflow_id, task_queue=settings.task_queue
        )
    step = CreateOrganizer(
        last_name=organizer.last_name,
        first_name=organizer.first_name,
        product=organizer.product,
        edition=organizer.edition,
        language=organizer.language,
        operator=operator,
    )
    try:
        return await workflow_calls.update(client, h, "create", step, InvitationSent)
    except workflow_calls.WorkflowCompleted:
        raise StepRefused(
            because("The organizer account for %(email)s could not be created: try again.", email=str(organizer.email)),
            type=Refusal.RETRY,
        ) from None


async def reinvite(
    client: Client, sessions: SessionFactory, account_no: str, email: str, operator: str = "enterprise admin"
) -> InvitationSent:
    """Refused with a sentence for a seat from a seat order: its holder was never sent an invitation."""
    step = ReinviteOrganizer(operator=operator)
    try:
        return await _step(client, sessions, account_no, email, "reinvite", step, InvitationSent)
    except NotFound:
        async with sessions() as session:
            seats = await store.seats_of(session, account_no, email)
        if seats:
            raise _not_invited(_seat_row(seats[0])) from None
        raise


async def reinvite_seat(sessions: SessionFactory, account_no: str, email: str, product: Product) -> None:
    """A seat from a seat order ticked for re-invite: always refused, with why (or that it is gone)."""
    async with sessions() as session:
        seats = [seat for seat in await store.seats_of(session, account_no, email) if seat.product == product.value]
    if not seats:
        raise _no_seat(email, product)
    raise _not_invited(_seat_row(seats[0]))


def _not_invited(seat: SeatHolderRow) -> StepRefused:
    return StepRefused(
        because(
            "Re-invite is for organizer accounts: %(email)s holds a seat of %(product)s from seat order "
            "%(order_no)s, which came with no invitation to send again.",
            email=str(seat.email),
            product=seat.product.value,
            order_no=seat.order_no,
        ),
        type=Refusal.WRONG_STATE,
        field="email",
    )


def _no_seat(email: str, product: Product) -> NotFound:
    return NotFound(
        because(
            "%(email)s holds no seat of %(product)s from a seat order on this account: it was released "
            "already, or never assigned.",
            email=email,
            product=product.value,
        ),
        type=Refusal.NOT_FOUND,
        field="email",
    )


async def release_seat(sessions: SessionFactory, account_no: str, email: str, product: Product) -> SeatHolderRow:
    """Release the seat of ``product`` a seat order assigned to ``email``: the row goes and its license is back in
    the pool, in one transaction. A second release (a double click, an old tab) is told there is nothing to
    release, and gives nothing back."""
    async with sessions.begin() as session:
        released = await store.release_seat(session, account_no, email, product.value)
    if released is None:
        raise _no_seat(email, product)
    return _seat_row(released)


async def remove(
    client: Client,
    sessions: SessionFactory,
    account_no: str,
    email: str,
    operator: str = "enterprise admin",
    reason: str | None = None,
) -> OrganizerState:
    step = RemoveOrganizer(operator=operator, reason=reason)
    try:
        return await _step(client, sessions, account_no, email, "remove", step, OrganizerState)
    except NotFound:
        async with sessions() as session:
            seats = await store.seats_of(session, account_no, email)
        if seats:
            raise NotFound(
                because(
                    "%(email)s has no organizer account here, but holds a seat of %(product)s from seat order "
                    "%(order_no)s: release that seat instead.",
                    email=email,
                    product=seats[0].product,
                    order_no=seats[0].order_no,
                ),
                type=Refusal.NOT_FOUND,
                field="email",
            ) from None
        raise


async def _step(
    client: Client, sessions: SessionFactory, account_no: str, email: str, name: str, request: object, result: type[T]
) -> T:
    async def ended() -> StepRefused:
        final = await status(client, sessions, account_no, email)
        return StepRefused(
            because(
                "%(email)s has no organizer account here any more (%(status)s).",
                email=email,
                status=ORGANIZER[final.status],
            ),
            type=Refusal.ORGANIZER_STATE_CONFLICT,
        )

    h = await handle(client, sessions, account_no, email)
    return await workflow_calls.step(client, h, name, request, result, ended=ended, unknown=lambda: _unknown(email))


def _unknown(email: str) -> NotFound:
    return NotFound(
        because("There is no organizer account for %(email)s on this account.", email=email),
        type=Refusal.NOT_FOUND,
        field="email",
    )


# ---------------------------------------------------------------------------------------------- activation


async def activation_target(sessions: SessionFactory, token: str) -> OrganizerRow:
    """The organizer an activation link is for, while the link works."""
    async with sessions() as session:
        found = await activation_tokens.find_valid(session, token, datetime.now(UTC), purpose="organizer")
        if found is None:
            raise ActivationLinkInvalid()
        workflow_id, email = found.workflow_id, found.email
    account_no = await organizer_ids.account_of(sessions, workflow_id)
    async with sessions() as session:
        row = await store.find(session, account_no, email) if account_no else None
    if row is None or row.status not in store.HOLDING:
        raise ActivationLinkInvalid()
    return _row(row)


async def activate(client: Client, sessions: SessionFactory, token: str, language: str | None = None) -> OrganizerState:
    """The organizer confirmed (in ``language``, when they chose one): the workflow activates the account (and
    spends every link of it)."""
    async with sessions() as session:
        found = await activation_tokens.find_valid(session, token, datetime.now(UTC), purpose="organizer")
    if found is None:
        raise ActivationLinkInvalid()
    h = client.get_workflow_handle_for(OrganizerAccountWorkflow.run, found.workflow_id)
    try:
        step = ActivateOrganizer(via="link", language=language)
        return await workflow_calls.update(client, h, "activate", step, OrganizerState)
    except (workflow_calls.WorkflowCompleted, NotFound):
        raise ActivationLinkInvalid() from None


def _seat_row(seat: SeatAssignment) -> SeatHolderRow:
    """A seat from a seat order as the product list shows it."""
    return SeatHolderRow(
        email=seat.email,
        last_name=seat.last_name,
        first_name=seat.first_name,
        product=Product(seat.product),
        edition=Edition(seat.edition),
        label=edition_label(seat.product, seat.edition),
        order_no=seat.order_no,
        assigned_at=seat.assigned_at,
    )


def _row(row: Organizer) -> OrganizerRow:
    """An organizer account as the product list shows it."""
    return OrganizerRow(
        email=row.email,
        last_name=row.last_name,
        first_name=row.first_name,
        product=Product(row.product),
        edition=Edition(row.edition),
        label=edition_label(row.product, row.edition),
        status=OrganizerStatus(row.status),
        invited_at=row.invited_at,
        activated_at=row.activated_at,
        language=row.language,
    )

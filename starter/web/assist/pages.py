"""Webex Assist for customers (seed 004) as web pages, in the setup wizard's look, without JavaScript:

    /assist                       what an assist is, order one (a link per package), find my booking, compare
    /assist/packages              the seed's comparison table, fees, hours and add-ons
    /assist/order …               ordering, the seed's four steps (ordering.py, ordering_steps.py)
    /assist/find                  find my booking: reservation number + contact e-mail
    /assist/bookings/<no> …       the booking, update date/time (changes.py), cancel (cancelling.py), the
                                  planning call and rehearsal (preparation.py), the add-ons (add_ons.py)

Every form POSTs and is answered with a redirect (Post/Redirect/Get); a refusal shows the page again with the
workflow's sentence next to its field. A confirmed booking is shown only to a browser that has given its number and
contact e-mail (a short-lived signed cookie, proof.py); the e-mail never appears in a URL. The rules live in
AssistBookingWorkflow and models/assist_rules.py; these pages render and forward.

``router`` holds every Assist page.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import EmailStr, ValidationError

from models.assist_packages import COLUMNS, COMPARISON, PACKAGES, PackageInfo, ServiceRow
from models.assist_requests import ReservationNo
from models.common import Contract
from starter.errors import NotFound
from starter.services import assist
from starter.web.access import PUBLIC, on_page
from starter.web.assist import add_ons, cancelling, changes, options, ordering, ordering_steps, preparation, words
from starter.web.assist.portal import ASSIST, now
from starter.web.assist.proof import BookingProofs
from starter.web.deps import Sessions, Temporal
from starter.web.forms import FormSpec, field_errors, form_of
from starter.web.guard import guarded
from starter.web.rate_limits import Limit, limited
from starter.web.reading import gettext, lazy_gettext, ngettext
from starter.web.rendering import redirect
from starter.web.said import said

router = APIRouter(include_in_schema=False)

FIND = FormSpec(fields=("reservation_no", "contact_email"))
FIND_NOTICE = lazy_gettext(
    "To see this booking, enter its contact e-mail address. This browser remembers a booking you found for 30 minutes."
)
MALFORMED_NUMBER = lazy_gettext("Enter the reservation number as in your confirmation e-mail, e.g. WA-261121-3F9A0C.")


class FindForm(Contract):
    reservation_no: ReservationNo
    contact_email: EmailStr


def hours(info: PackageInfo) -> str:
    """What the package's time covers, in the seed's words."""
    if info.production_hours_note:
        return words.marked(info.production_hours_note)
    return ngettext(
        "A session of up to %(num)d hour; extra time is an add-on.",
        "A session of up to %(num)d hours; extra time is an add-on.",
        int(info.included_event_hours),
    )


def phases() -> list[tuple[str, list[ServiceRow]]]:
    """The comparison's rows grouped by phase, in the seed's order."""
    grouped: list[tuple[str, list[ServiceRow]]] = []
    for row in COMPARISON:
        if not grouped or grouped[-1][0] != row.phase:
            grouped.append((row.phase, []))
        grouped[-1][1].append(row)
    return grouped


def find_page(
    values: dict[str, str], errors: dict[str, str] | None = None, status: int = 200, **context: object
) -> HTMLResponse:
    return ASSIST.render(
        "assist/find.html",
        status,
        title=gettext("Update or cancel an assist"),
        section="find",
        values=values,
        errors=errors or {},
        **context,
    )


@router.get("/assist", response_class=HTMLResponse, dependencies=[PUBLIC])
@guarded(ASSIST)
async def landing(request: Request, sessions: Sessions, site: str = "") -> Response:
    """What an assist is and **Order now** per package: with ``?site=`` (the page's site choice), only the packages
    the site's contract includes, each link carrying the site to the order form; without one, all four and a note
    that the site's contract decides."""
    sites = await options.site_options(sessions)
    chosen = site.strip().lower() if site.strip().lower() in sites else ""
    offered = await options.site_package_options(sessions, chosen)
    return ASSIST.render(
        "assist/landing.html",
        title=gettext("Webex Assist"),
        package_list=[info for info in PACKAGES.values() if info.package.value in offered],
        chosen_site=chosen or None,
        site_options={"": gettext("Choose your Webex site"), **sites},
        values={"site": chosen},
        errors={},
    )


@router.get("/assist/packages", response_class=HTMLResponse, dependencies=[PUBLIC])
@guarded(ASSIST)
async def packages(request: Request) -> Response:
    return ASSIST.render(
        "assist/packages.html",
        title=gettext("Compare the assist packages"),
        section="packages",
        wide=True,
        columns=[PACKAGES[package] for package in COLUMNS],
        phases=phases(),
        hours={info.package: hours(info) for info in PACKAGES.values()},
    )


@router.get("/assist/find", response_class=HTMLResponse, dependencies=[PUBLIC])
@guarded(ASSIST)
async def find_form(request: Request, reservation_no: str = "") -> Response:
    """The find page; a booking's page that asked for the proof sends its number along."""
    number = reservation_no.strip().upper()[:20]
    return find_page({"reservation_no": number}, notice=FIND_NOTICE if number else None)


@router.post(
    "/assist/find",
    response_class=HTMLResponse,
    dependencies=[PUBLIC, Depends(on_page(ASSIST, limited(Limit.FINDING)))],
)
@guarded(ASSIST)
async def find(request: Request, temporal: Temporal, proofs: BookingProofs) -> Response:
    """Find my booking: the right pair opens the booking's pages in this browser; a wrong pair reads like an
    unknown number."""
    form = await form_of(request)
    kept = {name: form.get(name, "").strip() for name in FIND.fields}
    try:
        proof = FindForm.model_validate(kept)
    except ValidationError as err:
        errors, _ = field_errors(err, FIND)
        if "reservation_no" in errors and kept["reservation_no"]:
            errors["reservation_no"] = str(MALFORMED_NUMBER)
        return find_page(kept, errors, 422)
    try:
        state = await assist.find(await temporal(), proof.reservation_no, str(proof.contact_email))
    except NotFound as err:
        return find_page(kept, {"reservation_no": said(err)}, 404)
    response = redirect(f"/assist/bookings/{state.reservation_no}")
    proofs.remember(response, request, state.reservation_no, str(proof.contact_email), now())
    return response


router.include_router(ordering.router)
router.include_router(ordering_steps.router)
router.include_router(changes.router)
router.include_router(cancelling.router)
router.include_router(preparation.router)
router.include_router(add_ons.router)

"""The organizer's activation page (seed 000, step 5): the link in the invitation e-mail shows who the account is
for, and its button activates it. The organizer has no portal login: the link's token is all they carry."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from models.languages import supported
from starter.errors import OnrampError
from starter.services import organizers
from starter.web import params, reading
from starter.web.access import on_page
from starter.web.deps import Sessions, Temporal
from starter.web.enterprise.activation_link import LINK_GONE, PageActivationLink
from starter.web.forms import form_of
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.rate_limits import Limit, limited
from starter.web.reading import gettext
from starter.web.rendering import language_options, page_tag
from starter.web.said import said
from starter.web.vocabulary import edition_label

router = APIRouter(include_in_schema=False)


@router.get(
    "/activate/{token}", response_class=HTMLResponse, dependencies=[Depends(on_page(ADMIN, limited(Limit.LINKS)))]
)
@guarded(ADMIN)
async def activation_page(token: params.Token, organizer: PageActivationLink, request: Request) -> Response:
    """In the organizer's language (their admin's choice, unless their own or their browser's says otherwise)."""
    language = reading.of_record(organizer.language)
    return ADMIN.render(
        "enterprise/activate.html",
        title=gettext("Activate your account"),
        organizer=organizer,
        action=f"/activate/{quote(token)}",
        languages=language_options(),
        values={"language": page_tag(organizer.language or language.value)},
        errors={},
    )


@router.post("/activate/{token}", response_class=HTMLResponse)
@guarded(ADMIN)
async def activate(
    token: params.Token, organizer: PageActivationLink, request: Request, sessions: Sessions, temporal: Temporal
) -> Response:
    chosen = supported((await form_of(request)).get("language", ""))
    reading.of_record(chosen.value if chosen else organizer.language)
    try:
        state = await organizers.activate(await temporal(), sessions, token, chosen.value if chosen else None)
    except organizers.ActivationLinkInvalid as err:
        return ADMIN.message(LINK_GONE, said(err), 404)
    except OnrampError as err:
        return ADMIN.message(gettext("This account cannot be activated"), said(err), err.http_status)
    edition = edition_label(state.product, state.edition) if state.product and state.edition else ""
    return ADMIN.message(
        gettext("Your account is active"),
        gettext(
            "Welcome, %(first_name)s: your %(edition)s organizer account (%(email)s) is active.",
            first_name=state.first_name,
            edition=edition,
            email=state.email,
        ),
    )

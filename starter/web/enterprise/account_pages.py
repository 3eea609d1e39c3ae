"""The admin portal's user information (seed 000, steps 3 to 5): the basic information and the product list with
its organizer accounts on one page, the company info form, the create-account form, and re-invite / remove for the
accounts ticked in the product list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.accounts import CHINA, Product
from models.admin import CompanyEdit
from models.organizer import NewOrganizer
from starter.errors import OnrampError
from starter.services import admin_auth as auth
from starter.services import company, organizers
from starter.web.access import PageAdmin
from starter.web.deps import AppSettings, Sessions, Temporal
from starter.web.enterprise import address_choices, words
from starter.web.enterprise.notices import HOME, notice_text, redirect_with_notice
from starter.web.forms import FormSpec, first, form_of, read_form, submit
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.reading import gettext, lazy_gettext
from starter.web.rendering import language_options, page_tag
from starter.web.said import said
from store import SessionFactory

router = APIRouter(include_in_schema=False)

PHONE = lazy_gettext("Use digits, spaces, + ( ) -, and an extension such as 'ext 12', 'x12', '#12' or '转12'.")
PHONE_FIELDS = ("admin_phone", "admin_mobile", "company_phone", "company_fax")
COMPANY_FORM = FormSpec(
    fields=("admin_email", "admin_name", *PHONE_FIELDS, "country", "province", "city", "street"),
    choices=frozenset({"country"}),
    hints=dict.fromkeys(PHONE_FIELDS, PHONE),
)
ORGANIZER_FORM = FormSpec(
    fields=("last_name", "first_name", "email", "edition", "language"),
    choices=frozenset({"edition", "language"}),
    aliases={"product": "edition"},  # one select chooses both: "<product>|<edition>"
)
ACTIONS = {"reinvite": "reinvited", "remove": "removed"}
"""The product list's buttons, and the notice each one's success shows."""


# ---------------------------------------------------------------------------------------------- user information


@router.get("/admin", response_class=HTMLResponse)
@guarded(ADMIN)
async def home(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    return await _home_page(request, sessions, admin)


async def _home_page(
    request: Request, sessions: SessionFactory, admin: auth.Admin, status: int = 200, error: str | None = None
) -> HTMLResponse:
    info = await company.read(sessions, admin.account_no)
    listing = await organizers.listing(sessions, admin.account_no)
    return ADMIN.render(
        "enterprise/home.html",
        status,
        here=HOME,  # also when a POST (re-invite, remove) answers with it
        title=gettext("User information"),
        admin=admin,
        menu="home",
        wide=True,
        company=info.company,
        address=address_choices.shown(info.company),
        listing=listing,
        remaining=words.remaining(listing.licenses),
        statuses=words.STATUSES,
        notice=notice_text(request),
        error=error,
    )


# ---------------------------------------------------------------------------------------------- company info


@router.get("/admin/company", response_class=HTMLResponse)
@guarded(ADMIN)
async def company_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    info = (await company.read(sessions, admin.account_no)).company
    return _company_form(admin, info.admin_email, info.customer_name, info.model_dump(mode="json"))


@router.post("/admin/company", response_class=HTMLResponse)
@guarded(ADMIN)
async def save_company(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    """Saves the form; when another country was chosen whose address fields are of the other kind (choices or
    text), the form again with them, saving nothing."""
    form = await form_of(request)
    values = {name: form.get(name, "") for name in COMPANY_FORM.fields}
    values["country"] = values["country"].strip().upper() or CHINA  # a form from before the field: the default
    shown_country = form.get("shown_country", "").strip().upper() or values["country"]
    if (shown_country == CHINA) != (values["country"] == CHINA):  # the other kind of address fields
        if shown_country == CHINA:  # the choices' codes mean nothing as text (typed text may match a choice)
            values = {**values, "province": "", "city": ""}
        again = gettext("Choose the province and city of the country you chose, then click OK.")
        return _company_form(admin, admin.email, admin.customer_name, values, error=again)
    saved = await submit(
        COMPANY_FORM,
        lambda: CompanyEdit.model_validate(values),
        lambda edit: company.update(sessions, admin.account_no, edit),  # refused: another admin's username
        lambda errors, top, status: _company_form(admin, admin.email, admin.customer_name, values, errors, top, status),
    )
    if isinstance(saved, Response):
        return saved
    if saved.username_changed:
        return redirect_with_notice(HOME, "username", str(saved.username))
    return redirect_with_notice(HOME, "company")


def _company_form(
    admin: auth.Admin,
    username: str,
    customer_name: str,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The customer name is shown, never a field: it is read-only here. A company in China chooses its province
    and city from the national list (the cities of the province chosen); elsewhere they are typed."""
    china = values.get("country", CHINA) == CHINA
    return ADMIN.render(
        "enterprise/company.html",
        status,
        title=gettext("Edit information"),
        admin=admin,
        menu="home",
        username=username,
        customer_name=customer_name,
        values=address_choices.as_choices(values) if china else values,
        china=china,
        countries=address_choices.countries(),
        provinces=address_choices.province_options() if china else [],
        cities=address_choices.city_options(values.get("province", "")) if china else [],
        errors=errors or {},
        error=error,
    )


# ---------------------------------------------------------------------------------------------- organizer accounts


@router.get("/admin/organizers/new", response_class=HTMLResponse)
@guarded(ADMIN)
async def new_organizer_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    return await _organizer_form(sessions, admin)


@router.post("/admin/organizers/new", response_class=HTMLResponse)
@guarded(ADMIN)
async def create_organizer(
    request: Request, admin: PageAdmin, sessions: Sessions, settings: AppSettings, temporal: Temporal
) -> Response:
    form = await form_of(request)
    values = {name: form.get(name, "") for name in ORGANIZER_FORM.fields}
    product, _, edition = values["edition"].partition("|")
    fields = {name: values[name] for name in ("last_name", "first_name", "email")}

    def parse() -> NewOrganizer:
        chosen = {"product": product or None, "edition": edition or None, "language": values["language"] or None}
        return NewOrganizer.model_validate({**fields, **chosen})

    async def create(organizer: NewOrganizer) -> str:
        """Takes a license and invites; refused: no license left, an edition the account lacks, an existing one."""
        await organizers.create(await temporal(), settings, sessions, admin.account_no, organizer, operator=admin.email)
        return str(organizer.email)

    created = await submit(
        ORGANIZER_FORM,
        parse,
        create,
        lambda errors, top, status: _organizer_form(sessions, admin, values, errors, top, status),
    )
    if isinstance(created, Response):
        return created
    return redirect_with_notice(HOME, "created", created)


async def _organizer_form(
    sessions: SessionFactory,
    admin: auth.Admin,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Every edition of the account with what is left of it; the first one with a license left is chosen."""
    counts = await organizers.licenses(sessions, admin.account_no)
    options = [(f"{c.product.value}|{c.edition.value}", words.license_option(c)) for c in counts]
    chosen = next((f"{c.product.value}|{c.edition.value}" for c in counts if c.remaining), "")
    return ADMIN.render(
        "enterprise/organizer_new.html",
        status,
        title=gettext("Create account"),
        admin=admin,
        menu="home",
        remaining=words.remaining(counts),
        editions=options,
        languages=language_options(),
        values={"edition": chosen, "language": page_tag(admin.language), **(values or {})},
        errors=errors or {},
        error=error,
    )


@router.post("/admin/organizers/action", response_class=HTMLResponse)
@guarded(ADMIN)
async def organizer_action(request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal) -> Response:
    """Re-invite or remove every ticked account; one refused does not stop the others, and the page says which."""
    form = await read_form(request)
    action = first(form).get("action", "")
    emails = [value for name, value in form if name == "email" and value]
    seats = [value for name, value in form if name == "seat" and value]
    if action not in ACTIONS:
        return await _home_page(request, sessions, admin, status=400, error=gettext("Choose Re-invite or Remove."))
    if not emails and not seats:
        return await _home_page(
            request,
            sessions,
            admin,
            status=400,
            error=gettext("Select an account in the product list first, then click again."),
        )
    client = await temporal()
    done, problems = [], []
    for email in emails:
        try:
            if action == "reinvite":
                await organizers.reinvite(client, sessions, admin.account_no, email, operator=admin.email)
            else:
                await organizers.remove(client, sessions, admin.account_no, email, operator=admin.email)
        except OnrampError as err:
            problems.append(said(err))
        else:
            done.append(email)
    for seat in seats:
        try:
            await _seat_action(sessions, admin.account_no, action, seat)
        except OnrampError as err:
            problems.append(said(err))
        except ValueError:  # not a "<product>|<e-mail>" the page wrote
            problems.append(gettext("A seat you ticked is not in the product list any more."))
        else:
            done.append(
                gettext("%(email)s (%(product)s)", email=seat.partition("|")[2], product=seat.partition("|")[0])
            )
    if problems:
        prefix = gettext("Done for %(who)s.", who=", ".join(done)) + " " if done else ""
        return await _home_page(request, sessions, admin, status=409, error=prefix + " ".join(problems))
    return redirect_with_notice(HOME, ACTIONS[action], ", ".join(done))


async def _seat_action(sessions: SessionFactory, account_no: str, action: str, seat: str) -> None:
    """A seat from a seat order ticked in the product list ("<product>|<e-mail>"): Remove releases it, and its
    license is back; Re-invite is refused with why (no invitation came with it)."""
    product, _, email = seat.partition("|")
    if not email:
        raise ValueError(seat)
    if action == "remove":
        await organizers.release_seat(sessions, account_no, email, Product(product))
    else:
        await organizers.reinvite_seat(sessions, account_no, email, Product(product))

"""Issue 13's pseudo-locale acceptance: with English pseudo-translated (tests/pseudo_locale.py: every message wrapped
in ⟦…⟧ and accented), every visible text of every page of each portal reads accented, so a hard-coded or unmarked
string, or a value shown without its translation, cannot hide behind English that happens to read right.

Each test walks one portal page by page in process, as a browser posting its forms does (Accept-Language: en),
the refused forms with their field errors included, and checks every HTML answer; what it put in itself (names,
addresses, numbers) is data, and so is what Babel's English locale data writes. The flows are reached through the
portals' own test helpers; whatever they do over the JSON API in English happens before the pseudo catalogs are
installed.

On the Webex Assist tests' world (tests/assist_env.py: a time-skipping server, a database and a worker of this
module's own, where nothing skips time), which the other portals share here.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, time
from html import unescape

import httpx
import pytest
from babel.messages.pofile import read_po
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

import translations
from models.accounts import Edition, Product
from models.assist_packages import Package
from models.assist_time import SessionTime
from models.languages import SupportedLanguage
from models.seat_order import SeatOrderStatus
from models.words import SEAT_ORDER
from starter.mail_sink import MailSink
from starter.services import console_queues, partner_orders
from starter.services.callers import Scope
from starter.settings import Settings
from starter.web.app import create_app
from starter.web.said import named as said_named
from store import SessionFactory, assist_sites
from store import assist as store
from tests.admin_support import (
    FIRST_PASSWORD,
    NEW_PASSWORD,
    activation_path,
    add_order,
    log_in,
    mails_to,
    new_account,
    ready_admin,
    uid,
)
from tests.admin_support import browser as admin_browser
from tests.assist_env import (  # noqa: F401
    assist_db_fixture,
    client_fixture,
    http_fixture,
    settings_fixture,
    ts_env_fixture,
    worker_fixture,
)
from tests.assist_support import availability, book, new_site, schedule, session_at
from tests.pseudo_locale import PageChecker, install, pseudo, pseudo_english, pseudo_translations
from tests.seat_portal_support import CART, PAYMENT, form_action, seat_account
from tests.support import eventually, free_port, operator_key
from tests.test_org_join import asked_to_join, join_path
from tests.test_seat_pages import to_service_order
from tests.test_wizard_pages import browser
from tests.wizard_support import CALLING, NEW_CUSTOMER, NEW_PARTNER, mail_to, order_awaiting_setup, token_of

ENGLISH = {"Accept-Language": "en"}
DECLINE_CARD = "4000 0000 0000 0002"


@pytest.fixture
def app(client: Client, settings: Settings, assist_db: SessionFactory) -> FastAPI:
    return create_app(settings, client=client, sessions=assist_db)


@pytest.fixture
async def web(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with english(app) as http:
        yield http


def english(app: FastAPI) -> httpx.AsyncClient:
    """A browser of its own (cookies, redirects followed) whose reader asks for English: the pseudo-locale."""
    http = browser(app)
    http.headers.update(ENGLISH)
    return http


def text_of(response: httpx.Response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def reads(response: httpx.Response, english_text: str) -> httpx.Response:
    """The walk is where it means to be: the page says ``english_text``, pseudo-translated."""
    assert pseudo(english_text) in text_of(response), f"{response.url.path}: not {english_text!r}: {text_of(response)}"
    return response


async def shows(http: httpx.AsyncClient, path: str, english_title: str) -> httpx.Response:
    """The page once it shows ``english_title`` pseudo-translated (work a worker does in real time)."""

    async def shown() -> httpx.Response | None:
        response = await http.get(path)
        return response if pseudo(english_title) in text_of(response) else None

    return await eventually(shown, what=f"{english_title!r} on {path}")


# ---------------------------------------------------------------------------------------------- the checker itself


def test_the_pseudo_translation_keeps_placeholders_markup_plurals_and_contexts() -> None:
    assert pseudo('Hi %(name)s: 100%% <a href="/x">here</a> &amp; %(num)d') == (
        '⟦Ĥï %(name)s: 100%% <a href="/x">ĥëŕë</a> &amp; %(num)d⟧'
    )
    with translations.template_file(translations.MESSAGES).open("rb") as pot:
        template = read_po(pot)
    singular, plural = next(m.id for m in template if isinstance(m.id, tuple))
    context, message = next((m.context, m.id) for m in template if m.context and isinstance(m.id, str))
    english = pseudo_translations(translations.MESSAGES)
    assert english.ngettext(singular, plural, 1) == pseudo(singular)
    assert english.ngettext(singular, plural, 2) == pseudo(plural)
    assert english.pgettext(str(context), str(message)) == pseudo(str(message))


def test_the_pseudo_catalogs_stand_for_english_pages_only(monkeypatch: pytest.MonkeyPatch) -> None:
    patched = install(monkeypatch)
    assert {"translations.catalog", "translations.reasons.catalog", "starter.web.said.catalog"} <= set(patched)
    assert translations.catalog(SupportedLanguage.ENGLISH).gettext("Log in") == pseudo("Log in")
    assert said_named(SEAT_ORDER[SeatOrderStatus.COMPLETED]) == pseudo("completed")  # the refusals' words too
    assert translations.catalog(SupportedLanguage.GERMAN).gettext("Log in") != pseudo("Log in")
    assert translations.catalog(SupportedLanguage.ENGLISH, translations.MAILS).gettext("Log in") == "Log in"


def test_the_checker_reports_plain_english_but_not_data() -> None:
    html = (
        "<html><head><title>⟦Ŧïŧľë⟧ · Hidden Title</title><style>p { color: red }</style></head><body>"
        '<script>const word = "code";</script><p>⟦Ŵëľçöɱë⟧, Ada Lovelace</p><p>Hard-coded words</p>'
        '<input placeholder="Search here"><img alt="⟦ľöĝö⟧" src="/x.png"><p>⟦Ŧïɱë⟧: 2026-12-01 09:30 China Time, '
        "Dec · 1,234.00 USD · Europe/Ljubljana · America/New York · Deutsch · kranj-1e.webex.com</p>"
        "<p>Ada Lovelaces</p></body></html>"
    )
    pages = PageChecker()
    pages.know("Ada Lovelace", "kranj-1e")
    pages.check(httpx.Response(200, html=html, request=httpx.Request("GET", "http://test/here")), status=200)
    assert [(left.page, left.where, left.text) for left in pages.leftovers()] == [
        ("GET /here → 200", "<title>", "⟦Ŧïŧľë⟧ · Hidden Title"),
        ("GET /here → 200", "<p>", "Hard-coded words"),
        ("GET /here → 200", "<input placeholder>", "Search here"),
        ("GET /here → 200", "<p>", "Ada Lovelaces"),  # a datum inside a longer word is no datum
    ]


# ---------------------------------------------------------------------------------------------- enterprise admin


async def test_every_page_of_the_admin_portal_is_translated(
    app: FastAPI, web: httpx.AsyncClient, assist_db: SessionFactory, settings: Settings, mail_sink: MailSink
) -> None:
    account = await new_account(
        assist_db,
        settings,
        seats={(Product.GOTO_MEETING, Edition.ENTERPRISE): 1, (Product.GOTO_MEETING, Edition.STANDARD): 2},
    )
    order_no = f"SO-{uid()}"
    await add_order(assist_db, account.account_no, order_no=order_no)
    ada, bob = f"ada-{uid()}@yitong.example", f"bob-{uid()}@yitong.example"
    pages = PageChecker()
    pages.know(account.account_no, account.admin_email, account.customer_name, "Li Wei", "Zhang Min", "Shanghai")
    pages.know(order_no, "+86 21 5555 0100", "Lovelace", "Ada", ada, bob, "not-an-address", "wrong-password")
    pages.know("call me", "Mars/Olympus", "NO-SUCH", "not-a-date")

    with pseudo_english() as walk:
        login = {"username": account.admin_email, "password": FIRST_PASSWORD, "next": "/admin"}
        pages.check(await web.get("/admin/login"), status=200)
        pages.check(await web.post("/admin/login", data=login | {"password": "wrong-password"}))
        forced = pages.check(await web.post("/admin/login", data=login), status=200)
        assert forced.url.path == "/admin/password"
        change = {"old_password": FIRST_PASSWORD, "new_password": NEW_PASSWORD}
        pages.check(await web.post("/admin/password", data=change | {"new_password_confirmation": "other2026"}))
        home = pages.check(await web.post("/admin/password", data=change | {"new_password_confirmation": NEW_PASSWORD}))
        assert home.url.path == "/admin"

        company = {
            "admin_email": account.admin_email,
            "admin_name": "Li Wei",
            "admin_phone": "+86 21 5555 0100",
            "province": "Shanghai",
            "city": "Shanghai",
        }
        pages.check(await web.get("/admin/company"), status=200)
        pages.check(await web.post("/admin/company", data=company | {"admin_phone": "call me"}), status=422)
        pages.check(await web.post("/admin/company", data=company), status=200)

        organizer = {"last_name": "Lovelace", "first_name": "Ada", "email": ada, "edition": "GoTo Meeting|Enterprise"}
        pages.check(await web.get("/admin/organizers/new"), status=200)
        blank = organizer | {"last_name": " ", "email": "not-an-address"}
        pages.check(await web.post("/admin/organizers/new", data=blank), status=422)
        pages.check(await web.post("/admin/organizers/new", data=organizer), status=200)  # the list, with Ada
        pages.check(await web.post("/admin/organizers/new", data=organizer | {"email": bob}), status=409)  # none left
        standard = organizer | {"edition": "GoTo Meeting|Standard"}
        pages.check(await web.post("/admin/organizers/new", data=standard), status=409)  # Ada has one already
        pages.check(await web.post("/admin/organizers/new", data=standard | {"email": bob}), status=200)
        pages.check(await web.post("/admin/organizers/action", data={"action": "reinvite"}), status=400)
        pages.check(await web.post("/admin/organizers/action", data={"action": "reinvite", "email": ada}), status=200)

        [invitation] = await mails_to(mail_sink, bob)
        async with english(app) as organizer_browser:
            pages.check(await organizer_browser.get(activation_path(invitation)), status=200)
            reads(
                pages.check(await organizer_browser.post(activation_path(invitation)), status=200),
                "Your account is active",
            )
            pages.check(await organizer_browser.post(activation_path(invitation)))  # spent
            pages.check(await organizer_browser.get("/activate/no-such-token"), status=404)
        pages.check(await web.post("/admin/organizers/action", data={"action": "reinvite", "email": bob}), status=409)
        pages.check(await web.post("/admin/organizers/action", data={"action": "remove", "email": bob}), status=200)

        pages.check(await web.get("/admin/orders"), status=200)
        pages.check(await web.get("/admin/orders", params={"order_no": "NO-SUCH"}), status=200)
        pages.check(await web.get("/admin/orders", params={"date_from": "not-a-date"}))

        pages.check(await web.get("/admin/preferences"), status=200)
        wanted = {"language": "en", "time_zone": "Asia/Shanghai"}
        pages.check(await web.post("/admin/preferences", data=wanted | {"time_zone": "Mars/Olympus"}), status=422)
        pages.check(await web.post("/admin/preferences", data=wanted), status=200)
        pages.check(await web.get("/admin/billing-contact"), status=200)
        contact = {"name": "Zhang Min", "email": "not an address", "language": "en"}
        pages.check(await web.post("/admin/billing-contact", data=contact), status=422)
        services = settings.account_services()
        pages.know(str(services.email), services.phone, services.hours, "Seats", "Please call me.")
        message = {"subject": "Seats", "message": "Please call me.", "order_no": ""}
        pages.check(await web.get("/admin/contact"), status=200)
        pages.check(await web.post("/admin/contact", data=message | {"subject": " "}), status=422)
        pages.check(await web.post("/admin/contact", data=message), status=200)  # the confirmation
        pages.check(await web.get("/admin/password"), status=200)
        pages.check(await web.post("/admin/logout"), status=200)

        reset = "/admin/password-reset"
        pages.check(await web.get(reset), status=200)
        pages.check(await web.post(reset, data={"email": "not-an-address"}), status=422)
        pages.check(await web.post(reset, data={"email": account.admin_email}), status=200)
        [mail] = await mails_to(mail_sink, account.admin_email, subject="Set a new password")
        [link] = [link for link in mail.links if f"{reset}/" in link]
        path = reset + "/" + link.rsplit(f"{reset}/", 1)[1]
        pages.check(await web.get(path), status=200)
        pages.check(await web.post(path, data={"new_password": "ab", "new_password_confirmation": "ab"}), status=422)
        chosen = {"new_password": "Reset2026", "new_password_confirmation": "Reset2026"}
        pages.check(await web.post(path, data=chosen), status=200)  # the login page, with its notice
        pages.check(await web.get(path), status=410)
        pages.check(await web.get(f"{reset}/no-such-token"), status=404)

    pages.assert_clean(walk.unwalked("enterprise"))


# ---------------------------------------------------------------------------------------------- seat portal


async def test_every_page_of_the_seat_portal_is_translated(
    app: FastAPI, web: httpx.AsyncClient, assist_db: SessionFactory, settings: Settings, ts_env: WorkflowEnvironment
) -> None:
    today: date = (await ts_env.get_current_time()).date()
    account = await seat_account(assist_db, settings, today)
    invoiced = await seat_account(assist_db, settings, today, payment_method="invoice")
    pages = PageChecker()
    pages.know(account.account_no, account.admin_email, account.customer_name, account.billing_email)
    pages.know(invoiced.account_no, invoiced.admin_email, invoiced.customer_name, invoiced.billing_email)
    pages.know("Li Wei", "Zhang Min", *PAYMENT.values(), "CN", "Visa", "two", "1234 5678", "Germany")

    with pseudo_english() as walk:
        await ready_admin(web, account)
        pages.check(await web.get("/admin/subscriptions"), status=200)
        cart = pages.check(await web.get("/admin/seat-orders/new"), status=200)
        action = form_action(cart.text)
        order_no = action.split("/")[3]
        pages.know(order_no)
        pages.check(await web.post(action, data={CART: "two"}), status=422)
        pages.check(await web.post(action, data={CART: " "}), status=422)
        pages.check(await web.post(action, data={CART: "501"}), status=422)  # the workflow's own rule
        quote = pages.check(await web.post(action, data={CART: "5"}), status=200)
        assert quote.url.path == f"/admin/seat-orders/{order_no}/quote"

        pay = f"/admin/seat-orders/{order_no}/payment"
        pages.check(await web.post(f"/admin/seat-orders/{order_no}/accept"), status=200)
        wrong = {"card_number": "1234 5678", "email": "mei", "country": "Germany", "first_name": " "}
        pages.check(await web.post(pay, data=PAYMENT | wrong), status=422)
        pages.check(await web.post(pay, data=PAYMENT | {"card_expiry": "01/2020"}), status=422)
        pages.check(await web.post(pay, data=PAYMENT | {"payment_method": "file"}), status=422)
        service_order = pages.check(await web.post(pay, data=PAYMENT), status=200)
        assert service_order.url.path == f"/admin/seat-orders/{order_no}/service-order"
        pages.check(await web.get(pay), status=200)  # now with the card on file

        pages.check(await web.post(f"/admin/seat-orders/{order_no}/place"), status=200)
        pages.check(await web.post(f"/admin/seat-orders/{order_no}/place"), status=409)
        pages.check(await shows(web, f"/admin/seat-orders/{order_no}", "Your seats have been added"))
        pages.check(await web.get("/admin/subscriptions"), status=200)

        declined = form_action((await web.get("/admin/seat-orders/new")).text).split("/")[3]
        pages.know(declined, "too early")
        pages.check(await web.post(f"/admin/seat-orders/{declined}/seats", data={CART: "2"}), status=200)
        pages.check(await web.post(f"/admin/seat-orders/{declined}/decline", data={"reason": "too early"}), status=200)
        pages.check(await web.post(f"/admin/seat-orders/{declined}/accept"), status=409)

        first = form_action((await web.get("/admin/seat-orders/new")).text).split("/")[3]
        pages.know(first)
        await web.post(f"/admin/seat-orders/{first}/seats", data={CART: "1"})
        pages.check(await web.get("/admin/subscriptions"), status=200)  # a quote is open
        pages.check(await web.get("/admin/quotes"), status=200)  # open, declined and accepted quotes
        pages.know("NOPE")
        pages.check(
            await web.post(f"/admin/seat-orders/{first}/seats", data={CART: "1", "promotion_code": "NOPE"}), status=422
        )
        expiring = pages.check(await web.get("/admin/seat-orders/new"), status=200)  # ... and would expire
        pages.know(form_action(expiring.text).split("/")[3])

        async with admin_browser(app) as plain:  # the helper follows no redirect
            await log_in(plain, account.admin_email, NEW_PASSWORD)
            failed = await to_service_order(plain, card=DECLINE_CARD)
        pages.know(failed)
        pages.check(await web.get(f"/admin/seat-orders/{failed}/service-order"), status=200)
        await web.post(f"/admin/seat-orders/{failed}/place")
        pages.check(await shows(web, f"/admin/seat-orders/{failed}", "Your service order could not be completed"))
        pages.check(await shows(web, f"/admin/seat-orders/{first}", "This quote was replaced"))
        pages.check(await web.post(f"/admin/seat-orders/{first}/accept"), status=409)
        pages.check(await web.get("/admin/seat-orders/NO-SUCH-ORDER/quote"), status=404)
        pages.know("NO-SUCH-ORDER")

        async with english(app) as other:
            await ready_admin(other, invoiced)
            pages.check(await other.get("/admin/subscriptions"), status=200)
            pages.check(await other.get("/admin/seat-orders/new"), status=409)
            pages.check(await other.get("/admin/quotes"), status=200)  # none yet
            pages.check(await other.get("/admin/payment-method"), status=200)  # by invoice
            card = {"method": "card", "card": "new", "card_number": "4242 4242 4242 4241"}
            pages.check(await other.post("/admin/payment-method", data=card), status=422)
            card |= {"card_number": "4242 4242 4242 4242", "card_expiry": "12/2030"}
            pages.check(await other.post("/admin/payment-method", data=card), status=200)  # automatic now
            pages.check(await other.post("/admin/payment-method", data={"method": "invoice"}), status=200)

    pages.assert_clean(walk.unwalked("seat_orders"))


# ---------------------------------------------------------------------------------------------- Set Up Now wizard


async def test_every_page_of_the_set_up_now_wizard_is_translated(
    app: FastAPI,
    web: httpx.AsyncClient,
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    assist_db: SessionFactory,
) -> None:
    tag = uid()
    partner, customer = f"Partner {tag}", f"Customer {tag}"
    o, token = await order_awaiting_setup(
        client, ts_env, settings, mail_sink, partner_name=partner, customer_name=customer
    )
    handed, handed_token = await order_awaiting_setup(
        client, ts_env, settings, mail_sink, partner_name=partner, customer_name=customer
    )
    joined, _, boss, joining = await asked_to_join(http, client, ts_env, settings, mail_sink, assist_db)  # in English
    [join_request] = await mails_to(mail_sink, boss)
    asking = await partner_orders.status(client, joined)
    admin, colleague = f"admin-{tag}@customer-{tag}.example", f"colleague-{tag}@partner.example"
    subdomain = f"kranj-{tag}"
    pages = PageChecker()
    for order in (o, handed, asking):
        pages.know(
            order.order_id, order.offer.value, order.provisioning_contact_email, order.account_representative_email
        )
        pages.know(order.partner_name, order.customer_name)
    pages.know(admin, colleague, boss, joining, subdomain, f"Kranj-{tag}", "www", "HQ")
    pages.know(*NEW_PARTNER.values(), *NEW_CUSTOMER.values(), "Slovenia", "01 234 5678", "+386 1 234 5678")
    url = f"/setup/{token}"

    with pseudo_english() as walk:
        pages.check(await web.get(url), status=200)
        pages.check(await web.post(f"{url}/open", data={}), status=200)
        pages.check(await web.post(f"{url}/role", data={"role": "partner"}), status=200)
        pages.check(await web.post(f"{url}/setup-by", data={"who": "colleague", "email": ""}), status=422)
        pages.check(await web.post(f"{url}/setup-by", data={"who": "me", "email": ""}), status=200)
        bad = {"decision": "create", "name": partner, "country": "Slovenia", "address": " ", "city": "Ljubljana"}
        pages.check(await web.post(f"{url}/partner-org", data=bad), status=422)
        created = {"decision": "create", **NEW_PARTNER, "name": partner}
        pages.check(await web.post(f"{url}/partner-org", data=created), status=200)
        pages.check(await web.get(f"{url}?step=partner_org"), status=200)  # went back
        own = {"email": o.provisioning_contact_email}
        pages.check(await web.post(f"{url}/customer-admin", data=own), status=422)
        pages.check(await web.post(f"{url}/customer-admin", data={"email": admin}), status=200)
        pages.check(await web.post(f"{url}/customer-org", data={"name": "x"}), status=422)
        pages.know("x")
        new_customer = {"choice": "create", **NEW_CUSTOMER, "name": customer}
        pages.check(await web.post(f"{url}/customer-org", data=new_customer), status=200)
        pages.check(await web.post(f"{url}/submit", data={}), status=422)
        pages.check(await web.post(f"{url}/submit", data={"confirm": "on"}), status=200)
        mismatch = {"password": "s3cret-pass", "password_confirmation": "s3cret-pazz"}
        pages.check(await web.post(f"{url}/password", data=mismatch), status=422)
        same = {"password": "s3cret-pass", "password_confirmation": "s3cret-pass"}
        pages.check(await web.post(f"{url}/password", data=same), status=200)
        pages.check(await web.post(f"{url}/subscription", data={}), status=200)
        calling = {**CALLING, "emergency_callback_number": "01 234 5678"}
        pages.check(await web.post(f"{url}/calling", data=calling), status=422)
        calling |= {"emergency_callback_number": "+386 1 234 5678"}
        pages.check(await web.post(f"{url}/calling", data=calling), status=200)
        meetings = {"default_language": "sl", "audio": "webex_audio", "time_zone": "Europe/Ljubljana"}
        pages.check(await web.post(f"{url}/meetings", data=meetings | {"recording": "on"}), status=200)
        pages.check(await web.post(f"{url}/company", data={"subdomain": subdomain, "action": "check"}), status=200)
        pages.check(await web.post(f"{url}/company", data={"subdomain": "www", "action": "check"}), status=200)
        pages.check(await web.post(f"{url}/company", data={"subdomain": f"Kranj-{tag}", "action": "save"}), status=200)
        reads(pages.check(await web.post(f"{url}/provision", data={}), status=200), "Your subscription is active")
        pages.check(await web.get(url), status=404)  # the link has done its work
        pages.check(await web.get("/setup/not-a-real-token-0123456789"), status=404)

        handed_url = f"/setup/{handed_token}"
        async with english(web._transport.app) as other:  # type: ignore[attr-defined]
            await other.post(f"{handed_url}/open", data={})
            pages.check(await other.post(f"{handed_url}/role", data={"role": "partner"}), status=200)
            reads(pages.check(await other.post(f"{handed_url}/leave"), status=200), "You left the setup")
            await other.post(f"{handed_url}/open", data={})
            await other.post(f"{handed_url}/role", data={"role": "partner"})
            colleague_form = {"who": "colleague", "email": colleague}
            handed_over = pages.check(await other.post(f"{handed_url}/setup-by", data=colleague_form), status=200)
            reads(handed_over, "The setup was handed over")
        [colleague_mail] = await mail_to(mail_sink, colleague)
        pages.check(await web.get(f"/setup/{token_of(colleague_mail)}"), status=200)
        order_page = f"/orders/{token_of(colleague_mail)}"  # a partner's order page, and asking for a new link
        pages.check(await web.get(order_page), status=200)
        pages.check(await web.post(f"{order_page}/new-link", data={}), status=200)
        pages.check(await web.get("/orders/link"), status=200)
        pages.check(await web.post("/orders/link", data={"order_id": handed.order_id, "email": "x"}), status=422)
        pages.check(await web.post("/orders/link", data={"order_id": handed.order_id, "email": colleague}), status=200)
        pages.check(await web.get("/orders/not-a-real-token-0123456789"), status=404)

        async with english(web._transport.app) as administrator:  # type: ignore[attr-defined]
            path = join_path(join_request)
            pages.check(await administrator.get(path), status=200)
            pages.check(await administrator.post(path, data={}), status=422)
            pages.check(await administrator.post(path, data={"decision": "confirm"}), status=200)
            pages.check(await administrator.get(path), status=404)

    pages.assert_clean(walk.unwalked("partner_orders"))


# ---------------------------------------------------------------------------------------------- Webex Assist

HOST = {"host_id": "mei.lin", "host_email": "mei@customer.example"}


def step1(site: str, when: dict[str, str], email: str, **changes: str) -> dict[str, str]:
    """The availability form as a person fills it in (time zone left at "the Webex site's")."""
    return {
        "first_name": "Mei",
        "last_name": "Lin",
        "phone": "+886 2 1234 5678",
        "email": email,
        "company": "Yitong Trading",
        "site": site,
        "package": "ec_standard",
        "time_zone": "",
        **when,
        **changes,
    }


def at(session: SessionTime) -> dict[str, str]:
    """A session's date, time and length, as the form's fields."""
    return {
        "date": session.date.isoformat(),
        "time": f"{session.time:%H:%M}",
        "duration": str(session.duration_minutes),
    }


def number_of(response: httpx.Response) -> str:
    """The reservation number in the page's address: /assist/order/<no>/…"""
    return response.url.path.split("/")[3]


async def test_every_page_of_webex_assist_is_translated(
    app: FastAPI,
    web: httpx.AsyncClient,
    ts_env: WorkflowEnvironment,
    assist_db: SessionFactory,
    settings: Settings,
) -> None:
    now = await ts_env.get_current_time()
    site, busy_site = await new_site(assist_db), await new_site(assist_db, producers=0)
    narrow = await new_site(assist_db, producers=0)  # its contract: Meeting Center Premium only
    async with assist_db.begin() as session:
        await assist_sites.set_packages(session, narrow, [Package.MEETING_CENTER_PREMIUM])
    when, moved, busy = session_at(now, 30), session_at(now, 33, at=time(11, 30)), session_at(now, 40, at=time(9, 0))
    scheduled = await schedule(
        assist_db, site, when, topic="Launch webinar", host_id=HOST["host_id"], host_email=HOST["host_email"]
    )
    email, draft_email, busy_email = (f"{who}-{uid()}@customer.example" for who in ("mei", "draft", "busy"))
    async with assist_db() as session:
        producers = await store.producers(session)
    for _ in producers:  # every producer busy at ``busy``
        assert (await book(web, availability(busy_site, busy)))["confirmed"]
    pages = PageChecker()
    pages.know(site, busy_site, f"Test site {site}", f"Test site {busy_site}", scheduled.session_key, email)
    pages.know(narrow, f"Test site {narrow}")
    pages.know(draft_email, busy_email, *HOST.values(), "Mei", "Lin", "Mei Lin", "+886 2 1234 5678", "Yitong Trading")
    pages.know("Launch webinar", "Product launch", "Mandarin", "not-an-address", "someone.else", "eve@evil.example")
    pages.know(*(p.name for p in producers), *(p.email for p in producers), "WA-990101-ABCDEF", "12")
    for session_time in (when, moved, busy):
        pages.know(session_time.label())

    with pseudo_english() as walk:
        pages.check(await web.get("/assist"), status=200)
        pages.check(await web.get("/assist/packages"), status=200)
        pages.check(await web.get("/assist/order?package=ec_standard"), status=200)
        pages.check(await web.get(f"/assist?site={narrow}"), status=200)  # the site's packages only
        pages.check(await web.get(f"/assist/order?package=mc_premium&site={narrow}"), status=200)
        pages.check(await web.post("/assist/order", data=step1(narrow, at(when), email)), status=422)  # not included
        blank = step1(site, at(when), "not-an-address", first_name=" ", time="")
        pages.check(await web.post("/assist/order", data=blank), status=422)
        too_soon = step1(site, at(session_at(now, 13)), email)
        pages.check(await web.post("/assist/order", data=too_soon), status=422)

        lookup = pages.check(await web.post("/assist/order", data=step1(site, at(when), email)), status=200)
        number = number_of(lookup)
        pages.know(number)
        pages.check(await web.get(f"/assist/order/{number}"), status=200)  # back to step 1
        pages.check(await web.post(f"/assist/order/{number}/availability", data=too_soon), status=422)
        steps = f"/assist/order/{number}"
        pages.check(await web.post(f"{steps}/lookup", data={}), status=422)
        pages.check(await web.post(f"{steps}/lookup", data={"scheduled": "not_yet"}), status=422)
        miss = {"scheduled": "by_me", "host_id": "someone.else", "host_email": HOST["host_email"]}
        pages.check(await web.post(f"{steps}/lookup", data=miss), status=422)
        pages.check(await web.post(f"{steps}/lookup", data={"scheduled": "by_me", **HOST}), status=200)
        event = {"topic": "Launch webinar", "host_name": "Mei Lin", "expected_attendees": "300", "language": "Mandarin"}
        reads(pages.check(await web.post(f"{steps}/event", data=event), status=200), "Your assist is booked")

        booking = f"/assist/bookings/{number}"
        pages.check(await web.get(booking), status=200)
        pages.check(await web.get(f"{booking}/reschedule"), status=200)
        pages.check(await web.post(f"{booking}/reschedule", data=at(when)), status=422)  # the same time
        site_step = pages.check(await web.post(f"{booking}/reschedule", data=at(moved)), status=200)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', site_step.text))
        pages.check(await web.post(f"{booking}/reschedule/site", data=hidden | {"updated": "no"}), status=200)
        done = hidden | {"updated": "no", "update_for_me": "yes"}
        moved_page = pages.check(await web.post(f"{booking}/reschedule/site", data=done), status=200)
        reads(moved_page, "Your assist has been moved")
        chooser = pages.check(await web.get(f"{booking}/preparation"), status=200)
        pages.check(await web.post(f"{booking}/preparation", data={"kind": "planning_call"}), status=422)
        [slot, *_] = re.findall(r'name="slot" value="([^"]+)"', chooser.text)
        picked = {"kind": "planning_call", "slot": slot}
        reads(
            pages.check(await web.post(f"{booking}/preparation", data=picked), status=200),
            "Planning call and rehearsal",
        )
        pages.check(await web.get(f"{booking}/add-ons"), status=200)
        pages.check(await web.post(f"{booking}/add-ons", data={"add_on_extra_rehearsal": "on"}), status=200)
        pages.check(await web.get(f"{booking}/cancel"), status=200)
        cancelled = pages.check(await web.post(f"{booking}/cancel", data={"confirm": "yes"}), status=200)
        reads(cancelled, "Your assist is cancelled")
        pages.check(await web.get(booking), status=200)
        pages.check(await web.get(f"{booking}/cancel"), status=409)

        async with english(app) as stranger:
            pages.check(await stranger.get(booking), status=200)  # leads to the find page
            wrong = {"reservation_no": number, "contact_email": "eve@evil.example"}
            pages.check(await stranger.post("/assist/find", data=wrong), status=404)
            pages.check(await stranger.post("/assist/find", data=wrong | {"reservation_no": "12"}), status=422)
            found = {"reservation_no": number, "contact_email": email}
            reads(pages.check(await stranger.post("/assist/find", data=found), status=200), "Your assist booking")

        draft = number_of(await web.post("/assist/order", data=step1(site, at(session_at(now, 22)), draft_email)))
        pages.know(draft)
        pages.check(await web.post(f"/assist/order/{draft}/lookup", data={"scheduled": "by_someone_else"}))
        reads(pages.check(await web.post(f"/assist/order/{draft}/cancel"), status=200), "The order was cancelled")

        alternatives = pages.check(await web.post("/assist/order", data=step1(busy_site, at(busy), busy_email)))
        pages.know(number_of(alternatives))
        assert "alternative" in alternatives.text, alternatives.url

        offline = create_app(
            settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"}),
            client=None,
            sessions=assist_db,
        )
        async with english(offline) as down:
            pages.check(await down.post("/assist/order", data=step1(site, at(when), email)), status=503)

    pages.assert_clean(walk.unwalked("assist"))


# ---------------------------------------------------------------------------------------------- the operators' console


async def test_every_page_of_the_operators_console_is_translated(
    web: httpx.AsyncClient,
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    assist_db: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if "Sign in to the console" not in translations.template_file().read_text():
        pytest.skip("the console's messages are not in translations/messages.pot yet: extract the catalogs")
    o, _ = await order_awaiting_setup(client, ts_env, settings, mail_sink)
    key = await operator_key(assist_db, "pseudo-shift", [Scope.READ, Scope.ACT])
    pages = PageChecker()
    pages.know(o.order_id, o.offer.value, o.provisioning_contact_email, o.account_representative_email)
    pages.know(o.partner_name, o.customer_name, "api-key:pseudo-shift", "not-an-address", "set_up_now")
    pages.know("onramp", "NO-SUCH-1")  # the product's name; an order number typed into the address

    async def listed(*_: object, **__: object) -> console_queues.Page:  # the time-skipping server lists nothing
        row = console_queues.Row(
            o.workflow_id, "partner_order", o.order_id, "awaiting_setup", True, None, None, None, False, None
        )
        return console_queues.Page([row], "next-page-token")

    site = await new_site(assist_db)
    booking = availability(site, session_at(await ts_env.get_current_time(), 20))
    booked = (await book(http, booking))["state"]  # in English, over the API
    pages.know(site, booked["reservation_no"], booked["producer"]["producer_id"], booked["availability"]["package"])
    pages.know(*booking["customer"].values(), "confirmation")  # a mail's purpose, as the workflow names it
    monkeypatch.setattr(console_queues, "page", listed)
    with pseudo_english() as walk:
        pages.check(await web.get("/console"), status=200)  # to the sign-in
        pages.check(await web.post("/console/login", data={"credential": "onr_nosuch.key"}), status=401)
        pages.check(await web.post("/console/login", data={"credential": key}), status=200)  # the queues
        pages.check(await web.get("/console/queues/escalated"), status=200)
        order_page = f"/console/orders/{o.workflow_id}"
        state = await partner_orders.status(client, o.order_id)
        pages.know(*(entry.text for entry in state.timeline))
        pages.check(await web.get(order_page), status=200)
        pages.check(await web.post(f"{order_page}/contact", data={"new_email": "not-an-address"}), status=422)
        resent = pages.check(await web.post(f"{order_page}/resend", data={}), status=200)
        pages.know(*(entry.text for entry in (await partner_orders.status(client, o.order_id)).timeline))
        reads(resent, "The Set Up Now e-mail is being sent again.")
        pages.check(await web.get("/console/orders/partner-order-NO-SUCH-1"), status=404)
        booking_page = f"/console/orders/assist-{booked['reservation_no']}"
        pages.check(await web.get(booking_page), status=200)
        pages.check(await web.post(f"{booking_page}/cancel", data={}), status=422)
        pages.check(await web.post("/console/logout", data={}), status=200)  # the sign-in again

    pages.assert_clean(walk.unwalked("console"))

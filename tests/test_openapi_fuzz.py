"""The JSON API fuzzed from its own OpenAPI schema (schemathesis): every operation in the schema (/api/..., /codec/...
and /healthz) gets a bounded, derandomized set of generated requests, schema-valid and invalid ones, and must
- answer no 5xx (``not_a_server_error``),
- answer what its schema declares for the status it gives (``response_schema_conformance``),
- not refuse schema-valid input (``positive_data_acceptance``), but for the rules no schema can state, named per
  operation and field in ``DOMAIN_RULES`` (what exists, what the clock says, what must match another field).
A failure names the operation (the test's id) and prints a curl command that reproduces it. Hypothesis generates
the same requests on every run (only the ids the world below makes differ), without shrinking; ONRAMP_FUZZ_EXAMPLES
(15 by default) sets how many per operation, e.g. 200 to dig deeper locally.

The HTML pages are not in the schema (``include_in_schema=False``) and are not fuzzed here: they answer forms with
pages and redirects, which an OpenAPI response schema does not describe; tests/test_*_pages.py and test_access.py
cover them.

Each call carries what a real caller of that operation has (``Caller``): the operator's API key, or an enterprise
admin's session (its cookie and CSRF token) of an account of its own, or a link token, or a booking's contact
e-mail. In about half the examples the path parameters (and the few body fields only such a caller knows: a wizard
session id, a card's reference, a site, a password to confirm) are the caller's real ones, so the operations get past
404 and do their work; in the others they are whatever the schema allows. Every operation that changes a process
has a process of its own, brought to the step before it (a wizard at that step, a seat order with its quote, a
confirmed booking, ...), so no operation's examples spoil another's.

The world is built once for the module, on the session's time-skipping server, worker and database (``ts_env``,
``worker``, ``workflow_db``: what the ``client`` fixture hands out, at module scope). The schema is the app's own,
made at import (schemathesis generates one test per operation from it; its fixture-based loader does not run under
this pytest), and the fixture checks that the app under test serves exactly that schema. Hypothesis drives a
synchronous test, so each request runs on the session's event loop, where the worker runs too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import positive_data_acceptance, response_schema_conformance
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web import access
from starter.web.access import Access
from starter.web.app import create_app
from store import SessionFactory
from tests.admin_support import NEW_PASSWORD, browser
from tests.assist_support import availability, new_site, proof, schedule, session_at, start_order
from tests.seat_support import APPROVE, add_card, new_account, start, step, up_to_service_order
from tests.support import bearer, eventually, make_settings, order
from tests.wizard_support import CALLING, NEW_CUSTOMER, NEW_PARTNER, Wizard, existing_customer

T = TypeVar("T")

EXAMPLES = int(os.environ.get("ONRAMP_FUZZ_EXAMPLES", "15"))
"""Generated requests per operation (schema-valid and invalid ones): ~60 operations in about a minute on 2 cores.
ONRAMP_FUZZ_EXAMPLES=200 digs deeper, locally."""

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {
            "max-examples": EXAMPLES,
            "deterministic": True,  # the same requests on every run: a failure reproduces, CI does not flicker
            "no-shrink": True,  # a failure is reported as found (with its curl), not minimised for minutes
            "mode": "all",  # schema-valid requests, and invalid ones (which must be 4xx, never 5xx)
            "database": "none",
            # The credentials are the caller's (below), not generated: a random bearer token is a 401 and no more.
            "with-security-parameters": False,
        },
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
APP_SCHEMA = create_app(make_settings()).openapi()
schema = schemathesis.openapi.from_dict(APP_SCHEMA, config=CONFIG)


# ---------------------------------------------------------------------------------------------- the callers


@dataclass
class Caller:
    """What the real caller of one operation has: its client (with its credentials: a bearer token, or an admin's
    cookie jar and CSRF token, or none), the ids of its own that go in the path, the header parameters it knows (a
    booking's contact e-mail), and the body fields only it can know (a wizard session id, a card's reference)."""

    http: httpx.AsyncClient
    path: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)

    def fill(self, case: Case) -> None:
        """The caller's own values in place of the generated ones (where the operation has such a parameter)."""
        if case.path_parameters:
            case.path_parameters = {name: self.path.get(name, value) for name, value in case.path_parameters.items()}
        if self.headers:
            case.headers = {**(case.headers or {}), **self.headers}
        if self.body and isinstance(case.body, dict):
            case.body = _merged(case.body, self.body)


def _merged(generated: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
    """``generated`` with the known values of the fields it has (nested objects field by field); a callable known
    value makes the field's value from the generated body (a confirmation that repeats the password)."""
    merged = dict(generated)
    for name, value in known.items():
        if name not in merged:
            continue
        if callable(value):
            with contextlib.suppress(TypeError, KeyError, AttributeError):  # a body not of the schema's shape
                merged[name] = value(generated)
        elif isinstance(value, dict) and isinstance(merged[name], dict):
            merged[name] = _merged(merged[name], value)
        else:
            merged[name] = value
    return merged


@dataclass
class World:
    """The callers of every operation, and the event loop their calls run on."""

    loop: asyncio.AbstractEventLoop
    callers: dict[str, Caller]

    def caller(self, label: str) -> Caller:
        return self.callers[label]

    def run(self, work: Awaitable[T]) -> T:
        """The session's event loop runs the call (and the worker with it): the test itself is synchronous."""
        return self.loop.run_until_complete(work)

    async def send(self, caller: Caller, case: Case) -> httpx.Response:
        sent = case.as_transport_kwargs(base_url="http://test")
        assert not sent.get("cookies"), "the schema declares no cookie parameters"
        return await caller.http.request(
            sent["method"],
            sent["url"],
            params=sent.get("params"),
            headers=sent.get("headers"),
            json=sent.get("json"),
            content=sent.get("data"),
        )


async def _now(ts_env: WorkflowEnvironment) -> datetime:
    """The later of the wall clock and the test server's (skipped) clock: the services check the first, the
    workflows the second."""
    return max(datetime.now(UTC), await ts_env.get_current_time())


def uid() -> str:
    return uuid.uuid4().hex[:8]


async def _link(sink: MailSink, to: str, marker: str, since: int) -> str:
    """The link holding ``marker`` in a mail to ``to`` that arrived after the sink's first ``since`` mails. Each look
    reads only the mails that are new since the last one: by this module the session's sink holds thousands, and
    reading them all twenty times a second starves the event loop the worker runs on."""
    checked = since

    async def arrived() -> str | None:
        nonlocal checked
        mails = sink.mails
        new, checked = mails[checked:], len(mails)
        for mail in new:
            if mail.to == to:
                return next((link for link in mail.links if marker in link), None)
        return None

    return await eventually(arrived, timeout=60, what=f"a mail to {to} with a {marker} link")


# ---------------------------------------------------------------------------------------------- partner orders


async def _partner_order(
    ops: httpx.AsyncClient, start_in_days: int, now: datetime, customer_name: str | None = None
) -> dict[str, Any]:
    body = order(
        now.date() + timedelta(days=start_in_days),
        partner_name=f"Partner {uid()}",
        customer_name=customer_name or f"Customer {uid()}",
        purchased_services=["meetings", "calling"],
    ).model_dump(mode="json")
    answer = await ops.post("/api/partner-orders", json=body)
    assert answer.status_code == 201, answer.text
    return body


WIZARD_WALK: list[tuple[str, Callable[[str], dict[str, Any]]]] = [
    ("role", lambda tag: {"role": "partner"}),
    ("setup-by", lambda tag: {"who": "me"}),
    ("partner-org", lambda tag: {"decision": "create", "details": {**NEW_PARTNER, "name": f"Partner org {tag}"}}),
    ("customer-admin", lambda tag: {"email": f"admin-{tag}@cust-{tag}.example"}),
    ("customer-org", lambda tag: {"decision": "create", "details": {**NEW_CUSTOMER, "name": f"Customer org {tag}"}}),
    ("submit", lambda tag: {"confirm": True}),
    ("password", lambda tag: {"password": "s3cret-pass", "password_confirmation": "s3cret-pass"}),
    ("subscription", lambda tag: {}),
    ("calling", lambda tag: CALLING),
    ("meetings", lambda tag: {"time_zone": "Europe/Ljubljana"}),
    ("company", lambda tag: {"subdomain": f"fuzz-{tag}"}),
    ("provision", lambda tag: {}),
]
"""The partner's path through the wizard: each step's path and a body that passes it."""


async def _wizard_at(
    app: FastAPI, ops: httpx.AsyncClient, sink: MailSink, now: datetime, before: str | None, opened: bool = True
) -> Caller:
    """A link of its own, its wizard session open (unless not ``opened``) and walked up to the step ``before``."""
    since = len(sink.mails)
    body = await _partner_order(ops, -1, now)
    link = browser(app)
    wizard = Wizard(link, (await _link(sink, body["provisioning_contact_email"], "/setup/", since)).rsplit("/", 1)[1])
    if opened:
        await wizard.open()
        tag = uid()
        for path, make in WIZARD_WALK:
            if path == before:
                break
            await wizard.ok(path, **make(tag))
    return Caller(link, path={"token": wizard.token}, body={"session_id": wizard.session_id} if opened else {})


async def _org_join(
    app: FastAPI, ops: httpx.AsyncClient, sink: MailSink, sessions: SessionFactory, now: datetime
) -> Caller:
    """The link an existing customer organization's administrator gets when a partner picks that organization
    (found by its name) for a new administrator (as tests/test_org_join.py asks it)."""
    tag = uid()
    customer, boss = f"Customer {tag}", f"boss-{tag}@{tag}.example"
    org_id = await existing_customer(sessions, customer, boss)
    since = len(sink.mails)
    body = await _partner_order(ops, -1, now, customer_name=customer)
    token = (await _link(sink, body["provisioning_contact_email"], "/setup/", since)).rsplit("/", 1)[1]
    wizard = Wizard(browser(app), token)
    await wizard.open()
    for path, make in WIZARD_WALK[:3]:
        await wizard.ok(path, **make(tag))
    await wizard.ok("customer-admin", email=f"it-{tag}@elsewhere-{tag}.example")
    await wizard.ok("customer-org", decision="use_existing", org_id=org_id)
    since = len(sink.mails)
    await wizard.ok("submit", confirm=True)
    link = await _link(sink, boss, "/join/", since)
    await wizard.http.aclose()
    return Caller(browser(app), path={"token": link.rsplit("/join/", 1)[1]})


# ---------------------------------------------------------------------------------------------- accounts


async def _admin(app: FastAPI, operator: str, today: date) -> tuple[str, httpx.AsyncClient]:
    """A new account, and a client logged in as its admin (first password changed), holding no API key."""
    admin = browser(app)
    admin.headers.update(bearer(operator))
    account_no = await new_account(admin, today)
    admin.headers.pop("Authorization")
    return account_no, admin


async def _admin_email(admin: httpx.AsyncClient) -> str:
    me = await admin.get("/api/admin/me")
    assert me.status_code == 200, me.text
    return str(me.json()["username"])


async def _organizer(admin: httpx.AsyncClient, sink: MailSink, edition: str) -> tuple[str, str]:
    """An organizer of the admin's account: its e-mail and its activation token."""
    email = f"organizer-{uid()}@yitong.example"
    since = len(sink.mails)
    made = await admin.post(
        "/api/admin/organizers", json={"last_name": "Lovelace", "first_name": "Ada", "email": email, "edition": edition}
    )
    assert made.status_code == 201, made.text
    return email, (await _link(sink, email, "/activate/", since)).rsplit("/", 1)[1]


async def _seat_order(admin: httpx.AsyncClient, account_no: str, upto: str, seats: int = 5) -> Caller:
    """A seat order of the admin's account, brought up to the step ``upto``."""
    order_no = (await start(admin, account_no))["order_no"]
    card = await add_card(admin, account_no)
    if upto in ("review", "accept", "payment", "place"):
        lines = [{"product": "GoTo Meeting", "edition": "Enterprise", "new_seats": seats}]
        await step(admin, order_no, "quantities", lines=lines)
    if upto in ("accept", "payment"):
        await step(admin, order_no, "review")
    if upto == "payment":
        await step(admin, order_no, "accept")
    if upto == "place":
        await up_to_service_order(admin, order_no, card, seats=seats)
    return Caller(admin, path={"account_no": account_no, "order_no": order_no}, body={"card": card})


# ---------------------------------------------------------------------------------------------- assist


async def _booking(anonymous: httpx.AsyncClient, site: str, now: datetime, days: int, upto: str) -> Caller:
    """A booking of its own, ``days`` ahead, at the step ``upto`` (lookup, event-info, submit) or ``confirmed``; its
    caller knows the contact e-mail, the site, and a day that is far enough ahead to move it to."""
    body = availability(site, session_at(now, days))
    started = await start_order(anonymous, body)
    number, mine = started["reservation_no"], proof(body)
    steps = [("lookup", {"scheduled": "by_someone_else"}), ("event-info", {"topic": "Launch"}), ("submit", {})]
    for path, step_body in steps:
        if path == upto:
            break
        answer = await anonymous.post(f"/api/assist/bookings/{number}/{path}", json=step_body, headers=mine)
        assert answer.status_code == 200, answer.text
    later = str(session_at(now, days + 1).date)
    return Caller(
        anonymous,
        path={"reservation_no": number},
        headers=mine,
        body={"contact_email": mine["X-Contact-Email"], "site": site, "session": {"date": later}, "date": later},
    )


# ---------------------------------------------------------------------------------------------- the world


async def _partner_orders(
    app: FastAPI, ops: httpx.AsyncClient, sink: MailSink, sessions: SessionFactory, now: datetime
) -> dict[str, Caller]:
    """An order per operator step, a link per wizard step (its wizard brought to that step), and a join link."""
    steering = [await _partner_order(ops, days, now) for days in (-1, -1, 30, -1)]
    callers: dict[str, Caller] = {
        label: Caller(ops, path={"order_id": body["order_id"]})
        for label, body in zip(
            [
                "GET /api/partner-orders/{order_id}",
                "POST /api/partner-orders/{order_id}/resend",
                "POST /api/partner-orders/{order_id}/send-now",  # an order waiting for its start date
                "POST /api/partner-orders/{order_id}/contact",
            ],
            steering,
            strict=True,
        )
    }
    wizards: dict[str, str | None] = {
        "POST /api/setup/{token}/session": None,  # not opened yet
        "GET /api/setup/{token}": "role",
        "GET /api/setup/{token}/subdomain-availability": "company",
        "POST /api/setup/{token}/leave": "partner-org",
        **{f"POST /api/setup/{{token}}/{path}": path for path, _ in WIZARD_WALK},
        "GET /api/orders/{token}": "role",  # a partner's order page
        "POST /api/orders/{token}/new-link": None,
    }
    for label, before in wizards.items():
        callers[label] = await _wizard_at(app, ops, sink, now, before, opened=before is not None)
    callers["POST /api/org-join/{token}"] = await _org_join(app, ops, sink, sessions, now)
    callers["POST /api/setup/{token}/password"].body["password_confirmation"] = lambda body: body["password"]
    for org in ("partner-org", "customer-org"):  # a caller who typed an organization's details creates it
        callers[f"POST /api/setup/{{token}}/{org}"].body["decision"] = lambda body: (
            "create" if body.get("details") else body["decision"]
        )
    return callers


async def _accounts(
    app: FastAPI, ops: httpx.AsyncClient, sink: MailSink, operator: str, today: date
) -> dict[str, Caller]:
    """The accounts API, the admin portal and seat orders: each caller whose steps would spoil another's (a new
    first password, a password change, a logout, an open quote: an account has one at a time) has an account of
    its own."""
    made = [await _admin(app, operator, today) for _ in range(9)]
    (main_no, main), (welcome_no, _), (_, password_admin), (_, logout_admin), *seat_accounts, (big_no, big_admin) = made
    main_email = await _admin_email(main)
    editions = ("Enterprise", "Standard", "Standard", "Enterprise")  # the main account has 3 and 2 of them
    organizers = [await _organizer(main, sink, edition) for edition in editions]
    quantities = await _seat_order(main, main_no, "quantities")
    review = await _seat_order(main, main_no, "review")
    accept, decline, payment, place = [
        await _seat_order(admin, account_no, upto)
        for (account_no, admin), upto in zip(seat_accounts, ("accept", "accept", "payment", "place"), strict=True)
    ]
    big = await _seat_order(big_admin, big_no, "place", seats=500)  # over the 10,000 an operator must approve
    quantities.body["lines"] = (
        lambda body: [  # one line, of a product and edition the account has
            {**line, "product": "GoTo Meeting", "edition": "Enterprise"} for line in body["lines"][:1]
        ]
    )
    await step(big.http, big.path["order_no"], "place")

    async def awaiting_review() -> bool:
        state = await ops.get(f"/api/seat-orders/{big.path['order_no']}")
        return bool(state.json()["status"] == "awaiting_review")

    await eventually(awaiting_review, timeout=60, what="the big order waiting for its review")
    return {
        "GET /api/accounts/{account_no}": Caller(ops, path={"account_no": main_no}),
        "POST /api/accounts/{account_no}/welcome": Caller(ops, path={"account_no": welcome_no}),
        "POST /api/admin/login": Caller(browser(app), body={"username": main_email, "password": NEW_PASSWORD}),
        "POST /api/admin/logout": Caller(logout_admin),
        "POST /api/admin/password": Caller(
            password_admin,
            body={"old_password": NEW_PASSWORD, "new_password_confirmation": lambda body: body["new_password"]},
        ),
        "POST /api/admin/organizers": Caller(main, body={"product": "GoTo Meeting", "edition": "Enterprise"}),
        "GET /api/admin/organizers/{email}": Caller(main, path={"email": organizers[0][0]}),
        "DELETE /api/admin/organizers/{email}": Caller(main, path={"email": organizers[1][0]}),
        "POST /api/admin/organizers/{email}/reinvite": Caller(main, path={"email": organizers[2][0]}),
        "POST /api/organizer-activation/{token}": Caller(browser(app), path={"token": organizers[3][1]}),
        "POST /api/accounts/{account_no}/seat-orders": Caller(main, path={"account_no": main_no}),
        "POST /api/accounts/{account_no}/cards": Caller(
            main, path={"account_no": main_no}, body={"number": APPROVE, "expiry": "12/2030"}
        ),
        "GET /api/seat-orders/{order_no}": quantities,
        "GET /api/seat-orders/{order_no}/quote.pdf": accept,  # an order with its quote: the PDF
        "GET /api/seat-orders/{order_no}/receipt.pdf": quantities,  # not completed: no receipt yet (409)
        "POST /api/seat-orders/{order_no}/quantities": quantities,
        "POST /api/seat-orders/{order_no}/review": review,
        "POST /api/seat-orders/{order_no}/accept": accept,
        "POST /api/seat-orders/{order_no}/decline": decline,
        "POST /api/seat-orders/{order_no}/payment": payment,
        "POST /api/seat-orders/{order_no}/place": place,
        "POST /api/seat-orders/{order_no}/approve": Caller(ops, path=big.path),
        "*admin": Caller(main, path={"account_no": main_no}),
    }


async def _bookings(app: FastAPI, sessions: SessionFactory, now: datetime) -> dict[str, Caller]:
    """Webex Assist: a site with producers, and a booking per step, each on a day of its own."""
    anonymous = browser(app)
    site = await new_site(sessions, producers=12)
    steps = {
        "GET /api/assist/bookings/{reservation_no}": ("lookup", 21),
        "POST /api/assist/bookings/{reservation_no}/availability": ("lookup", 22),
        "POST /api/assist/bookings/{reservation_no}/lookup": ("lookup", 23),
        "POST /api/assist/bookings/{reservation_no}/event-info": ("event-info", 24),
        "POST /api/assist/bookings/{reservation_no}/submit": ("submit", 25),
        "POST /api/assist/bookings/{reservation_no}/reschedule": ("confirmed", 26),
        "POST /api/assist/bookings/{reservation_no}/cancellation-quote": ("confirmed", 27),
        "POST /api/assist/bookings/{reservation_no}/cancel": ("confirmed", 28),
        "POST /api/assist/bookings/{reservation_no}/add-ons": ("confirmed", 29),
        "GET /api/assist/bookings/{reservation_no}/preparations": ("confirmed", 30),
        "POST /api/assist/bookings/{reservation_no}/preparations": ("confirmed", 31),
    }
    callers = {label: await _booking(anonymous, site, now, days, upto) for label, (upto, days) in steps.items()}
    host = {"host_id": f"host-{uid()}", "host_email": f"host-{uid()}@customer.example"}
    await schedule(sessions, site, session_at(now, 23), **host)  # the lookup's booking's session, on the site
    callers["POST /api/assist/bookings/{reservation_no}/lookup"].body.update(host)
    found = callers["GET /api/assist/bookings/{reservation_no}"]
    callers["POST /api/assist/find"] = Caller(
        anonymous,
        body={"reservation_no": found.path["reservation_no"], "contact_email": found.headers["X-Contact-Email"]},
    )
    callers["POST /api/assist/bookings"] = Caller(
        anonymous, body={"site": site, "session": {"date": str(session_at(now, 20).date)}}
    )
    callers["*anonymous"] = Caller(anonymous)
    return callers


async def _build(
    app: FastAPI, ts_env: WorkflowEnvironment, sessions: SessionFactory, sink: MailSink, operator: str
) -> dict[str, Caller]:
    now = await _now(ts_env)
    ops = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(operator))
    callers = {
        **await _partner_orders(app, ops, sink, sessions, now),
        **await _accounts(app, ops, sink, operator, now.date()),
        **await _bookings(app, sessions, now),
    }

    # The codec: the Web UI's payloads are sealed under onramp's key (its id in their metadata), whatever their data.
    sealed = await ops.post("/codec/encode", json={"payloads": [{"data": "e30="}]})
    assert sealed.status_code == 200, sealed.text
    ours = sealed.json()["payloads"][0]["metadata"]
    callers["POST /codec/decode"] = Caller(
        ops,
        body={
            "payloads": lambda body: [{**p, "metadata": {**p.get("metadata", {}), **ours}} for p in body["payloads"]]
        },
    )

    # Everything else: the default caller of the route's rule (an operator's key, the main account's admin, none).
    rules = {f"{method} {route.path}": route.rules[0] for route in access.declared(app) for method in route.methods}
    defaults = {Access.SCOPE: Caller(ops), Access.ADMIN: callers.pop("*admin")}
    anonymous = callers.pop("*anonymous")
    for label in _operations():
        callers.setdefault(label, defaults.get(rules[label].access, anonymous))
    return callers


def _operations() -> list[str]:
    return [f"{method.upper()} {path}" for path, methods in APP_SCHEMA["paths"].items() for method in methods]


@pytest.fixture(scope="module")
async def world(
    ts_env: WorkflowEnvironment,
    worker: Worker,
    settings: Settings,
    workflow_db: tuple[str, SessionFactory],
    mail_sink: MailSink,
    operator_token: str,
) -> AsyncIterator[World]:
    app = create_app(settings, client=ts_env.client, sessions=workflow_db[1])
    assert app.openapi() == APP_SCHEMA  # the app under test serves the schema the tests were generated from
    callers = await _build(app, ts_env, workflow_db[1], mail_sink, operator_token)
    world = World(asyncio.get_running_loop(), callers)
    yield world
    for client in {id(c.http): c.http for c in callers.values()}.values():
        await client.aclose()


# ---------------------------------------------------------------------------------------------- the checks


DOMAIN_RULES: dict[str, dict[str, str]] = {
    "POST /codec/decode": {"payloads": "an encrypted payload's data is what onramp's key sealed"},
    "POST /api/accounts": {
        "subscriptions": "each product and edition once (uniqueItems cannot say 'by product')",
        "company.province": "in China: one of the national list's province-level divisions",
        "company.city": "in China: a city of the chosen province",
    },
    "PUT /api/admin/company": {
        "province": "in China: one of the national list's province-level divisions",
        "city": "in China: a city of the chosen province",
    },
    "POST /api/partner-orders/{order_id}/contact": {"": "a contact other than the order's current one"},
    "POST /api/setup/{token}/role": {"role": "the link's audience: it went to the partner or to the customer"},
    "POST /api/setup/{token}/partner-org": {
        "": "create or confirm: whether the partner has an organization yet",
        "org_id": "one of the organizations the finder proposes",
    },
    "POST /api/setup/{token}/customer-org": {
        "": "pick or create: the organizations the finder proposes",
        "org_id": "one of the organizations the finder proposes",
    },
    "POST /api/setup/{token}/password": {"password_confirmation": "the same password typed twice"},
    "POST /api/admin/password": {
        "old_password": "the admin's current password",
        "new_password_confirmation": "the same new password typed twice",
    },
    "POST /api/admin/organizers": {"edition": "an edition the account has licenses of"},
    "GET /api/admin/orders": {"date_to": "a range whose end is not before its start"},
    "GET /api/admin/orders/export": {"date_to": "a range whose end is not before its start"},
    "POST /api/accounts/{account_no}/cards": {"number": "a card the sandbox gateway takes, not expired"},
    "POST /api/seat-orders/{order_no}/quantities": {
        "lines": "each product and edition once (uniqueItems cannot say 'by product and edition')",
        "lines.product": "a product and edition the account subscribes to",
        "promotion_code": "a promotion that exists, runs today and covers a product in the cart",
    },
    "PUT /api/accounts/{account_no}/payment-method": {"card": "one of the account's own cards"},
    "GET /api/assist/packages": {"site": "a Webex site onramp knows"},
    "POST /api/assist/bookings": {
        "site": "a Webex site onramp knows",
        "package": "a package the site's contract includes",
        "session": "at least 14 days ahead",
        "add_ons": "extra time comes from the duration; Event Center Premium includes invitations; each add-on once",
    },
    "POST /api/assist/bookings/{reservation_no}/availability": {
        "site": "a Webex site onramp knows",
        "package": "a package the site's contract includes",
        "session": "at least 14 days ahead",
        "add_ons": "extra time comes from the duration; Event Center Premium includes invitations; each add-on once",
    },
    "POST /api/assist/bookings/{reservation_no}/lookup": {
        "scheduled": "only Event Center Premium may be ordered before the session is scheduled",
        "host_id": "a session of that host on the site, at the booking's time",
    },
    "POST /api/assist/bookings/{reservation_no}/reschedule": {"date": "at least 14 days ahead"},
    "POST /api/assist/bookings/{reservation_no}/add-ons": {
        "add_ons": "until 14 days before; extra time comes from the duration; Event Center Premium includes "
        "invitations; each add-on once",
    },
    "POST /api/assist/bookings/{reservation_no}/preparations": {
        "kind": "one the booking's package and add-ons include",
        "date": "after the notice, and over before the producer's time for the event begins",
        "time": "a time the booking's zone has, when its producer is free",
    },
}
"""Per operation, the fields whose 422 no schema can state, and why: what exists, what the clock says, what must
match another field or the process's state. "" is a refusal that names no field. Any other 422 for schema-valid
input is a finding: the schema is looser than the validators."""


def valid_data_accepted(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """``positive_data_acceptance``, except for a 422 whose every field is one of the operation's rules that no
    schema can state (``DOMAIN_RULES``: what exists, what the clock says, what must match another field)."""
    rules = DOMAIN_RULES.get(case.operation.label, {})
    if response.status_code == 422 and rules:
        fields = [problem["field"] for problem in response.json().get("fields", [])] or [""]
        if all(_without_indexes(name) in rules for name in fields):
            return None
    return positive_data_acceptance(ctx, response, case)


def _without_indexes(field: str) -> str:
    """``lines.0.product`` as ``lines.product``."""
    return ".".join(part for part in field.split(".") if not part.isdigit())


CHECKS = [not_a_server_error, response_schema_conformance, valid_data_accepted]


@schema.parametrize()
@schema.given(data=st.data())
def test_the_api_answers_as_its_schema_says(case: Case, data: st.DataObject, world: World) -> None:
    caller = world.caller(case.operation.label)
    if data.draw(st.booleans(), label="the caller's own ids"):
        caller.fill(case)
    response = world.run(world.send(caller, case))
    case.validate_response(response, checks=CHECKS)

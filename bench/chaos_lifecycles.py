"""The four processes of bench/chaos.py, each walked as its user walks it, over onramp's HTTP API only.

A caller retries what a real client retries: a refused connection, 429 and 503 after their Retry-After, a 500 (which
is counted: none is expected). A step refused (404 for a spent link, 409, 422) after a retry of it counts as applied (an earlier attempt went
through); a 409 before any retry is the process still busy with the previous step, and is tried again. The
lifecycle's last check, its final state, proves either reading right. Each mail a step makes the user wait for is
awaited in the sink's folder; the others are checked at the end of the round.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import httpx

from models.assist_time import SessionTime
from starter.mail_sink import ReceivedMail, parse
from starter.services.accounts import demo_account
from tests.admin_support import FIRST_PASSWORD, NEW_PASSWORD
from tests.assist_support import availability
from tests.seat_support import ADDRESS, ADMIN, APPROVE
from tests.support import order, with_csrf
from tests.wizard_support import CALLING, NEW_CUSTOMER, NEW_PARTNER

RETRYABLE = {429, 500, 502, 503, 504}
STEP_DEADLINE = 300.0  # a step not answered within this (retries included) fails its lifecycle
CONFLICT_PATIENCE = 120.0  # how long a 409 "not at this step" is taken for the previous step still at work


class StepFailed(Exception):
    """A step did not go through: its lifecycle is lost unless the final check finds it done anyway."""


@dataclass
class Record:
    """What a round saw: every step's latency, the answers worth counting, and the mails users waited for."""

    step_seconds: list[tuple[str, float, float, float]] = field(default_factory=list)  # name, began, ended, seconds
    answers: Counter[str] = field(default_factory=Counter)
    waits: list[tuple[str, float, float]] = field(default_factory=list)  # purpose, triggered at, arrived at

    def longest_step(self) -> tuple[str, float]:
        name, _, _, seconds = max(self.step_seconds, key=lambda s: s[3], default=("-", 0, 0, 0.0))
        return name, seconds


class Caller:
    """One user's HTTP client: its own cookies (an admin's session), an operator's key where the user is one."""

    def __init__(self, base_url: str, record: Record, key: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.http = with_csrf(httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60))
        self.record = record

    async def __aenter__(self) -> Caller:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def call(
        self,
        name: str,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        began = time.time()
        retried = False
        while True:
            try:
                response = await self.http.request(method, path, json=body, headers=headers, params=params)
            except httpx.TransportError as error:
                self.record.answers[f"connection: {type(error).__name__}"] += 1
                response = None
            if response is not None:
                status = response.status_code
                if status < 300 or (retried and status in (404, 409, 422)):
                    if status >= 300:  # an earlier attempt applied it: now it is refused as done (a spent link: 404)
                        self.record.answers[f"{status} after a retry (applied before)"] += 1
                    ended = time.time()
                    self.record.step_seconds.append((name, began, ended, ended - began))
                    return dict(response.json()) if response.content else {}
                if status == 409 and time.time() - began < CONFLICT_PATIENCE:
                    # The previous step's work is still going on (its answer came before its activities ran):
                    # the process is not at this step yet. A person would reload the page; so does this caller.
                    self.record.answers["409 not at this step yet"] += 1
                elif status not in RETRYABLE:
                    raise StepFailed(f"{name}: {status} {response.text[:300]}")
                else:
                    self.record.answers[f"{status} {_error_code(response)}"] += 1
                    retried = True
            else:
                retried = True
            if time.time() - began > STEP_DEADLINE:
                raise StepFailed(f"{name}: not answered within {STEP_DEADLINE:.0f} s")
            await asyncio.sleep(_retry_after(response))


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))
    except ValueError:
        return ""


def _retry_after(response: httpx.Response | None) -> float:
    if response is not None and response.headers.get("Retry-After", "").isdigit():
        return min(float(response.headers["Retry-After"]), 2.0)
    return 0.5


class Mailbox:
    """The sink's folder, read as it fills: each new .eml parsed once, indexed by recipient."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.mails: list[ReceivedMail] = []
        self._seen: set[str] = set()
        self._by_to: dict[str, list[ReceivedMail]] = {}
        self._task: asyncio.Task[None] | None = None

    def scan(self) -> None:
        if not self.folder.exists():
            return
        for path in sorted(self.folder.glob("*.eml")):
            if path.name in self._seen:
                continue
            self._seen.add(path.name)
            stamp = datetime.strptime(path.name.split("-", 1)[0], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
            mail = parse(path.read_bytes(), path, stamp)
            self.mails.append(mail)
            self._by_to.setdefault(mail.to, []).append(mail)

    async def __aenter__(self) -> Mailbox:
        async def keep_scanning() -> None:
            while True:
                self.scan()
                await asyncio.sleep(0.2)

        self._task = asyncio.create_task(keep_scanning())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
        self.scan()

    async def wait(
        self, record: Record, to: str, purpose: str, triggered_at: float, within: float = 300
    ) -> ReceivedMail:
        deadline = time.time() + within
        while True:
            found = [m for m in self._by_to.get(to, []) if m.message["X-Onramp-Purpose"] == purpose]
            if found:
                record.waits.append((purpose, triggered_at, found[0].received_at.timestamp()))
                return found[0]
            if time.time() > deadline:
                raise StepFailed(f"no '{purpose}' mail to {to} within {within:.0f} s")
            await asyncio.sleep(0.2)


def _link(mail: ReceivedMail, part: str) -> str:
    [link] = [link for link in mail.links if part in link]
    return link.rsplit(part, 1)[1]


def tag() -> str:
    return uuid.uuid4().hex[:8]


# ------------------------------------------------------------------------------------------- the four processes


@dataclass
class Lifecycle:
    """One user's walk through one process: what the round checks afterwards."""

    kind: str
    key: str  # the business key: order id, seat order number, reservation number, organizer e-mail
    account_no: str | None = None
    done: bool = False
    error: str | None = None
    expected_mails: list[tuple[str, str]] = field(default_factory=list)  # (to, purpose)
    used_links: list[str] = field(default_factory=list)  # the links the user followed (so they worked)


async def partner_order(base_url: str, operator: str, record: Record, mailbox: Mailbox) -> Lifecycle:
    """Seeds 001/003: an order taken in, its Set Up Now mail, the whole wizard by the partner, provisioned."""
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    o = order(yesterday, time_zone="UTC", order_id=f"CH-{tag()}")
    life = Lifecycle("partner order", o.order_id)
    customer_admin = f"admin-{tag()}@kranj.example"
    life.expected_mails = [
        (o.provisioning_contact_email, "set_up_now"),
        (o.provisioning_contact_email, "provisioned"),
        (customer_admin, "provisioned"),
    ]
    async with Caller(base_url, record, operator) as caller:
        await caller.call("partner order: intake", "POST", "/api/partner-orders", o.model_dump(mode="json"))
        taken = time.time()
        token = _link(await mailbox.wait(record, o.provisioning_contact_email, "set_up_now", taken), "/setup/")
        life.used_links.append(f"/setup/{token}")

    async with Caller(base_url, record) as partner:
        url = f"/api/setup/{token}"
        session = (await partner.call("wizard: open", "POST", f"{url}/session"))["session_id"]

        async def step(path: str, **body: Any) -> dict[str, Any]:
            return await partner.call(f"wizard: {path}", "POST", f"{url}/{path}", {"session_id": session, **body})

        await step("role", role="partner")
        await step("setup-by", who="me")
        await step("partner-org", decision="create", details={**NEW_PARTNER, "name": f"Partner {tag()}"})
        await step("customer-admin", email=customer_admin)
        await step("customer-org", decision="create", details=NEW_CUSTOMER)
        await step("submit", confirm=True)
        await step("password", password="s3cret-pass", password_confirmation="s3cret-pass")
        await step("subscription")
        await step("calling", **CALLING)
        await step("meetings", time_zone="Europe/Ljubljana")
        await step("company", subdomain=f"chaos-{tag()}")
        await step("provision")
    async with Caller(base_url, record, operator) as caller:
        state = await caller.call("partner order: status", "GET", f"/api/partner-orders/{o.order_id}")
    life.done = state["status"] == "provisioned"
    return life


async def seat_order(base_url: str, operator: str, record: Record, mailbox: Mailbox) -> Lifecycle:
    """Seed 002: an account (its admin's welcome mail), a card, 5 seats quoted, accepted, paid, placed, completed."""
    account_no = f"CH-{tag()}"
    body = demo_account(datetime.now(UTC).date()).model_dump(mode="json")
    admin_email = f"admin-{account_no.lower()}@yitong.example"
    billing = f"billing-{account_no.lower()}@yitong.example"
    body.update(account_no=account_no, initial_password=FIRST_PASSWORD, billing_contact_email=billing)
    body["company"]["admin_email"] = admin_email
    async with Caller(base_url, record, operator) as caller:
        await caller.call("account: create", "POST", "/api/accounts", body)
    async with Caller(base_url, record) as admin:
        await _ready_admin(admin, admin_email)
        card = (
            await admin.call(
                "seat order: card",
                "POST",
                f"/api/accounts/{account_no}/cards",
                {"number": APPROVE, "expiry": "12/2030"},
            )
        )["reference"]
        started = await admin.call(
            "seat order: start",
            "POST",
            f"/api/accounts/{account_no}/seat-orders",
            {"requested_by": billing},
        )
        order_no = str(started["order_no"])
        life = Lifecycle("seat order", order_no, account_no)
        life.expected_mails = [(admin_email, "welcome"), (admin_email, "password_changed"), (billing, "receipt")]
        url = f"/api/seat-orders/{order_no}"
        line = {"product": "GoTo Meeting", "edition": "Enterprise", "new_seats": 5}
        await admin.call("seat order: quantities", "POST", f"{url}/quantities", {"lines": [line]})
        await admin.call("seat order: review", "POST", f"{url}/review", {})
        await admin.call("seat order: accept", "POST", f"{url}/accept", {})
        payment = {"admin_contact": ADMIN, "card": card, "billing_address": ADDRESS}
        await admin.call("seat order: payment", "POST", f"{url}/payment", payment)
        await admin.call("seat order: place", "POST", f"{url}/place", {})
        placed = time.time()
        await mailbox.wait(record, billing, "receipt", placed)
        state = await admin.call("seat order: status", "GET", url)
    life.done = state["status"] == "completed"
    return life


async def _ready_admin(admin: Caller, email: str) -> None:
    me = await admin.call("admin: log in", "POST", "/api/admin/login", {"username": email, "password": FIRST_PASSWORD})
    if me.get("must_change_password"):
        change = {
            "old_password": FIRST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        }
        await admin.call("admin: first password", "POST", "/api/admin/password", change)


async def assist_booking(
    base_url: str, record: Record, mailbox: Mailbox, site: str, day: int, zone: str = "Asia/Taipei"
) -> Lifecycle:
    """Seed 004: a producer booked for an event `day` days ahead (the four steps, confirmed), then moved to 10:00."""
    email = f"mei-{tag()}@customer.example"
    session_day = (datetime.now(UTC) + timedelta(days=day)).date()
    when = SessionTime(date=session_day, time=dt_time(15, 0), time_zone=zone, duration_minutes=60)
    body = availability(site, when, email=email)
    mine = {"X-Contact-Email": email}
    async with Caller(base_url, record) as customer:
        started = await customer.call("assist: availability", "POST", "/api/assist/bookings", body)
        number = started["reservation_no"]
        life = Lifecycle("assist booking", number)
        life.expected_mails = [(email, "confirmation"), (email, "rescheduled")]
        url = f"/api/assist/bookings/{number}"
        await customer.call("assist: lookup", "POST", f"{url}/lookup", {"scheduled": "by_someone_else"}, mine)
        await customer.call(
            "assist: event info", "POST", f"{url}/event-info", {"topic": "Launch", "comments": "Hi"}, mine
        )
        submitted = await customer.call("assist: submit", "POST", f"{url}/submit", {}, mine)
        if submitted.get("status") not in (None, "confirmed") and not submitted.get("state"):
            raise StepFailed(f"submit answered {submitted}")
        confirmed_at = time.time()
        await mailbox.wait(record, email, "confirmation", confirmed_at)
        move = {
            "contact_email": email,
            "date": session_day.isoformat(),
            "time": "10:00",
            "site_schedule": "will_update",
        }
        await customer.call("assist: reschedule", "POST", f"{url}/reschedule", move, mine)
        moved_at = time.time()
        await mailbox.wait(record, email, "rescheduled", moved_at)
        state = await customer.call("assist: status", "GET", url, headers=mine)
    booked = state.get("state", state)
    life.done = booked["status"] == "confirmed" and str(booked["availability"]["session"]["time"]).startswith("10:00")
    return life


async def organizer(base_url: str, operator: str, record: Record, mailbox: Mailbox) -> Lifecycle:
    """Seed 000: an enterprise account, its admin creates an organizer account, the organizer activates it."""
    account_no = f"CO-{tag()}"
    body = demo_account(datetime.now(UTC).date()).model_dump(mode="json")
    admin_email = f"admin-{account_no.lower()}@yitong.example"
    body.update(account_no=account_no, initial_password=FIRST_PASSWORD, billing_contact_email=f"b-{admin_email}")
    body["company"]["admin_email"] = admin_email
    person = f"ada-{tag()}@yitong.example"
    life = Lifecycle("organizer", person, account_no)
    life.expected_mails = [
        (admin_email, "welcome"),
        (admin_email, "password_changed"),
        (person, "invitation"),
        (admin_email, "invitation_copy"),
    ]
    async with Caller(base_url, record, operator) as caller:
        await caller.call("account: create", "POST", "/api/accounts", body)
    async with Caller(base_url, record) as admin:
        await _ready_admin(admin, admin_email)
        new = {"last_name": "Lovelace", "first_name": "Ada", "email": person, "edition": "Standard"}
        await admin.call("organizer: create", "POST", "/api/admin/organizers", new)
        created = time.time()
        token = _link(await mailbox.wait(record, person, "invitation", created), "/activate/")
        life.used_links.append(f"/activate/{token}")
        async with Caller(base_url, record) as organizer_self:
            await organizer_self.call("organizer: activate", "POST", f"/api/organizer-activation/{token}", {})
        state = await admin.call("organizer: status", "GET", f"/api/admin/organizers/{person}")
    life.done = state["status"] == "active"
    return life

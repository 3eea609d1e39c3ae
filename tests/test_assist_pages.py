"""Webex Assist's customer pages (seed 004) as a person sees them without JavaScript, posting the forms as a browser
does: the four ordering steps to the confirmation (and its mail), refusals next to their fields, the nearest free
starts when no producer is free, find-my-booking, update date/time with the old and the new time, cancel with the
fee by policy on both sides of the cut-off, the package comparison, and Temporal down.

On a time-skipping server, database and worker of this module's own (tests/assist_env.py); nothing here skips time,
so the pages' clock and the workflows' agree.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.assist_packages import COLUMNS, COMPARISON, COVERAGE_TEXT
from models.assist_rules import not_found_message
from models.assist_time import SessionTime
from models.languages import SupportedLanguage
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store import assist as store
from tests.admin_support import mails_to
from tests.assist_env import (  # noqa: F401
    assist_db_fixture,
    client_fixture,
    settings_fixture,
    ts_env_fixture,
    worker_fixture,
)
from tests.assist_support import availability, book, new_site, schedule, session_at, uid
from tests.support import free_port
from tests.test_wizard_pages import Html, browser, page
from translations import formats

HOST = {"host_id": "mei.lin", "host_email": "mei@customer.example"}


@pytest.fixture
def app(client: Client, settings: Settings, assist_db: SessionFactory) -> FastAPI:
    return create_app(settings, client=client, sessions=assist_db)


async def now(ts_env: WorkflowEnvironment) -> datetime:
    return await ts_env.get_current_time()


def step1(site: str, when: SessionTime, email: str, package: str = "ec_standard", **changes: str) -> dict[str, str]:
    """The availability form as a person fills it in (time zone left at "the Webex site's")."""
    return {
        "first_name": "Mei",
        "last_name": "Lin",
        "phone": "+886 2 1234 5678",
        "email": email,
        "company": "Yitong Trading",
        "site": site,
        "package": package,
        "date": when.date.isoformat(),
        "time": f"{when.time:%H:%M}",
        "time_zone": "",
        "duration": str(when.duration_minutes),
        **changes,
    }


def number_of(response: httpx.Response) -> str:
    """The reservation number in the page's address: /assist/order/<no>/…"""
    return response.url.path.split("/")[3]


def hidden(p: Html) -> dict[str, str]:
    return {str(c["name"]): str(c.get("value") or "") for c in p.controls if c.get("type") == "hidden"}


def buttons(p: Html, name: str) -> list[str]:
    return [str(c.get("value")) for c in p.controls if c["tag"] == "button" and c.get("name") == name]


def radio_values(p: Html, name: str) -> list[str]:
    return [str(c.get("value")) for c in p.controls if c.get("type") == "radio" and c.get("name") == name]


def local(moment: datetime, zone: str = "Asia/Taipei") -> str:
    """A deadline as an English page writes it: on the booking's clock, the zone named."""
    return formats.zoned(moment, SupportedLanguage.ENGLISH, zone)


async def order_to_lookup(web: httpx.AsyncClient, form: dict[str, str]) -> tuple[str, Html]:
    response = await web.post("/assist/order", data=form)
    p = await page(response)
    assert p.heading == "Meeting lookup", p.text()
    return number_of(response), p


async def ordered(
    web: httpx.AsyncClient, site: str, when: SessionTime, email: str, lookup: dict[str, str] | None = None
) -> str:
    """All four steps through the pages: the reservation number of the confirmed booking."""
    number, _ = await order_to_lookup(web, step1(site, when, email))
    looked = await web.post(f"/assist/order/{number}/lookup", data=lookup or {"scheduled": "by_someone_else"})
    assert (await page(looked)).heading == "Event information"
    done = await web.post(f"/assist/order/{number}/event", data={"topic": "Product launch"})
    assert (await page(done)).heading == "Your assist is booked"
    return number


async def saturate(web: httpx.AsyncClient, assist_db: SessionFactory, site: str, when: SessionTime) -> None:
    """Every producer of this module's calendar booked for ``when`` (over the JSON API)."""
    async with assist_db() as session:
        producers = len(await store.producers(session))
    for _ in range(producers):
        assert (await book(web, availability(site, when)))["confirmed"]


# ------------------------------------------------------------------ ordering


async def test_an_order_goes_through_the_four_steps_to_the_confirmation_and_its_mail(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 30)
    await schedule(assist_db, site, when, topic="Launch webinar", **HOST)
    email = f"mei-{uid()}@customer.example"
    async with browser(app) as web:
        landing = await page(await web.get("/assist"))
        assert landing.heading == "Webex Assist"
        assert "Order at least 2 weeks before the session." in landing.text()
        assert 'href="/assist/order?package=ec_standard"' in landing.raw and 'href="/assist/find"' in landing.raw

        response = await web.get("/assist/order?package=ec_standard")
        p = await page(response)
        assert p.heading == "Availability"
        assert p.progress() == {
            "Availability": "current",
            "Meeting lookup": "todo",
            "Event information": "todo",
            "Confirmation": "todo",
        }
        assert '<option value="ec_standard" selected>Event Center Standard</option>' in p.raw
        assert '<option value="10:15">10:15</option>' in p.raw and '<option value="10:10">' not in p.raw
        assert "The Webex site's time zone" in p.text() and f'<option value="{site}">' in p.raw
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert response.headers["cache-control"] == "no-store"

        # 1. availability: the order starts; this browser gets the proof cookie (no e-mail in it)
        response = await web.post("/assist/order", data=step1(site, when, email))
        p = await page(response)
        number = number_of(response)
        assert [r.status_code for r in response.history] == [303]
        cookie = response.history[0].headers["set-cookie"]
        assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/assist" in cookie
        assert email not in cookie and "@" not in cookie
        assert p.heading == "Meeting lookup" and p.text("order-no") == number
        assert p.progress()["Availability"] == "done" and p.progress()["Meeting lookup"] == "current"
        assert radio_values(p, "scheduled") == ["by_me", "by_someone_else"]  # "not yet": Event Center Premium only
        assert f"Event Center Standard on {site}, {when.label()}." in p.text()

        # 2. meeting lookup: scheduled by me → the event information comes from the site
        response = await web.post(f"/assist/order/{number}/lookup", data={"scheduled": "by_me", **HOST})
        p = await page(response)
        assert p.heading == "Event information"
        assert p.value("topic") == "Launch webinar" and p.value("host_name") == "mei.lin"
        assert p.text("found").startswith(f"We found your session on {site} (session number ")

        # 3. event information, submit
        response = await web.post(
            f"/assist/order/{number}/event",
            data={
                "topic": "Launch webinar",
                "host_name": "Mei Lin",
                "expected_attendees": "300",
                "language": "Mandarin",
            },
        )
        p = await page(response)

    # 4. confirmation
    assert response.url.path == f"/assist/order/{number}/confirmation"
    assert p.heading == "Your assist is booked"
    assert p.progress() == {
        "Availability": "done",
        "Meeting lookup": "done",
        "Event information": "done",
        "Confirmation": "current",
    }
    assert p.text("reservation-no") == number
    assert p.text("package") == "Event Center Standard" and p.text("session") == when.label()
    assert p.text("fee") == "650.00 USD"
    assert p.text("fee-note") == (
        "This is the standard fee of the assist you ordered. The actual charge follows your contract rates."
    )
    assert p.text("producer").startswith("Producer ")
    free_until = local(when.starts_at - timedelta(days=7))
    assert p.text("policy") == (
        f"You can cancel at any time. Cancelling is free until {free_until}, 7 days before the session; after that "
        "the cancellation fee is 325.00 USD (50% of the standard fee)."
    )
    assert p.text("mail-note").startswith(f"A confirmation e-mail is on its way to {email}")
    [mail] = await mails_to(mail_sink, email)
    assert mail.subject == f"Webex Assist confirmed: {number}, {when.label()}"
    assert "Standard fee: 650.00 USD" in mail.text and "Mandarin" in mail.text and "Launch webinar" in mail.text


async def test_the_lead_time_refusal_is_shown_next_to_the_date(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    email = f"mei-{uid()}@customer.example"
    earliest = "An assist must be ordered at least 14 days before the session: the earliest start is "
    async with browser(app) as web:
        too_soon = step1(site, session_at(await now(ts_env), 13), email)
        p = await page(await web.post("/assist/order", data=too_soon), 422)
        assert p.heading == "Availability"
        assert p.text("date-error").startswith(earliest) and p.text("date-error").endswith("(Asia/Taipei).")
        assert p.value("first_name") == "Mei" and p.value("email") == email and p.value("date") == too_soon["date"]

        # on an order under way, the workflow's own refusal, next to the same field
        number, _ = await order_to_lookup(web, step1(site, session_at(await now(ts_env), 20), email))
        back = await page(await web.get(f"/assist/order/{number}"))
        assert back.heading == "Availability" and back.value("email") == email
        assert back.progress()["Availability"] == "current" and 'href="/assist/order/' + number + '/lookup"' in back.raw
        p = await page(await web.post(f"/assist/order/{number}/availability", data=too_soon), 422)
        assert p.text("date-error").startswith(earliest)

        # blank fields and a bad e-mail, each next to its field
        blank = step1(site, session_at(await now(ts_env), 20), "not-an-address", first_name=" ", time="")
        p = await page(await web.post("/assist/order", data=blank), 422)
        assert p.text("first_name-error") == "Please fill in this field."
        assert p.text("email-error") == "Enter an e-mail address such as name@company.com."
        assert p.text("time-error") == "Choose one of the options."


async def test_a_lookup_that_finds_nothing_says_so_next_to_the_host_id(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 21)
    await schedule(assist_db, site, when, **HOST)
    async with browser(app) as web:
        number, _ = await order_to_lookup(web, step1(site, when, f"mei-{uid()}@customer.example"))
        lookup = f"/assist/order/{number}/lookup"

        miss = {"scheduled": "by_me", "host_id": "someone.else", "host_email": "mei@customer.example"}
        p = await page(await web.post(lookup, data=miss), 422)
        assert p.heading == "Meeting lookup"
        assert p.text("host_id-error").startswith(
            f"No session of host ID 'someone.else' with e-mail 'mei@customer.example' starts on {when.date:%Y-%m-%d} "
            f"15:00 Taiwan Time on {site}."  # the page writes the moment the reader's way, naming the zone
        )
        assert p.checked("scheduled") == "by_me" and p.value("host_id") == "someone.else"

        p = await page(await web.post(lookup, data={"scheduled": "by_me", "host_id": "mei.lin"}), 422)
        assert p.text("host_id-error") == (
            "Give the host ID and the host's e-mail address to fetch the session from the site."
        )
        p = await page(await web.post(lookup, data={}), 422)
        assert p.text("scheduled-error").startswith(
            "Say whether the session is already scheduled on your Webex site: Event Center Standard needs a "
            "scheduled session"
        )
        p = await page(await web.post(lookup, data={"scheduled": "not_yet"}), 422)
        assert p.text("scheduled-error").startswith("Schedule the session on your Webex site first")

        # Event Center Premium may order before the event is scheduled
        premium, p = await order_to_lookup(
            web, step1(site, when, f"mei-{uid()}@customer.example", package="ec_premium")
        )
        assert radio_values(p, "scheduled") == ["by_me", "by_someone_else", "not_yet"]
        p = await page(await web.post(f"/assist/order/{premium}/lookup", data={"scheduled": "not_yet"}))
        assert p.heading == "Event information" and p.value("topic") == ""


async def test_no_free_producer_offers_the_three_nearest_starts_and_picking_one_goes_on(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db, producers=0)
    when = session_at(await now(ts_env), 40, at=time(9, 0))
    day = when.date.isoformat()
    async with browser(app) as web:
        await saturate(web, assist_db, site, when)

        response = await web.post("/assist/order", data=step1(site, when, f"mei-{uid()}@customer.example"))
        p = await page(response)
        number = number_of(response)
        assert response.url.path == f"/assist/order/{number}" and p.heading == "Availability"
        assert p.text("busy") == (
            f"No producer is free for {when.label()}. Choose one of the nearest free starts, another date and time, "
            "or cancel the order."
        )
        assert buttons(p, "alternative") == [f"{day}T10:30", f"{day}T07:30", f"{day}T11:00"]
        assert when.moved_to(when.date, time(10, 30)).label() in p.text("alternatives")
        assert p.value("email") and p.progress()["Meeting lookup"] == "todo"

        # the lookup is not open yet
        assert (await web.get(f"/assist/order/{number}/lookup")).url.path == f"/assist/order/{number}"

        # the first alternative: step 1 again with that date and time
        picked = hidden(p) | {"alternative": f"{day}T10:30"}
        response = await web.post(f"/assist/order/{number}/availability", data=picked)
        p = await page(response)
        assert response.url.path == f"/assist/order/{number}/lookup" and p.heading == "Meeting lookup"
        assert when.moved_to(when.date, time(10, 30)).label() in p.text()


async def test_a_draft_can_be_cancelled_from_the_event_page(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    email = f"mei-{uid()}@customer.example"
    async with browser(app) as web:
        number, _ = await order_to_lookup(web, step1(site, session_at(await now(ts_env), 22), email))
        p = await page(await web.post(f"/assist/order/{number}/lookup", data={"scheduled": "by_someone_else"}))
        assert p.heading == "Event information" and "Cancel this order" in p.text()

        p = await page(await web.post(f"/assist/order/{number}/cancel"))
        assert p.heading == "The order was cancelled"
        assert p.text("message") == (
            f"Order {number} was cancelled before it was submitted: nothing was reserved and nothing is charged."
        )
        p = await page(await web.get(f"/assist/order/{number}/event"))
        assert p.heading == "The order was cancelled"
    assert mail_sink.to(email) == []


# ------------------------------------------------------------------ find my booking


async def test_find_my_booking_needs_the_right_pair_and_a_wrong_one_reads_like_an_unknown_number(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    async with browser(app) as owner:
        email = f"mei-{uid()}@customer.example"
        number = await ordered(owner, site, session_at(await now(ts_env), 25), email)
        other = await ordered(owner, site, session_at(await now(ts_env), 26), f"jun-{uid()}@customer.example")

    async with browser(app) as web:
        # without the proof, a booking's pages lead to the find page, number filled in
        for path in (f"/assist/bookings/{number}", f"/assist/order/{number}/confirmation", f"/assist/order/{number}"):
            response = await web.get(path)
            p = await page(response)
            assert response.url.path == "/assist/find" and p.heading == "Update or cancel an assist", path
            assert p.value("reservation_no") == number

        wrong = await page(
            await web.post("/assist/find", data={"reservation_no": number, "contact_email": "eve@evil.example"}), 404
        )
        unknown = await page(
            await web.post("/assist/find", data={"reservation_no": "WA-990101-ABCDEF", "contact_email": email}), 404
        )
        assert wrong.text("reservation_no-error") == not_found_message(number).english()
        assert unknown.text("reservation_no-error") == not_found_message("WA-990101-ABCDEF").english()
        assert wrong.value("contact_email") == "eve@evil.example"
        malformed = await page(
            await web.post("/assist/find", data={"reservation_no": "12", "contact_email": email}), 422
        )
        assert malformed.text("reservation_no-error").startswith("Enter the reservation number as in your confirmation")

        response = await web.post(
            "/assist/find", data={"reservation_no": number.lower(), "contact_email": email.upper()}
        )
        p = await page(response)
        assert response.url.path == f"/assist/bookings/{number}" and "@" not in str(response.url)
        cookie = response.history[0].headers["set-cookie"]
        assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "@" not in cookie
        assert p.heading == "Your assist booking" and p.text("status") == "Confirmed"
        assert f"Reservation number {number}" in p.text("readonly") and email in p.text("readonly")
        assert 'href="/assist/bookings/' + number + '/reschedule">Update date/time' in p.raw
        assert 'href="/assist/bookings/' + number + '/cancel">Cancel assist' in p.raw

        # the proof for one booking opens no other
        response = await web.get(f"/assist/bookings/{other}")
        assert response.url.path == "/assist/find"


# ------------------------------------------------------------------ update date/time


async def test_reschedule_shows_the_old_and_the_new_time_and_can_move_the_site_session(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 24)
    scheduled = await schedule(assist_db, site, when, **HOST)
    email = f"mei-{uid()}@customer.example"
    new_day = when.date + timedelta(days=3)
    new = when.moved_to(new_day, time(11, 30))
    async with browser(app) as web:
        number = await ordered(web, site, when, email, lookup={"scheduled": "by_me", **HOST})
        url = f"/assist/bookings/{number}/reschedule"

        p = await page(await web.get(url))
        assert p.heading == "Update date/time"
        assert p.value("date") == when.date.isoformat() and '<option value="15:00" selected>' in p.raw
        editable = {
            c.get("name")
            for c in p.controls
            if c["tag"] in ("input", "select", "textarea") and c.get("type") != "hidden"
        }
        assert editable == {"date", "time"}
        assert "Yitong Trading" in p.text("readonly") and "Event Center Standard" in p.text("readonly")

        same = await page(await web.post(url, data={"date": when.date.isoformat(), "time": "15:00"}), 422)
        assert same.text("date-error") == "That is the booking's current date and time: choose another one to move it."
        # a move may go inside the 14 days' ordering lead, but not inside the 24 hours' notice
        soon = (await now(ts_env) + timedelta(hours=12)).astimezone(ZoneInfo("Asia/Taipei"))
        early = await page(await web.post(url, data={"date": soon.date().isoformat(), "time": f"{soon:%H}:00"}), 422)
        assert early.text("date-error").startswith("A booking can move to any time at least 24 hours ahead")

        # Next: a producer is free, so the meeting lookup question
        response = await web.post(url, data={"date": new_day.isoformat(), "time": "11:30"})
        p = await page(response)
        assert response.url.path == f"{url}/site" and p.heading == "Meeting lookup"
        assert p.text("old") == when.label() and p.text("new") == new.label()
        assert radio_values(p, "updated") == ["yes", "no"] and radio_values(p, "update_for_me") == []

        # not updated on the site: the option to update it for me
        p = await page(await web.post(f"{url}/site", data=hidden(p) | {"updated": "no"}))
        assert p.checked("updated") == "no" and radio_values(p, "update_for_me") == ["yes", "no"]
        response = await web.post(f"{url}/site", data=hidden(p) | {"updated": "no", "update_for_me": "yes"})
        p = await page(response)

    assert response.url.path == f"/assist/bookings/{number}/rescheduled"
    assert p.heading == "Your assist has been moved"
    assert p.text("old") == when.label() and p.text("new") == new.label()
    assert p.text("site-moved") == f"The session on {site} has been moved to the new time too."
    [_, moved] = await mails_to(mail_sink, email, count=2)
    assert moved.subject == f"Webex Assist moved: {number}, now {new.label()}"
    assert f"Old date and time:  {when.label()}" in moved.text and f"New date and time:  {new.label()}" in moved.text
    async with assist_db() as session:
        on_site = await store.scheduled_session(session, scheduled.session_key)
    assert on_site is not None and on_site.scheduled.session.starts_at == new.starts_at


async def test_reschedule_to_a_time_without_a_producer_offers_the_nearest_free_starts(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db, producers=0)
    full = session_at(await now(ts_env), 45, at=time(9, 0))
    day = full.date.isoformat()
    async with browser(app) as web:
        number = await ordered(web, site, session_at(await now(ts_env), 45, at=time(16, 0)), f"m-{uid()}@c.example")
        await saturate(web, assist_db, site, full)  # this booking's producer included: every one is busy at 09:00
        url = f"/assist/bookings/{number}/reschedule"

        response = await web.post(url, data={"date": day, "time": "09:00"})
        p = await page(response)
        assert response.url.path == url and p.value("date") == day
        assert p.text("busy") == (
            f"No producer is free for {full.label()}. Choose one of the nearest free starts, another date and time, "
            "or cancel the assist."
        )
        assert buttons(p, "alternative") == [f"{day}T10:30", f"{day}T07:30", f"{day}T11:00"]
        assert f'href="/assist/bookings/{number}/cancel"' in p.raw

        p = await page(await web.post(url, data={"alternative": f"{day}T07:30"}))
        assert p.heading == "Meeting lookup" and p.text("new") == full.moved_to(full.date, time(7, 30)).label()
        p = await page(await web.post(f"{url}/site", data=hidden(p) | {"updated": "yes"}))
        assert p.heading == "Your assist has been moved"
        assert p.text("new") == full.moved_to(full.date, time(7, 30)).label()


# ------------------------------------------------------------------ cancel


async def test_cancel_states_the_fee_before_and_after_the_free_period(
    app: FastAPI,
    settings: Settings,
    client: Client,
    ts_env: WorkflowEnvironment,
    assist_db: SessionFactory,
    mail_sink: MailSink,
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 16)
    early_email, late_email = f"early-{uid()}@customer.example", f"late-{uid()}@customer.example"
    # the fee policy is a setting, stamped into each booking at its start: 20 free days put this booking inside them
    strict = create_app(
        settings.model_copy(update={"assist_free_cancellation_days": 20}), client=client, sessions=assist_db
    )

    async with browser(app) as web:
        number = await ordered(web, site, when, early_email)
        p = await page(await web.get(f"/assist/bookings/{number}"))
        assert f'href="/assist/bookings/{number}/cancel"' in p.raw
        p = await page(await web.get(f"/assist/bookings/{number}/cancel"))
        assert p.heading == "Cancel this assist?"
        assert (
            p.text("fee")
            == f"No cancellation fee: cancelling is free until {local(when.starts_at - timedelta(days=7))}."
        )
        assert f'<a class="button button-secondary" href="/assist/bookings/{number}">No</a>' in p.raw

        response = await web.post(f"/assist/bookings/{number}/cancel", data={"confirm": "yes"})
        p = await page(response)
        assert response.url.path == f"/assist/bookings/{number}/cancelled"
        assert p.heading == "Your assist is cancelled" and p.text("fee") == "Cancellation fee: none."
        assert p.text("mail-note") == f"A cancellation e-mail is on its way to {early_email}."
        [_, mail] = await mails_to(mail_sink, early_email, count=2)
        assert mail.subject == f"Webex Assist cancelled: {number}" and "Cancellation fee: none" in mail.text

        # cancelled: the booking shows it, and neither cancel nor update is offered again
        p = await page(await web.get(f"/assist/bookings/{number}"))
        assert (
            p.text("status") == "Cancelled" and "Cancel assist" not in p.text() and "Update date/time" not in p.text()
        )
        p = await page(await web.get(f"/assist/bookings/{number}/cancel"), 409)
        assert p.text("message") == "The booking is cancelled: it can no longer be changed."
        p = await page(await web.get(f"/assist/bookings/{number}/reschedule"), 409)
        assert p.text("message") == "The booking is cancelled: it can no longer be changed."

    async with browser(strict) as web:
        number = await ordered(web, site, when, late_email)
        ended = local(when.starts_at - timedelta(days=20))
        p = await page(await web.get(f"/assist/bookings/{number}/cancel"))
        assert p.text("fee") == (
            f"A cancellation fee of 325.00 USD applies: 50% of the standard fee of 650.00 USD, since free "
            f"cancellation ended on {ended}."
        )
        p = await page(await web.post(f"/assist/bookings/{number}/cancel", data={"confirm": "yes"}))
        assert p.text("fee") == (
            f"Cancellation fee: 325.00 USD (50% of the standard fee of 650.00 USD), since the assist was cancelled "
            f"after {ended}."
        )
        [_, mail] = await mails_to(mail_sink, late_email, count=2)
        assert "Cancellation fee: 325.00 USD (50% of the standard fee of 650.00 USD" in mail.text


# ------------------------------------------------------------------ packages, Temporal down


async def test_the_comparison_page_shows_the_seeds_table_fees_hours_and_add_ons(app: FastAPI) -> None:
    async with browser(app) as web:
        p = await page(await web.get("/assist/packages"))
    assert p.heading == "Compare the assist packages"
    table = p.text("comparison")
    assert table.startswith(
        "Services by package Service description Event Center Premium Event Center Standard Training Center Premium "
        "Meeting Center Premium "
        "Before the event Planning session A 15-minute call"
    )
    hourly = "Optional. Billed by the hour, at least 1.5 hours."
    assert "Consultation (up to 1 hour) " in table and f"Included {hourly} {hourly} {hourly} Rehearsal" in table
    assert "Included Included Included Not applicable Consultation" in table
    assert "After the event Post-event report" in table and table.endswith(
        "Included Included Not applicable Not applicable"
    )
    for row in COMPARISON:  # every row of the seed's table, cells in the seed's column order
        cells = " ".join(COVERAGE_TEXT[row.coverage[package]] for package in COLUMNS)
        assert f"{row.service} {row.description} {cells}" in table

    premium, standard = p.text("package-ec_premium"), p.text("package-ec_standard")
    assert "Standard fee 2,400.00 USD" in premium and "Standard fee 650.00 USD" in standard
    assert (
        "6.5 production hours for a 1-hour event. They cannot be split or customised to serve several events."
        in premium
    )
    assert (
        "Invitation and registration management" not in premium and "Invitation and registration management" in standard
    )
    assert (
        "Extra time for an event longer than 1 hour An extra rehearsal Extra editing of the event recording" in premium
    )
    assert p.text("add-ons") == (
        "Extra time for an event longer than 1 hour. An extra rehearsal. Extra editing of the event recording. "
        "Invitation and registration management (except with Event Center Premium)."
    )
    assert "Standard fee 300.00 USD" in p.text("package-mc_premium")


async def test_temporal_down_is_a_friendly_503_page(settings: Settings, assist_db: SessionFactory) -> None:
    offline = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(offline, client=None, sessions=assist_db)
    site = await new_site(assist_db)
    when = SessionTime(
        date=(datetime.now(ZoneInfo("Asia/Taipei")) + timedelta(days=30)).date(),
        time=time(10, 0),
        time_zone="Asia/Taipei",
        duration_minutes=60,
    )
    async with browser(app) as web:
        assert (await page(await web.get("/assist/order"))).heading == "Availability"  # no Temporal needed to show it
        for response in (
            await web.post("/assist/order", data=step1(site, when, "mei@customer.example")),
            await web.post("/assist/find", data={"reservation_no": "WA-990101-ABCDEF", "contact_email": "a@b.example"}),
        ):
            p = await page(response, 503)
            assert p.heading == "Webex Assist is unavailable right now"
            assert "please try again in a few minutes" in p.text("message")

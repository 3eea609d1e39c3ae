"""Webex Assist bookings (seed 004) through the JSON API, on a time-skipping server of this module's own with the
real aiosmtpd sink and a database of its own: the ordering rules, the lookup, producers and their alternatives,
reschedule and cancel by reservation number and e-mail, and the timers (reminder, producer, post-event report)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import httpx
from temporalio.testing import WorkflowEnvironment

from models.assist_time import SessionTime
from starter.mail_sink import MailSink
from store import SessionFactory
from store import assist as store
from tests.admin_support import mails_to

# This module's own server, database and worker (tests/assist_env.py): its months of skipped time touch no other
# test's workflows, and its producers are the only ones in its producer calendar.
from tests.assist_env import (  # noqa: F401
    assist_db_fixture,
    client_fixture,
    http_fixture,
    settings_fixture,
    ts_env_fixture,
    worker_fixture,
)
from tests.assist_support import availability, book, new_site, proof, schedule, session_at, start_order


async def now(ts_env: WorkflowEnvironment) -> datetime:
    return await ts_env.get_current_time()


def refusal(response: httpx.Response) -> tuple[int, str, list[str]]:
    body = response.json()
    return response.status_code, body["message"], [field["field"] for field in body.get("fields", [])]


# ------------------------------------------------------------------ ordering rules


async def test_an_order_less_than_14_days_ahead_is_refused_with_the_earliest_start(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    response = await http.post("/api/assist/bookings", json=availability(site, session_at(await now(ts_env), 13)))

    status, message, fields = refusal(response)
    assert status == 422, response.text
    assert message.startswith("An assist must be ordered at least 14 days before the session: the earliest start is ")
    assert "(Asia/Taipei)" in message and "session" in fields

    fine = await start_order(http, availability(site, session_at(await now(ts_env), 15)))
    assert fine["check"]["available"] and fine["state"]["step"] == "lookup"


async def test_an_unknown_webex_site_is_refused_before_anything_starts(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment
) -> None:
    response = await http.post(
        "/api/assist/bookings", json=availability("nosuch.webex.com", session_at(await now(ts_env), 20))
    )

    assert refusal(response) == (
        422,
        "There is no Webex site nosuch.webex.com here. Choose one of the sites (`onramp site list` shows them).",
        ["site"],
    )


async def test_a_session_must_be_scheduled_unless_event_center_premium(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 20)
    started = await start_order(http, availability(site, when, package="mc_premium"))
    standard, mine = started["reservation_no"], proof(started)

    anonymous = await http.post(f"/api/assist/bookings/{standard}/lookup", json={"scheduled": "not_yet"})
    assert refusal(anonymous)[:2] == (
        401,
        "Send the booking's contact e-mail in the X-Contact-Email header: with its reservation number it proves the booking is yours.",
    )
    unanswered = await http.post(f"/api/assist/bookings/{standard}/lookup", json={}, headers=mine)
    assert refusal(unanswered)[0] == 422
    assert refusal(unanswered)[1].startswith("Say whether the session is already scheduled on your Webex site")
    not_yet = await http.post(f"/api/assist/bookings/{standard}/lookup", json={"scheduled": "not_yet"}, headers=mine)
    assert refusal(not_yet) == (
        422,
        "Schedule the session on your Webex site first: Meeting Center Premium needs a scheduled session (only "
        "Event Center Premium can be ordered before it is scheduled).",
        ["scheduled"],
    )

    started = await start_order(http, availability(site, when, package="ec_premium"))
    premium = started["reservation_no"]
    for answer in ({}, {"scheduled": "not_yet"}):
        ok = await http.post(f"/api/assist/bookings/{premium}/lookup", json=answer, headers=proof(started))
        assert ok.status_code == 200, ok.text
        assert ok.json()["step"] == "event_info"


async def test_the_lookup_fills_the_event_info_from_the_site_and_a_miss_says_what_was_searched(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 21)
    scheduled = await schedule(assist_db, site, when, host_id="mei.lin", host_email="Mei@Customer.example")
    started = await start_order(http, availability(site, when))
    number, mine = started["reservation_no"], proof(started)

    miss = await http.post(
        f"/api/assist/bookings/{number}/lookup",
        json={"scheduled": "by_me", "host_id": "someone.else", "host_email": "mei@customer.example"},
        headers=mine,
    )
    status, message, fields = refusal(miss)
    assert status == 422 and fields == ["host_id"]
    assert "someone.else" in message and site in message

    hit = await http.post(
        f"/api/assist/bookings/{number}/lookup",
        json={"scheduled": "by_me", "host_id": "mei.lin", "host_email": "mei@customer.example"},
        headers=mine,
    )
    assert hit.status_code == 200, hit.text
    state = hit.json()
    assert state["session_key"] == scheduled.session_key
    assert state["event_info"]["topic"] == "Quarterly all-hands" and state["step"] == "event_info"


async def test_submit_confirms_with_the_reservation_number_fee_and_mail(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    body = availability(site, session_at(await now(ts_env), 30))
    answer = await book(http, body, event_info={"topic": "Launch", "language": "Mandarin"})

    assert answer["confirmed"] is True
    state = answer["state"]
    number = state["reservation_no"]
    assert state["status"] == "confirmed" and state["standard_fee"] == "650.00" and state["producer"]
    [mail] = await mails_to(mail_sink, body["customer"]["email"])
    assert mail.subject.startswith(f"Webex Assist confirmed: {number}, ")
    assert "Standard fee: 650.00 USD" in mail.text and "Event Center Standard" in mail.text
    assert "Mandarin" in mail.text and state["producer"]["email"] in mail.text
    async with assist_db() as session:
        row = await store.booking(session, number)
    assert row is not None and row.status.value == "confirmed" and row.producer_id == state["producer"]["producer_id"]

    again = await http.post(f"/api/assist/bookings/{number}/submit", json={}, headers=proof(body))
    assert refusal(again)[0] == 409 and "ordering steps are closed" in refusal(again)[1]


async def test_no_free_producer_offers_the_three_nearest_free_starts(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    """Every producer of this module's calendar is held at 09:00 on that day; the next order gets alternatives."""
    await new_site(assist_db, producers=0)
    async with assist_db() as session:
        producers = len(await store.producers(session))
    site = await new_site(assist_db, producers=0)
    when = session_at(await now(ts_env), 40, at=time(9, 0))
    for _ in range(producers):
        assert (await book(http, availability(site, when)))["confirmed"]

    started = await start_order(http, availability(site, when))

    check = started["check"]
    assert check["available"] is False and started["state"]["step"] == "availability"
    starts = [(slot["date"], slot["time"]) for slot in check["alternatives"]]
    day = when.date.isoformat()
    # the held window is 08:30-10:00: a one-hour session held from 30 minutes before its start fits at 10:30, 07:30 and 11:00 at the nearest
    assert starts == [(day, "10:30:00"), (day, "07:30:00"), (day, "11:00:00")]
    lookup = await http.post(
        f"/api/assist/bookings/{started['reservation_no']}/lookup", json={}, headers=proof(started)
    )
    assert refusal(lookup)[0] == 409 and refusal(lookup)[1] == "Finish the availability step first."


# ------------------------------------------------------------------ reschedule and cancel


async def test_a_wrong_number_and_email_pair_reads_like_an_unknown_booking(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    body = availability(site, session_at(await now(ts_env), 25))
    number = (await book(http, body))["state"]["reservation_no"]

    wrong = await http.post("/api/assist/find", json={"reservation_no": number, "contact_email": "eve@evil.example"})
    unknown = await http.post(
        "/api/assist/find", json={"reservation_no": "WA-990101-ABCDEF", "contact_email": body["customer"]["email"]}
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["message"] == unknown.json()["message"].replace("WA-990101-ABCDEF", number)
    moved = await http.post(
        f"/api/assist/bookings/{number}/reschedule",
        json={"contact_email": "eve@evil.example", "date": "2030-01-01", "time": "10:00"},
        headers={"X-Contact-Email": "eve@evil.example"},
    )
    read = await http.get(f"/api/assist/bookings/{number}", headers={"X-Contact-Email": "eve@evil.example"})
    assert read.status_code == 404 and body["customer"]["phone"] not in read.text
    assert (await http.get(f"/api/assist/bookings/{number}")).status_code == 401
    assert moved.status_code == 404 and moved.json()["message"] == wrong.json()["message"]
    found = await http.post(
        "/api/assist/find", json={"reservation_no": number.lower(), "contact_email": body["customer"]["email"].upper()}
    )
    assert found.status_code == 200 and found.json()["reservation_no"] == number


async def test_reschedule_moves_every_timer_and_mails_old_and_new_time(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 20)
    body = availability(site, when, package="mc_premium")
    email = body["customer"]["email"]
    number = (await book(http, body))["state"]["reservation_no"]
    new_day = when.date + timedelta(days=5)

    moved = await http.post(
        f"/api/assist/bookings/{number}/reschedule",
        json={"contact_email": email, "date": new_day.isoformat(), "time": "11:30"},
        headers=proof(body),
    )

    assert moved.status_code == 200, moved.text
    state = moved.json()["state"]
    assert state["availability"]["session"]["date"] == new_day.isoformat()
    assert state["availability"]["session"]["time"] == "11:30:00"
    [_, mail] = await mails_to(mail_sink, email, count=2)
    assert mail.subject.startswith(f"Webex Assist moved: {number}")
    assert f"Old date and time:  {when.label()}" in mail.text
    assert f"New date and time:  {when.moved_to(new_day, time(11, 30)).label()}" in mail.text

    # the old reminder time (2 days before the old start) passes without a reminder ...
    old_reminder = when.starts_at - timedelta(days=2)
    await ts_env.sleep(old_reminder - await now(ts_env) + timedelta(hours=1))
    assert not [m for m in mail_sink.to(email) if m.subject.startswith("Reminder")]
    # ... and the new one comes 2 days before the new start
    new_start = when.moved_to(new_day, time(11, 30)).starts_at
    await ts_env.sleep(new_start - timedelta(days=2) - await now(ts_env) + timedelta(minutes=1))
    [reminder] = await mails_to(mail_sink, email, subject="Reminder")
    assert "11:30" in reminder.subject


async def test_cancel_is_free_up_to_7_days_before_and_costs_half_the_fee_inside(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 16)
    early_body, late_body = availability(site, when), availability(site, when)
    early = (await book(http, early_body))["state"]["reservation_no"]
    late = (await book(http, late_body))["state"]["reservation_no"]

    quote = await http.post(
        f"/api/assist/bookings/{early}/cancellation-quote",
        headers=proof(early_body),
    )
    assert quote.json()["cancellation_fee"] == "0.00"
    free = await http.post(
        f"/api/assist/bookings/{early}/cancel",
        json={"contact_email": early_body["customer"]["email"]},
        headers=proof(early_body),
    )
    assert free.status_code == 200 and free.json()["status"] == "cancelled"
    assert free.json()["cancellation_fee"] == "0.00"
    [_, mail] = await mails_to(mail_sink, early_body["customer"]["email"], count=2)
    assert "Cancellation fee: none" in mail.text and "producer is released" in mail.text

    await ts_env.sleep(timedelta(days=10))  # 6 days before the session now
    charged = await http.post(
        f"/api/assist/bookings/{late}/cancel",
        json={"contact_email": late_body["customer"]["email"]},
        headers=proof(late_body),
    )
    assert charged.status_code == 200 and charged.json()["cancellation_fee"] == "325.00"
    [_, late_mail] = await mails_to(mail_sink, late_body["customer"]["email"], count=2)
    assert "Cancellation fee: 325.00 USD (50% of the standard fee of 650.00 USD" in late_mail.text
    async with assist_db() as session:
        assert await store.claims_of(session, late) == {}
    twice = await http.post(
        f"/api/assist/bookings/{late}/cancel",
        json={"contact_email": late_body["customer"]["email"]},
        headers=proof(late_body),
    )
    assert refusal(twice) == (409, "The booking is cancelled: it can no longer be changed.", [])


# ------------------------------------------------------------------ timers


async def test_a_booking_across_a_dst_change_keeps_its_wall_clock_time(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    """Booked in winter for the Tuesday after New York's clocks go forward: 09:00 stays 09:00 (EDT), and the
    reminder comes at 09:00 on the Sunday (47 hours before: Sunday lost an hour)."""
    site = await new_site(assist_db, time_zone="America/New_York")
    day = datetime(2027, 3, 16).date()
    current = await now(ts_env)
    assert current < datetime(2027, 2, 1, tzinfo=current.tzinfo), "the module's clock has passed the DST test date"
    body = availability(site, SessionTime(date=day, time=time(9, 0), time_zone="America/New_York", duration_minutes=60))
    number = (await book(http, body))["state"]["reservation_no"]
    status = (await http.get(f"/api/assist/bookings/{number}", headers=proof(body))).json()
    assert status["availability"]["session"]["time"] == "09:00:00"

    reminder_at = datetime.fromisoformat("2027-03-14T09:00:00-04:00")
    await ts_env.sleep(reminder_at - await now(ts_env) - timedelta(minutes=5))
    assert not [m for m in mail_sink.to(body["customer"]["email"]) if m.subject.startswith("Reminder")]
    await ts_env.sleep(timedelta(minutes=10))
    [reminder] = await mails_to(mail_sink, body["customer"]["email"], subject="Reminder")
    assert "09:00-10:00 (America/New_York)" in reminder.subject


async def test_after_an_event_center_session_the_report_mail_and_the_recording(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 15, minutes=90)
    await schedule(
        assist_db, site, when, host_id="mei", host_email="mei@customer.example", registrations=240, attendees=187
    )
    body = availability(site, when)
    answer = await book(
        http, body, lookup={"scheduled": "by_me", "host_id": "mei", "host_email": "mei@customer.example"}
    )
    number, producer = answer["state"]["reservation_no"], answer["state"]["producer"]["email"]

    await ts_env.sleep(when.starts_at - await now(ts_env) - timedelta(minutes=29))
    [call] = await mails_to(mail_sink, producer, subject=number)
    assert call.subject.startswith("Start now: Event Center Standard") and "30 minutes" in call.text
    assert (await http.get(f"/api/assist/bookings/{number}", headers=proof(body))).json()["status"] == "live"

    await ts_env.sleep(when.ends_at - await now(ts_env) - timedelta(minutes=1))
    assert not [m for m in mail_sink.to(body["customer"]["email"]) if m.subject.startswith("Post-event")]
    await ts_env.sleep(timedelta(minutes=2))
    [report] = await mails_to(mail_sink, body["customer"]["email"], subject="Post-event report")
    assert "Registrations:  240" in report.text and "Attendance:     187" in report.text
    assert f"https://{site}/recordings/{number}" in report.text
    final = (await http.get(f"/api/assist/bookings/{number}", headers=proof(body))).json()
    assert final["status"] == "completed" and final["report"]["attendees"] == 187

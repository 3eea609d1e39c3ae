"""A Webex site's Assist terms (seed 004, issue 15 items 8 and 11), as the customer and the coordinator meet them:
the scheduling coordinator mailed over the real SMTP sink for an order with comments or a language other than
English (and not for an English order without comments), the confirmation mail naming the coordinator and the
producer with their contact details (or, with no coordinator, telling the customer to write to the producer), and
the packages the site's contract includes: listed alone by the landing page, the order form and the API, another
one refused with the reason by the API before anything starts and by the workflow's availability step.

On a time-skipping server, database and worker of this module's own (tests/assist_env.py); nothing here skips time.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.assist import Coordinator
from models.assist_packages import Package
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store import assist_sites as site_terms
from tests.admin_support import mails_to
from tests.assist_env import (  # noqa: F401
    assist_db_fixture,
    client_fixture,
    http_fixture,
    settings_fixture,
    ts_env_fixture,
    worker_fixture,
)
from tests.assist_support import availability, book, new_site, proof, session_at, start_order, uid
from tests.test_assist_pages import ordered, step1
from tests.test_wizard_pages import Html, browser, page

NOT_EC = "The contract of the Webex site {site} does not include Event Center Standard."


@pytest.fixture
def app(client: Client, settings: Settings, assist_db: SessionFactory) -> FastAPI:
    return create_app(settings, client=client, sessions=assist_db)


async def now(ts_env: WorkflowEnvironment) -> datetime:
    return await ts_env.get_current_time()


async def site_with(
    assist_db: SessionFactory, *, coordinator: bool = True, packages: list[Package] | None = None
) -> tuple[str, Coordinator | None]:
    """A site of the test's own with its coordinator (a unique address) and, when given, its packages."""
    site = await new_site(assist_db)
    person = (
        Coordinator(name="Ya-ting Wang", email=f"coordinator-{uid()}@assist.example", phone="+886 2 2723 0000")
        if coordinator
        else None
    )
    async with assist_db.begin() as session:
        await site_terms.set_coordinator(session, site, person)
        if packages is not None:
            await site_terms.set_packages(session, site, packages)
    return site, person


def refusal(response: httpx.Response) -> tuple[int, str, list[str]]:
    body = response.json()
    return response.status_code, body["message"], [field["field"] for field in body.get("fields", [])]


def purposes(answer: dict[str, Any]) -> list[str]:
    return [mail["purpose"] for mail in answer["state"]["mails"]]


def _select(p: Html, name: str) -> str:
    found = re.search(rf'<select id="{name}" name="{name}"[^>]*>(.*?)</select>', p.raw, re.S)
    assert found is not None, name
    return found.group(1)


def options(p: Html, name: str) -> list[str]:
    """The values a select offers, in order."""
    return re.findall(r'<option value="([^"]*)"', _select(p, name))


def selected(p: Html, name: str) -> str:
    chosen = re.findall(r'<option value="([^"]*)"[^>]*\bselected', _select(p, name))
    return chosen[0] if chosen else ""


def package_cards(p: Html) -> list[str]:
    """The landing page's packages, by their cards' headings."""
    return [html.unescape(name) for name in re.findall(r'<li class="package-card">\s*<h3>(.*?)</h3>', p.raw)]


def links(p: Html) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', p.raw)]


# ------------------------------------------------------------------ the scheduling coordinator


async def test_an_order_with_comments_mails_the_coordinator_the_order_and_how_to_reach_the_customer(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site, coordinator = await site_with(assist_db)
    assert coordinator is not None
    body = availability(site, session_at(await now(ts_env), 30))
    comments = "Two presenters join from Tainan.\nPlease test their audio the day before."
    answer = await book(http, body, event_info={"topic": "Yitong product launch", "comments": comments})

    assert answer["confirmed"] is True and purposes(answer) == ["confirmation", "coordinator"]
    number, producer = answer["state"]["reservation_no"], answer["state"]["producer"]
    [mail] = await mails_to(mail_sink, str(coordinator.email))
    assert mail.subject == f"Webex Assist {number} on {site}: the customer's requests for scheduling"
    text = mail.text.replace("\r\n", "\n")
    assert "Hello Ya-ting Wang," in text
    assert f"Reservation number: {number}" in " ".join(text.split())
    assert "Event Center Standard" in text and "Yitong product launch" in text
    assert "  Two presenters join from Tainan.\n  Please test their audio the day before." in text
    assert f"{producer['name']} ({producer['email']})" in text
    reach = " ".join(text.split("How to reach the customer:")[1].split())
    assert reach == f"Customer: Mei Lin, Yitong Trading ({body['customer']['email']}) Phone: +886 2 1234 5678"
    assert f'href="mailto:{body["customer"]["email"]}"' in mail.html

    [confirmation] = await mails_to(mail_sink, body["customer"]["email"])
    said = " ".join(confirmation.text.split())
    assert (
        "For any other change to your order, or to give the scheduling coordinator or the producer more "
        "information, contact them directly: Scheduling coordinator: Ya-ting Wang "
        f"({coordinator.email}, +886 2 2723 0000) Producer: {producer['name']} ({producer['email']})"
    ) in said
    assert f'href="mailto:{coordinator.email}"' in confirmation.html
    assert f'href="mailto:{producer["email"]}"' in confirmation.html
    assert answer["state"]["coordinator"] == coordinator.model_dump(mode="json")


async def test_a_german_language_request_without_comments_mails_the_coordinator_too(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site, coordinator = await site_with(assist_db)
    assert coordinator is not None
    body = availability(site, session_at(await now(ts_env), 31), package="mc_premium")
    answer = await book(http, body, event_info={"topic": "Partnertreffen", "language": "German"})

    assert purposes(answer) == ["confirmation", "coordinator"]
    [mail] = await mails_to(mail_sink, str(coordinator.email))
    assert "Language: German" in " ".join(mail.text.split())
    assert "The customer's comments:" not in mail.text
    assert "Meeting Center Premium" in mail.text


async def test_an_english_order_without_comments_mails_no_coordinator(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site, coordinator = await site_with(assist_db)
    assert coordinator is not None
    body = availability(site, session_at(await now(ts_env), 32))
    answer = await book(http, body, event_info={"topic": "Launch", "language": "English", "comments": "  "})

    assert purposes(answer) == ["confirmation"]  # the coordinator's would have been queued with it, in the submit
    [confirmation] = await mails_to(mail_sink, body["customer"]["email"])
    assert f"Scheduling coordinator: Ya-ting Wang ({coordinator.email}" in " ".join(confirmation.text.split())
    assert mail_sink.to(str(coordinator.email)) == []


async def test_a_site_without_coordinator_mails_nobody_and_the_confirmation_says_to_write_to_the_producer(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site, _ = await site_with(assist_db, coordinator=False)
    body = availability(site, session_at(await now(ts_env), 33))
    answer = await book(http, body, event_info={"topic": "Launch", "comments": "Call me first", "language": "Thai"})

    assert purposes(answer) == ["confirmation"] and answer["state"]["coordinator"] is None
    producer = answer["state"]["producer"]
    [confirmation] = await mails_to(mail_sink, body["customer"]["email"])
    said = " ".join(confirmation.text.split())
    assert (
        f"Your producer: {producer['name']} ({producer['email']}). For any other change, or to give the producer "
        "more information, write to them directly."
    ) in said
    assert "Scheduling coordinator" not in said


async def test_the_confirmation_page_names_the_coordinator_beside_the_producer(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site, coordinator = await site_with(assist_db)
    assert coordinator is not None
    async with browser(app) as web:
        number = await ordered(web, site, session_at(await now(ts_env), 34), f"mei-{uid()}@customer.example")
        confirmation = await page(await web.get(f"/assist/order/{number}/confirmation"))
    assert confirmation.text("coordinator") == f"Ya-ting Wang ({coordinator.email}, +886 2 2723 0000)"
    assert confirmation.text("producer").startswith("Producer ")


# ------------------------------------------------------------------ packages by site


async def test_the_api_refuses_a_package_the_sites_contract_does_not_include_before_anything_starts(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site, _ = await site_with(assist_db, packages=[Package.MEETING_CENTER_PREMIUM, Package.TRAINING_CENTER_PREMIUM])
    when = session_at(await now(ts_env), 20)

    refused = await http.post("/api/assist/bookings", json=availability(site, when, package="ec_standard"))
    assert refusal(refused) == (
        422,
        NOT_EC.format(site=site)
        + " Choose one of the packages it includes: Training Center Premium, Meeting Center Premium.",
        ["package"],
    )

    listed = await http.get("/api/assist/packages", params={"site": site.upper()})
    assert listed.status_code == 200, listed.text
    assert listed.json()["site"] == site
    assert [info["package"] for info in listed.json()["packages"]] == ["mc_premium", "tc_premium"]
    every = await http.get("/api/assist/packages")
    assert len(every.json()["packages"]) == 4 and every.json()["site"] is None
    unknown = await http.get("/api/assist/packages", params={"site": "nosuch.webex.com"})
    assert refusal(unknown)[0] == 422 and refusal(unknown)[2] == ["site"]


async def test_the_workflow_refuses_another_package_at_its_availability_step(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    """A step 1 again for a package the contract does not include is refused by the workflow itself (the API sends
    it on after checking only that the site exists); the order keeps its package and goes on."""
    site, _ = await site_with(assist_db, packages=[Package.MEETING_CENTER_PREMIUM])
    when = session_at(await now(ts_env), 21)
    started = await start_order(http, availability(site, when, package="mc_premium"))
    number, mine = started["reservation_no"], proof(started)

    again = await http.post(
        f"/api/assist/bookings/{number}/availability",
        json=availability(site, when, package="ec_standard", email=mine["X-Contact-Email"]),
        headers=mine,
    )
    assert refusal(again) == (
        422,
        NOT_EC.format(site=site) + " Choose one of the packages it includes: Meeting Center Premium.",
        ["package"],
    )
    state = (await http.get(f"/api/assist/bookings/{number}", headers=mine)).json()
    assert state["availability"]["package"] == "mc_premium" and state["step"] == "lookup"


async def test_the_landing_page_and_the_order_form_list_only_the_sites_packages(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site, _ = await site_with(assist_db, packages=[Package.EVENT_CENTER_PREMIUM, Package.MEETING_CENTER_PREMIUM])
    async with browser(app) as web:
        every = await page(await web.get("/assist"))
        assert package_cards(every) == [
            "Meeting Center Premium",
            "Training Center Premium",
            "Event Center Standard",
            "Event Center Premium",
        ]
        assert "Which packages you can order depends on your Webex site's contract." in every.text()
        assert site in options(every, "site")

        chosen = await page(await web.get("/assist", params={"site": site}))
        assert package_cards(chosen) == ["Meeting Center Premium", "Event Center Premium"]
        assert f"The packages the contract of {site} includes:" in chosen.text()
        assert f"/assist/order?package=ec_premium&site={site}" in links(chosen)
        assert selected(chosen, "site") == site

        form = await page(await web.get("/assist/order", params={"package": "ec_premium", "site": site}))
        assert options(form, "package") == ["", "ec_premium", "mc_premium"]
        assert selected(form, "package") == "ec_premium" and selected(form, "site") == site
        assert f"The packages the contract of {site} includes." in form.text()
        other = await page(await web.get("/assist/order", params={"package": "ec_standard", "site": site}))
        assert selected(other, "package") == ""  # not one of the site's: nothing chosen
        assert options(await page(await web.get("/assist/order")), "package") == [
            "",
            "ec_premium",
            "ec_standard",
            "tc_premium",
            "mc_premium",
        ]

        email = f"mei-{uid()}@customer.example"
        when = session_at(await now(ts_env), 22)
        refused = await web.post("/assist/order", data=step1(site, when, email, package="ec_standard"))
        shown = await page(refused, status=422)
        assert shown.text("package-error") == (
            NOT_EC.format(site=site)
            + " Choose one of the packages it includes: Event Center Premium, Meeting Center Premium."
        )
        assert options(shown, "package") == ["", "ec_premium", "mc_premium"]

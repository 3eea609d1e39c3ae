"""`onramp site list|add|show|packages|coordinator|sessions|schedule|producers|add-producer`: the Webex sites Webex
Assist serves, their terms (the packages each contract includes, the scheduling coordinator), the sessions scheduled
on them (the table that stands for the Webex site) and the producers (seed 004). The commands talk to the database
directly (ONRAMP_DATABASE_URL); Temporal need not run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

import typer
from pydantic import EmailStr, TypeAdapter, ValidationError
from rich.table import Table

from models.assist import Coordinator, Producer
from models.assist_activities import ScheduledSession
from models.assist_packages import PACKAGES, Package
from models.assist_requests import HostId, SiteName, Topic
from models.assist_sites import ALL_PACKAGES, SiteTerms
from models.assist_time import SessionTime
from models.common import Contract, Name, TimeZoneName
from starter.cli.credentials import audited, reading
from starter.cli.database import database
from starter.cli.output import EXIT_INVALID, console, fail, invalid, print_json, run_async
from starter.services.callers import Scope
from store import assist as store
from store import assist_sites as site_terms

site_app = typer.Typer(
    help="Webex sites, their scheduled sessions and the assist producers (seed 004).", no_args_is_help=True
)

SiteArg = Annotated[str, typer.Argument(help="The site's host name, e.g. yitong.webex.com.", metavar="SITE")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]

T = TypeVar("T")


def _site_name(value: str) -> str:
    try:
        return TypeAdapter(SiteName).validate_python(value.strip().lower())
    except ValidationError:
        fail(f"'{value}' is not a Webex site address: give its host name, e.g. yitong.webex.com.", EXIT_INVALID)


def _validated(build: Callable[[], T], what: str) -> T:
    try:
        return build()
    except ValidationError as err:
        invalid(err, what)


async def _known_site(sessions: Any, name: str) -> Any:
    async with sessions() as session:
        found = await store.site(session, name)
    if found is None:
        fail(f"There is no Webex site {name} here. `onramp site list` shows the sites.", EXIT_INVALID)
    return found


# ---------------------------------------------------------------------------------------------------- sites


@site_app.command("list")
@run_async
@reading
async def list_sites(as_json: AsJson = False) -> None:
    """The Webex sites."""
    async with database() as sessions, sessions() as session:
        found = await store.sites(session)
    if as_json:
        print_json([{"name": s.name, "display_name": s.display_name, "time_zone": s.time_zone} for s in found])
        return
    if not found:
        console.print("No Webex sites yet. `onramp site add NAME --name … --time-zone …` adds one.")
        return
    table = Table()
    for column in ("site", "name", "time zone"):
        table.add_column(column, no_wrap=True)
    for row in found:
        table.add_row(row.name, row.display_name, row.time_zone)
    console.print(table)


@site_app.command("add")
@run_async
@audited(Scope.ACT, "site add")
async def add(
    name: SiteArg,
    display_name: Annotated[str, typer.Option("--name", help="The company or site's display name.")],
    time_zone: Annotated[str, typer.Option(help="The site's IANA time zone, e.g. Asia/Taipei.")],
) -> None:
    """Add a Webex site (or change the name and time zone of one)."""

    class NewSite(Contract):
        name: Name
        time_zone: TimeZoneName

    site = _site_name(name)
    new = _validated(lambda: NewSite(name=display_name, time_zone=time_zone), "The site")
    async with database() as sessions, sessions.begin() as session:
        created = await store.add_site(session, site, new.name, new.time_zone)
    verb = "added" if created else "updated"
    console.print(f"[green]Site {site} {verb}[/]: {new.name}, {new.time_zone}.")


# ------------------------------------------------------------------------------------------ a site's terms


def _package_list(packages: list[Package]) -> str:
    return ", ".join(PACKAGES[package].name for package in packages)


def _coordinator_text(coordinator: Coordinator | None) -> str:
    if coordinator is None:
        return "none (no coordinator mail; the confirmation tells customers to write to their producer)"
    phone = f", {coordinator.phone}" if coordinator.phone else ""
    return f"{coordinator.name} <{coordinator.email}>{phone}"


def _terms_json(terms: SiteTerms, time_zone: str) -> dict[str, Any]:
    return {
        "name": terms.site,
        "display_name": terms.display_name,
        "time_zone": time_zone,
        "packages": [package.value for package in terms.packages],
        "coordinator": terms.coordinator.model_dump(mode="json") if terms.coordinator else None,
    }


def _packages_of(values: list[str]) -> list[Package]:
    """The packages named by their IDs (ec_standard) or names (Event Center Standard), once each; exits 2 naming
    the IDs for a word that is none of them."""
    by_word = {package.value: package for package in Package} | {
        info.name.casefold(): package for package, info in PACKAGES.items()
    }
    chosen: list[Package] = []
    for value in values:
        package = by_word.get(value.strip().casefold())
        if package is None:
            known = ", ".join(f"{p.value} ({PACKAGES[p].name})" for p in ALL_PACKAGES)
            fail(f"'{value}' is not an assist package. The packages are {known}.", EXIT_INVALID)
        if package not in chosen:
            chosen.append(package)
    return chosen


@site_app.command("show")
@run_async
@reading
async def show(name: SiteArg, as_json: AsJson = False) -> None:
    """A site: its name and time zone, the packages its contract includes and its scheduling coordinator."""
    site = _site_name(name)
    async with database() as sessions:
        known = await _known_site(sessions, site)
        async with sessions() as session:
            terms = await site_terms.terms(session, site)
    assert terms is not None, site  # _known_site found it
    if as_json:
        print_json(_terms_json(terms, known.time_zone))
        return
    console.print(f"Site {site}: {known.display_name}, {known.time_zone}.", highlight=False)
    console.print(f"Packages: {_package_list(terms.packages)}.", highlight=False)
    console.print(f"Scheduling coordinator: {_coordinator_text(terms.coordinator)}.", highlight=False)


@site_app.command("packages")
@run_async
@audited(Scope.ACT, "site packages")
async def set_packages(
    name: SiteArg,
    packages: Annotated[
        list[str] | None,
        typer.Argument(help="The packages the contract includes: ec_premium, ec_standard, tc_premium, mc_premium."),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="All four packages.")] = False,
) -> None:
    """Set the packages a site's contract includes: the Assist pages list only these for the site, and an order for
    another is refused with the reason. Orders already confirmed keep their package."""
    site = _site_name(name)
    if every == bool(packages):
        fail(
            "Name the packages the site's contract includes (e.g. ec_standard mc_premium), or give --all.", EXIT_INVALID
        )
    chosen = list(ALL_PACKAGES) if every else _packages_of(packages or [])
    async with database() as sessions:
        await _known_site(sessions, site)
        async with sessions.begin() as session:
            terms = await site_terms.set_packages(session, site, chosen)
    console.print(f"[green]Site {site}[/] includes {_package_list(terms.packages)}.", highlight=False)


@site_app.command("coordinator")
@run_async
@audited(Scope.ACT, "site coordinator")
async def set_coordinator(
    name: SiteArg,
    coordinator_name: Annotated[str | None, typer.Option("--name", help="The coordinator's name.")] = None,
    email: Annotated[str | None, typer.Option(help="The coordinator's e-mail address.")] = None,
    phone: Annotated[str | None, typer.Option(help="The coordinator's phone number (optional).")] = None,
    none: Annotated[bool, typer.Option("--none", help="The site has no coordinator any more.")] = False,
) -> None:
    """Set a site's scheduling coordinator: mailed every order with comments or a language other than English, and
    named with the producer in the confirmation mail. Orders read it at their availability step."""
    site = _site_name(name)
    if none and (coordinator_name or email or phone):
        fail("Give either the coordinator's --name and --email (and --phone), or --none.", EXIT_INVALID)
    if not none and not (coordinator_name and email):
        fail(
            "Give the coordinator's --name and --email (and --phone if you like), or --none to remove them.",
            EXIT_INVALID,
        )
    coordinator = (
        None
        if none
        else _validated(
            lambda: Coordinator.model_validate({"name": coordinator_name, "email": email, "phone": phone}),
            "The coordinator",
        )
    )
    async with database() as sessions:
        await _known_site(sessions, site)
        async with sessions.begin() as session:
            terms = await site_terms.set_coordinator(session, site, coordinator)
    console.print(
        f"[green]Site {site}[/]: scheduling coordinator {_coordinator_text(terms.coordinator)}.", highlight=False
    )


# ------------------------------------------------------------------------------------------ scheduled sessions


@site_app.command("sessions")
@run_async
@reading
async def sessions_of(name: SiteArg, as_json: AsJson = False) -> None:
    """The sessions scheduled on a site."""
    site = _site_name(name)
    async with database() as sessions:
        await _known_site(sessions, site)
        async with sessions() as session:
            found = await store.scheduled_sessions(session, site)
    if as_json:
        print_json(
            [
                {**s.scheduled.model_dump(mode="json"), "registrations": s.registrations, "attendees": s.attendees}
                for s in found
            ]
        )
        return
    if not found:
        console.print(f"No sessions scheduled on {site} yet. `onramp site schedule {site} …` schedules one.")
        return
    table = Table(title=f"sessions on {site}")
    for column, no_wrap in (
        ("session key", True),
        ("when", True),
        ("kind", True),
        ("topic", False),
        ("host ID", True),
        ("host e-mail", True),
        ("registered", True),
        ("attended", True),
    ):
        table.add_column(column, no_wrap=no_wrap)
    for row in found:
        s = row.scheduled
        table.add_row(
            s.session_key,
            s.session.label(),
            s.kind,
            s.topic,
            s.host_id,
            s.host_email,
            "—" if row.registrations is None else str(row.registrations),
            "—" if row.attendees is None else str(row.attendees),
        )
    console.print(table)


@site_app.command("schedule")
@run_async
@audited(Scope.ACT, "site schedule")
async def schedule(
    name: SiteArg,
    host_id: Annotated[str, typer.Option(help="The host's Webex ID.")],
    host_email: Annotated[str, typer.Option(help="The host's e-mail address.")],
    topic: Annotated[str, typer.Option(help="The session's topic.")],
    date: Annotated[str, typer.Option(help="The start date, YYYY-MM-DD (in the time zone).")],
    time: Annotated[str, typer.Option(help="The start time, HH:MM, on a quarter hour.")],
    kind: Annotated[str, typer.Option(help="meeting, training or event.")] = "meeting",
    time_zone: Annotated[str | None, typer.Option(help="IANA time zone (default: the site's).")] = None,
    duration: Annotated[int, typer.Option(help="Minutes, a multiple of 15.")] = 60,
    registrations: Annotated[int | None, typer.Option(min=0, help="Registrations (Event Center).")] = None,
    attendees: Annotated[int | None, typer.Option(min=0, help="Attendees (Event Center).")] = None,
    key: Annotated[str | None, typer.Option(help="The session key (made up when absent).")] = None,
) -> None:
    """Schedule a meeting, training session or event on a site, as its host would on the Webex site."""

    class NewSession(Contract):
        host_id: HostId
        host_email: EmailStr
        topic: Topic
        kind: Literal["meeting", "training", "event"]
        session: SessionTime

    site = _site_name(name)
    async with database() as sessions:
        known = await _known_site(sessions, site)
        when = {"date": date, "time": time, "time_zone": time_zone or known.time_zone, "duration_minutes": duration}
        new = _validated(
            lambda: NewSession.model_validate(
                {"host_id": host_id, "host_email": host_email, "topic": topic, "kind": kind, "session": when}
            ),
            "The session",
        )
        scheduled = ScheduledSession(
            session_key=key or store.new_session_key(),
            site=site,
            host_id=new.host_id,
            host_email=str(new.host_email).lower(),
            topic=new.topic,
            kind=new.kind,
            session=new.session,
        )
        async with sessions.begin() as session:
            created = await store.add_scheduled_session(
                session, scheduled, registrations=registrations, attendees=attendees
            )
    verb = "Scheduled" if created else "Updated"
    console.print(
        f"[green]{verb}[/] {scheduled.kind} '{scheduled.topic}' on {site}: {scheduled.session.label()}, "
        f"host {scheduled.host_id} <{scheduled.host_email}>, session key {scheduled.session_key}.",
        highlight=False,
    )


# ------------------------------------------------------------------------------------------------ producers


@site_app.command("producers")
@run_async
@reading
async def list_producers(
    name: Annotated[
        str | None,
        typer.Argument(help="A site's host name: its producers (every producer serves every site).", metavar="SITE"),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The assist producers (they serve every site): `site producers` or, like `site sessions SITE`,
    `site producers SITE` (the site must exist)."""
    site = _site_name(name) if name is not None else None
    async with database() as sessions:
        if site is not None:
            await _known_site(sessions, site)
        async with sessions() as session:
            found = await store.producers(session)
    if as_json:
        print_json([producer.model_dump(mode="json") for producer in found])
        return
    if not found:
        console.print("No producers yet. `onramp site add-producer --id … --name … --email …` adds one.")
        return
    table = Table(title=f"producers serving {site}" if site else None)
    for column in ("ID", "name", "e-mail"):
        table.add_column(column, no_wrap=True)
    for producer in found:
        table.add_row(producer.producer_id, producer.name, str(producer.email))
    console.print(table)


@site_app.command("add-producer")
@run_async
@audited(Scope.ACT, "site add-producer")
async def add_producer(
    producer_id: Annotated[str, typer.Option("--id", help="A short ID, e.g. mei.chen.")],
    name: Annotated[str, typer.Option(help="The producer's name.")],
    email: Annotated[str, typer.Option(help="The producer's e-mail address.")],
) -> None:
    """Add an assist producer (or change the name and e-mail of one)."""

    class NewProducer(Contract):
        producer_id: HostId
        name: Name
        email: EmailStr

    new = _validated(lambda: NewProducer(producer_id=producer_id, name=name, email=email), "The producer")
    producer = Producer(producer_id=new.producer_id, name=new.name, email=new.email)
    async with database() as sessions, sessions.begin() as session:
        created = await store.add_producer(session, producer)
    verb = "added" if created else "updated"
    console.print(f"[green]Producer {producer.producer_id} {verb}[/]: {producer.name} <{producer.email}>.")


def register(app: typer.Typer) -> None:
    app.add_typer(site_app, name="site")

"""The Webex Assist packages of seed 004 as data: what each includes, its hours, its standard fee and its add-ons,
and the seed's package comparison table, row by row.

The seed's table lost its check marks in the copy we have; where a cell is blank in the seed, the package includes
the service. Its text cells are kept: "not applicable" for Meeting Center Premium's planning call, and "optional,
billed by the hour, at least 1.5 hours" for invitations and registration (except Event Center Premium) and for
rehearsals (except Event Center Premium). The post-event report and the posted recording are Event Center's, whose
assist the seed says covers "every stage of the event, including post-event follow-up".

The standard fees are list prices in US dollars; the seed says the actual charge follows the contract's rates.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from models.common import Contract


def N_(message: str) -> str:
    """Marks a text the Assist pages show for the pages' catalog (translations/messages.cfg extracts models/ with
    Babel's default keywords) and leaves it as it is: the pages translate it where they show it
    (starter/web/assist/words.py); the API and the CLI show it in English."""
    return message


class Package(StrEnum):
    MEETING_CENTER_PREMIUM = "mc_premium"
    TRAINING_CENTER_PREMIUM = "tc_premium"
    EVENT_CENTER_STANDARD = "ec_standard"
    EVENT_CENTER_PREMIUM = "ec_premium"


class AddOn(StrEnum):
    EXTRA_TIME = "extra_time"
    EXTRA_REHEARSAL = "extra_rehearsal"
    EXTRA_RECORDING_EDITING = "extra_recording_editing"
    INVITATION_REGISTRATION = "invitation_registration"


ADD_ON_NAMES: dict[AddOn, str] = {
    AddOn.EXTRA_TIME: N_("Extra time for an event longer than 1 hour"),
    AddOn.EXTRA_REHEARSAL: N_("An extra rehearsal"),
    AddOn.EXTRA_RECORDING_EDITING: N_("Extra editing of the event recording"),
    AddOn.INVITATION_REGISTRATION: N_("Invitation and registration management"),
}


ORDERED_ADD_ONS: tuple[AddOn, ...] = (
    AddOn.EXTRA_REHEARSAL,
    AddOn.EXTRA_RECORDING_EDITING,
    AddOn.INVITATION_REGISTRATION,
)
"""The add-ons a customer chooses, in the order a price lists them. Extra time is not chosen: every started hour
of the session over the first is priced from its duration."""


class Coverage(StrEnum):
    INCLUDED = "included"
    HOURLY = "hourly"  # optional, billed by the hour, at least 1.5 hours
    NOT_APPLICABLE = "not_applicable"


COVERAGE_TEXT: dict[Coverage, str] = {
    Coverage.INCLUDED: N_("Included"),
    Coverage.HOURLY: N_("Optional. Billed by the hour, at least 1.5 hours."),
    Coverage.NOT_APPLICABLE: N_("Not applicable"),
}


class PackageInfo(Contract):
    package: Package
    name: str
    center: str
    summary: str
    standard_fee: Decimal
    currency: str = "USD"
    included_event_hours: Decimal = Decimal(1)
    production_hours: Decimal | None = None
    production_hours_note: str | None = None
    add_ons: tuple[AddOn, ...]
    add_on_prices: dict[AddOn, Decimal]
    """List prices: extra time per started hour over ``included_event_hours``; a rehearsal and invitation and
    registration management at their 1.5-hour minimum; recording editing per recording."""
    needs_scheduled_session: bool = True
    post_event_report: bool = False
    recording_posted: bool = False


_ALL_ADD_ONS = (AddOn.EXTRA_TIME, AddOn.EXTRA_REHEARSAL, AddOn.EXTRA_RECORDING_EDITING, AddOn.INVITATION_REGISTRATION)

PACKAGES: dict[Package, PackageInfo] = {
    Package.MEETING_CENTER_PREMIUM: PackageInfo(
        package=Package.MEETING_CENTER_PREMIUM,
        name=N_("Meeting Center Premium"),
        center="Meeting Center",
        summary=N_("30 minutes of support before the meeting and live assistance while it runs."),
        standard_fee=Decimal("300.00"),
        add_ons=_ALL_ADD_ONS,
        add_on_prices={
            AddOn.EXTRA_TIME: Decimal("150.00"),
            AddOn.EXTRA_REHEARSAL: Decimal("225.00"),
            AddOn.EXTRA_RECORDING_EDITING: Decimal("100.00"),
            AddOn.INVITATION_REGISTRATION: Decimal("225.00"),
        },
    ),
    Package.TRAINING_CENTER_PREMIUM: PackageInfo(
        package=Package.TRAINING_CENTER_PREMIUM,
        name=N_("Training Center Premium"),
        center="Training Center",
        summary=N_("A certified producer helps you deliver a high-quality online training session."),
        standard_fee=Decimal("450.00"),
        add_ons=_ALL_ADD_ONS,
        add_on_prices={
            AddOn.EXTRA_TIME: Decimal("200.00"),
            AddOn.EXTRA_REHEARSAL: Decimal("300.00"),
            AddOn.EXTRA_RECORDING_EDITING: Decimal("125.00"),
            AddOn.INVITATION_REGISTRATION: Decimal("300.00"),
        },
    ),
    Package.EVENT_CENTER_STANDARD: PackageInfo(
        package=Package.EVENT_CENTER_STANDARD,
        name=N_("Event Center Standard"),
        center="Event Center",
        summary=N_("Support at every stage of the event: planning before it, service during it, follow-up after it."),
        standard_fee=Decimal("650.00"),
        add_ons=_ALL_ADD_ONS,
        add_on_prices={
            AddOn.EXTRA_TIME: Decimal("250.00"),
            AddOn.EXTRA_REHEARSAL: Decimal("375.00"),
            AddOn.EXTRA_RECORDING_EDITING: Decimal("150.00"),
            AddOn.INVITATION_REGISTRATION: Decimal("375.00"),
        },
        post_event_report=True,
        recording_posted=True,
    ),
    Package.EVENT_CENTER_PREMIUM: PackageInfo(
        package=Package.EVENT_CENTER_PREMIUM,
        name=N_("Event Center Premium"),
        center="Event Center",
        summary=N_(
            "Support at every stage of the event, with invitations, registration and a rehearsal included; "
            "the event need not be scheduled yet."
        ),
        standard_fee=Decimal("2400.00"),
        production_hours=Decimal("6.5"),
        production_hours_note=N_(
            "6.5 production hours for a 1-hour event. They cannot be split or customised to serve several events."
        ),
        add_ons=(AddOn.EXTRA_TIME, AddOn.EXTRA_REHEARSAL, AddOn.EXTRA_RECORDING_EDITING),
        add_on_prices={
            AddOn.EXTRA_TIME: Decimal("300.00"),
            AddOn.EXTRA_REHEARSAL: Decimal("450.00"),
            AddOn.EXTRA_RECORDING_EDITING: Decimal("150.00"),
        },
        needs_scheduled_session=False,
        post_event_report=True,
        recording_posted=True,
    ),
}

COLUMNS: tuple[Package, ...] = (
    Package.EVENT_CENTER_PREMIUM,
    Package.EVENT_CENTER_STANDARD,
    Package.TRAINING_CENTER_PREMIUM,
    Package.MEETING_CENTER_PREMIUM,
)
"""The seed's column order: EC Premium, EC Standard, TC Premium, MC Premium."""


class ServiceRow(Contract):
    phase: str
    service: str
    description: str
    coverage: dict[Package, Coverage]


def _row(phase: str, service: str, description: str, *cells: Coverage) -> ServiceRow:
    return ServiceRow(
        phase=phase, service=service, description=description, coverage=dict(zip(COLUMNS, cells, strict=True))
    )


_IN, _HOURLY, _NA = Coverage.INCLUDED, Coverage.HOURLY, Coverage.NOT_APPLICABLE

COMPARISON: tuple[ServiceRow, ...] = (
    _row(
        N_("Before the event"),
        N_("Planning session"),
        N_("A 15-minute call about the producer's hosting duties, the recording format and the event's details."),
        _IN, _IN, _IN, _NA,
    ),
    _row(
        N_("Before the event"),
        N_("Consultation (up to 1 hour)"),
        N_(
            "Schedule the event, give the customer the invitation link, build the registration page and customise the "
            "approval and reminder messages."
        ),
        _IN, _HOURLY, _HOURLY, _HOURLY,
    ),
    _row(
        N_("Before the event"),
        N_("Rehearsal (up to 1 hour)"),
        N_("Settle the timeline and build a fallback plan, with the roles and duties for the live event."),
        _IN, _HOURLY, _HOURLY, _HOURLY,
    ),
    _row(
        N_("Live event"),
        N_("Live event (from up to 30 minutes before the start)"),
        N_(
            "The producer starts the event 30 minutes early, makes sure the presenters join, confirms the roles agreed "
            "in rehearsal or planning, answers last questions and the audience's technical questions, and stands in "
            "when a presenter needs help."
        ),
        _IN, _IN, _IN, _IN,
    ),
    _row(N_("Live event"), N_("Hold music"), N_("The producer can play hold music for the audience."), _IN, _IN, _IN, _IN),
    _row(
        N_("Live event"),
        N_("Polling coordinator"),
        N_("The producer can support and run polls during the session (the customer owns their content)."),
        _IN, _IN, _IN, _IN,
    ),
    _row(
        N_("Live event"),
        N_("Producer hosting"),
        N_("The producer starts the session, manages attendee audio, passes the presenter ball and so on."),
        _IN, _IN, _IN, _IN,
    ),
    _row(
        N_("Live event"),
        N_("Shared content"),
        N_("The producer can review and load slides; testing needs 24 hours' notice."),
        _IN, _IN, _IN, _IN,
    ),
    _row(
        N_("Live event"),
        N_("Prepared video"),
        N_("The production team can host video and help play prepared video files."),
        _IN, _IN, _IN, _IN,
    ),
    _row(
        N_("After the event"),
        N_("Post-event report"),
        N_("Final registration and attendance figures in a post-event report."),
        _IN, _IN, _NA, _NA,
    ),
    _row(
        N_("After the event"),
        N_("Recording"),
        N_(
            "The recording is edited (start and end only) and posted to the customer's Webex site, with a link for "
            "review and playback. Several recording formats are available."
        ),
        _IN, _IN, _NA, _NA,
    ),
)  # fmt: skip

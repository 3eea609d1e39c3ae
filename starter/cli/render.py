"""Rich renderings of workflow states for `onramp status`, `start` and `history`."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rich.panel import Panel
from rich.table import Table

from models.partner_order import PartnerOrderState
from models.wizard import STEP_TITLES

STATUS_STYLE = {
    "awaiting_start_date": "cyan",
    "awaiting_setup": "yellow",
    "awaiting_org_confirmation": "yellow",
    "set_up": "blue",
    "provisioned": "green",
    "closed": "red",
    "halted": "red",
}


def when(moment: datetime | None, time_zone: str | None = None) -> str:
    """A moment the one way the CLI prints them: the wall clock of ``time_zone`` followed by its IANA name
    ("2026-12-01 09:00 Europe/Ljubljana"), or in UTC when no zone is given. Never an abbreviation (CET, or CST,
    which is China's, Cuba's and Central America's) nor a bare offset the reader must place; a naive moment is
    UTC (SQLite hands some back so)."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    zone = time_zone or "UTC"
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"


def status_text(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]"


def contact_text(state: PartnerOrderState) -> str:
    """The provisioning contact, and the alias the Set Up Now e-mail went to when its reader took over."""
    contact = str(state.provisioning_contact_email)
    if state.provisioning_alias is None:
        return contact
    return f"{contact} (continued from the alias {state.provisioning_alias})"


def order_panel(state: PartnerOrderState) -> Panel:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    tz = state.time_zone
    rows = [
        ("Status", status_text(state.status.value) + ("  [bold red]ESCALATED[/]" if state.escalated else "")),
        ("Offer", state.offer.value),
        ("Partner → customer", f"{state.partner_name} → {state.customer_name}"),
        ("Services", ", ".join(service.value for service in state.purchased_services)),
        ("Provisioning contact", contact_text(state)),
        ("Account representative", str(state.account_representative_email)),
        ("Requested start", f"{state.requested_start_date} ({tz})"),
        ("Set Up Now sent", when(state.set_up_now_sent_at, tz)),
        ("Escalates", when(state.escalates_at, tz) + (" (done)" if state.escalated else "")),
        ("Closes", when(state.closes_at, tz)),
    ]
    if state.next_deadline:
        rows.append(("Next deadline", f"{when(state.next_deadline, tz)} — {state.next_deadline_kind}"))
    rows += wizard_rows(state)
    sent = sum(1 for mail in state.mails if mail.status.value == "sent")
    rows.append(("E-mails", f"{sent} sent, {len(state.mails) - sent} pending or failed"))
    for label, value in rows:
        table.add_row(label, value)
    return Panel(table, title=f"partner order {state.order_id}", expand=False)


def wizard_rows(state: PartnerOrderState) -> list[tuple[str, str]]:
    """Where the Set Up Now wizard is and who is setting up (`onramp status`)."""
    wizard = state.wizard
    rows = [("Wizard step", f"{STEP_TITLES[wizard.step]} ({wizard.step.value})")]
    who = {"me": "the provisioning contact", "colleague": "a colleague", "customer": "the customer's administrator"}
    if wizard.setup_by:
        rows.append(("Set up by", f"{who[wizard.setup_by]}: {wizard.setup_by_email}"))
    if wizard.session:
        session = wizard.session
        rows.append(
            (
                "Wizard session",
                f"{session.email} ({session.audience} link), expires {when(session.expires_at, state.time_zone)}",
            )
        )
    if not wizard.partner_access:
        rows.append(("Partner access", "none: the customer manages their organization"))
    if wizard.setup:
        rows.append(("Set up at", f"{when(wizard.setup.set_up_at, state.time_zone)} by {wizard.setup.set_up_by}"))
    if wizard.services.subdomain:
        rows.append(("Subdomain", wizard.services.subdomain))
    return rows


def timeline_table(state: PartnerOrderState) -> Table:
    table = Table(title=f"history of partner order {state.order_id}")
    table.add_column("when", no_wrap=True)
    table.add_column("what", no_wrap=True)
    table.add_column("")
    for entry in state.timeline:
        table.add_row(when(entry.at, state.time_zone), entry.kind, entry.text)
    return table

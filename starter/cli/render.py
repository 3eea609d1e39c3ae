"""Rich renderings of workflow states for `onramp status`, `start` and `history`."""

from __future__ import annotations

from datetime import datetime

from rich.panel import Panel
from rich.table import Table

from models.partner_order import PartnerOrderState

STATUS_STYLE = {
    "awaiting_start_date": "cyan",
    "awaiting_setup": "yellow",
    "set_up": "blue",
    "provisioned": "green",
    "closed": "red",
    "halted": "red",
}


def when(moment: datetime | None, time_zone: str | None = None) -> str:
    if moment is None:
        return "—"
    if time_zone:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo(time_zone))
    return moment.strftime("%Y-%m-%d %H:%M %Z")


def status_text(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]"


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
        ("Provisioning contact", str(state.provisioning_contact_email)),
        ("Account representative", str(state.account_representative_email)),
        ("Requested start", f"{state.requested_start_date} ({tz})"),
        ("Set Up Now sent", when(state.set_up_now_sent_at, tz)),
        ("Escalates", when(state.escalates_at, tz) + (" (done)" if state.escalated else "")),
        ("Closes", when(state.closes_at, tz)),
    ]
    if state.next_deadline:
        rows.append(("Next deadline", f"{when(state.next_deadline, tz)} — {state.next_deadline_kind}"))
    sent = sum(1 for mail in state.mails if mail.status.value == "sent")
    rows.append(("E-mails", f"{sent} sent, {len(state.mails) - sent} pending or failed"))
    for label, value in rows:
        table.add_row(label, value)
    return Panel(table, title=f"partner order {state.order_id}", expand=False)


def timeline_table(state: PartnerOrderState) -> Table:
    table = Table(title=f"history of partner order {state.order_id}")
    table.add_column("when", no_wrap=True)
    table.add_column("what", no_wrap=True)
    table.add_column("")
    for entry in state.timeline:
        table.add_row(when(entry.at, state.time_zone), entry.kind, entry.text)
    return table

"""Driving the Set Up Now wizard through its JSON API in tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.partner_order import PartnerOrderInput
from starter.mail_sink import MailSink, ReceivedMail
from starter.services import partner_orders
from starter.settings import Settings
from store import SessionFactory
from store.tables import Organization, OrgUser
from tests.support import eventually, order

NEW_PARTNER = {
    "name": "Alpine Partners d.o.o.",
    "country": "SI",
    "address": "Slovenska 1",
    "city": "Ljubljana",
    "postal_code": "1000",
}
NEW_CUSTOMER = {
    "name": "Kranj Logistics",
    "country": "si",
    "address": "Koroška 5",
    "city": "Kranj",
    "postal_code": "4000",
}
CALLING = {
    "calling_option": "webex_calling",
    "location_name": "HQ",
    "street": "Koroška 5",
    "postal_code": "4000",
    "city": "Kranj",
    "country": "SI",
    "emergency_callback_number": "+386 1 234 5678",
}
"""The calling settings page filled in (the time zone and the language left to the order's)."""


async def mail_to(sink: MailSink, to: str, count: int = 1) -> list[ReceivedMail]:
    async def arrived() -> list[ReceivedMail] | None:
        mails = sink.to(to)
        return mails if len(mails) >= count else None

    return await eventually(arrived, what=f"{count} mail(s) to {to}")


def token_of(mail: ReceivedMail) -> str:
    [link] = [link for link in mail.links if "/setup/" in link]
    return link.rsplit("/", 1)[1]


@dataclass
class Wizard:
    """One browser-less user of one link."""

    http: httpx.AsyncClient
    token: str
    session_id: str | None = None
    last: dict[str, Any] = field(default_factory=dict)

    async def open(self) -> dict[str, Any]:
        response = await self.http.post(f"/api/setup/{self.token}/session")
        assert response.status_code == 200, response.text
        self.last = response.json()
        self.session_id = self.last["session_id"]
        return self.last

    async def post(self, path: str, **body: Any) -> httpx.Response:
        return await self.http.post(f"/api/setup/{self.token}/{path}", json={"session_id": self.session_id, **body})

    async def ok(self, path: str, **body: Any) -> dict[str, Any]:
        response = await self.post(path, **body)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        self.last = response.json()
        return self.last

    async def refused(self, path: str, status: int, **body: Any) -> dict[str, Any]:
        response = await self.post(path, **body)
        assert response.status_code == status, f"{path}: {response.status_code} {response.text}"
        return dict(response.json())


async def order_awaiting_setup(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, sink: MailSink, **overrides: Any
) -> tuple[PartnerOrderInput, str]:
    """An order whose start date has passed, and the token of its Set Up Now link."""
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    o = order(today - timedelta(days=1), **overrides)
    await partner_orders.start(client, settings, o)
    [mail] = await mail_to(sink, o.provisioning_contact_email)
    return o, token_of(mail)


async def existing_customer(sessions: SessionFactory, name: str, admin: str) -> str:
    """A customer organization already on file, with ``admin`` as its administrator: its id."""
    org_id = str(uuid.uuid4())
    async with sessions.begin() as session:
        session.add(
            Organization(id=org_id, kind="customer", name=name, admin_email=admin, created_at=datetime.now(UTC))
        )
        await session.flush()
        session.add(OrgUser(email=admin, org_id=org_id, role="admin", created_at=datetime.now(UTC)))
    return org_id

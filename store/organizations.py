"""Webex organizations (seeds 001/003): what the wizard's pages read and write outside the workflow, the subdomain
check and the partner organization's password hash (which never enters a workflow)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import Organization, OrgCredential
from store.upsert import upsert


async def subdomain_taken(session: AsyncSession, subdomain: str) -> bool:
    return (
        await session.execute(select(Organization.id).where(Organization.subdomain == subdomain))
    ).first() is not None


async def set_password_hash(session: AsyncSession, org_id: str, password_hash: str, now: datetime) -> None:
    await upsert(
        session, OrgCredential, {"org_id": org_id, "password_hash": password_hash, "set_at": now}, key=["org_id"]
    )

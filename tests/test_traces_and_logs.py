"""Traces and logs as an operator reads them (issue 16, items 2 and 3).

One partner order posted to the API: its trace (an in-memory span exporter) holds the HTTP request, the workflow's
spans, the mail activity's and the SMTP send's, under one trace id; its log lines (JSON, captured from onramp's own
handler) say the request, the workflow's start, the mail sent and an activity's failure and retry, each with the
workflow id, run id and trace id, and none with a token or a mail address.

The API and a worker with tracing run on the session's time-skipping server and SMTP sink, on task queues of their
own (the session's worker does not trace).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.mail_delivery import MailConfig
from activities.registry import all_activities
from models.mail import SEND_MAIL_ACTIVITY
from starter import logs, telemetry
from starter.mail_sink import MailSink, ReceivedMail
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import build_worker, without_addresses
from store import SessionFactory, make_engine, make_session_factory
from tests.support import bearer, eventually, free_port, make_settings, order

ORDERS = "/api/partner-orders"
WORKFLOW = "PartnerOrderWorkflow"


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on for this module's clients, workers, apps and engines, into memory; off again after it."""
    exporter = InMemorySpanExporter()
    assert telemetry.start_tracing(make_settings(), "onramp-tests", exporter=exporter)
    yield exporter
    telemetry.stop_tracing()
    exporter.shutdown()


async def _traced_stack(
    ts_env: WorkflowEnvironment,
    settings: Settings,
    workflow_db: tuple[str, SessionFactory],
    operator_token: str,
    task_queue: str,
    mail: MailConfig,
) -> AsyncIterator[httpx.AsyncClient]:
    """A traced client, a worker on it (serving ``task_queue`` and its mail queue) and the API over them; the engine
    is made after tracing started, so its statements have spans too."""
    config = ts_env.client.config()
    config["interceptors"] = telemetry.client_interceptors()
    client = Client(**config)
    engine = make_engine(workflow_db[0])
    sessions = make_session_factory(engine)
    ours = settings.model_copy(update={"task_queue": task_queue})
    try:
        async with build_worker(client, task_queue, all_activities(sessions, mail)):
            app = create_app(ours, client=client, sessions=sessions)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", headers=bearer(operator_token)
            ) as http:
                yield http
    finally:
        await engine.dispose()


@pytest.fixture
async def api(
    spans: InMemorySpanExporter,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    workflow_db: tuple[str, SessionFactory],
    operator_token: str,
) -> AsyncIterator[httpx.AsyncClient]:
    """The traced API and worker, mailing the session's SMTP sink."""
    async for http in _traced_stack(
        ts_env, settings, workflow_db, operator_token, "onramp-traces", settings.mail_config()
    ):
        yield http


@pytest.fixture
async def api_without_smtp(
    spans: InMemorySpanExporter,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    workflow_db: tuple[str, SessionFactory],
    operator_token: str,
) -> AsyncIterator[httpx.AsyncClient]:
    """The same, but its mail goes to a port where no SMTP server listens: every send fails and is retried."""
    nowhere = settings.model_copy(update={"smtp_port": free_port(), "smtp_timeout": 2.0}).mail_config()
    async for http in _traced_stack(ts_env, settings, workflow_db, operator_token, "onramp-traces-nosmtp", nowhere):
        yield http


@contextmanager
def json_lines() -> Iterator[io.StringIO]:
    """onramp's own handler, in JSON, on the root logger while the block runs."""
    stream = io.StringIO()
    handler = logs.handler(make_settings(log_format="json"), stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


THEIRS = ("httpx", "mail.log")
"""The test's own HTTP client and SMTP sink, which log what they send and get (onramp dev quiets the sink)."""


def parsed(stream: io.StringIO) -> list[dict[str, Any]]:
    """onramp's lines, each a JSON object."""
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    return [line for line in lines if not line["logger"].startswith(THEIRS)]


async def _today(ts_env: WorkflowEnvironment) -> date:
    """The order's start date: today on the test server's clock, so the Set Up Now mail goes out at once."""
    return (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()


async def _post_order(api: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> dict[str, Any]:
    payload = order(await _today(ts_env) - timedelta(days=1)).model_dump(mode="json")
    response = await api.post(ORDERS, json=payload)
    assert response.status_code == 201, response.text
    return payload


def _named(spans: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [span for span in spans.get_finished_spans() if span.name == name]


async def test_one_trace_spans_the_request_the_workflow_the_activity_and_the_smtp_send(
    api: httpx.AsyncClient,
    spans: InMemorySpanExporter,
    ts_env: WorkflowEnvironment,
    mail_sink: MailSink,
    client: Client,
) -> None:
    spans.clear()
    payload = await _post_order(api, ts_env)
    contact = payload["provisioning_contact_email"]

    async def arrived() -> list[ReceivedMail]:
        return mail_sink.to(contact)

    [mail] = await eventually(arrived, what="the Set Up Now mail")
    assert payload["order_id"] in mail.subject

    async def sent() -> list[ReadableSpan]:
        return _named(spans, "smtp send")

    [smtp] = await eventually(sent, what="the SMTP send's span")
    [request] = [
        span for span in _named(spans, f"POST {ORDERS}") if span.kind is SpanKind.SERVER and span.context is not None
    ]
    assert request.context is not None and smtp.context is not None
    trace_id = request.context.trace_id
    in_trace = [span for span in spans.get_finished_spans() if span.context and span.context.trace_id == trace_id]
    names = {span.name for span in in_trace}
    assert {
        f"StartWorkflow:{WORKFLOW}",
        f"RunWorkflow:{WORKFLOW}",
        f"StartActivity:{SEND_MAIL_ACTIVITY}",
        f"RunActivity:{SEND_MAIL_ACTIVITY}",
        "smtp send",
    } <= names, names
    assert smtp.context.trace_id == trace_id
    assert smtp.attributes is not None and smtp.attributes["onramp.mail.purpose"] == "set_up_now"
    [run] = [span for span in in_trace if span.name == f"RunWorkflow:{WORKFLOW}"]
    assert run.attributes is not None and run.attributes["temporalWorkflowID"] == f"partner-order-{payload['order_id']}"
    assert any(span.attributes and "db.statement" in span.attributes for span in in_trace), "no database span"
    # no span carries the contact's address
    for span in in_trace:
        assert contact not in json.dumps(dict(span.attributes or {}), default=str), span.name

    # the link's page: its span names the route template, and its URL attributes have the token taken out
    [link] = [link for link in mail.links if "/setup/" in link]
    token = link.rsplit("/setup/", 1)[1]
    assert (await api.get(f"/setup/{token}")).status_code == 200
    [page] = [span for span in _named(spans, "GET /setup/{token}") if span.kind is SpanKind.SERVER]
    attributes = json.dumps(dict(page.attributes or {}), default=str)
    assert token not in attributes and "/setup/<token>" in attributes
    # the order ends with the test: its timers would fire on this test's queue with nobody polling, and hold the
    # session's time-skipping server still
    await client.get_workflow_handle(f"partner-order-{payload['order_id']}").terminate("test over")


async def test_the_log_lines_of_a_request_a_workflow_and_its_mail(
    api: httpx.AsyncClient, ts_env: WorkflowEnvironment, mail_sink: MailSink, client: Client
) -> None:
    with json_lines() as stream:
        payload = await _post_order(api, ts_env)
        workflow_id = f"partner-order-{payload['order_id']}"
        contact = payload["provisioning_contact_email"]

        async def arrived() -> list[ReceivedMail]:
            return mail_sink.to(contact)

        [mail] = await eventually(arrived, what="the Set Up Now mail")
        [link] = [link for link in mail.links if "/setup/" in link]
        token = link.rsplit("/setup/", 1)[1]
        assert (await api.get(f"/setup/{token}")).status_code == 200

        async def mail_line() -> list[dict[str, Any]]:
            return [line for line in parsed(stream) if line.get("purpose") == "set_up_now"]

        [sent] = await eventually(mail_line, what="the mail's log line")

        await client.get_workflow_handle(workflow_id).cancel()  # an operator's cancel closes the workflow

        async def closed() -> list[dict[str, Any]]:
            return [line for line in parsed(stream) if line.get("outcome") == "cancelled"]

        [cancelled] = await eventually(closed, what="the workflow's close line")
    lines = parsed(stream)

    [posted] = [line for line in lines if line["logger"] == "onramp.http" and line["route"] == ORDERS]
    assert posted["method"] == "POST" and posted["status"] == 201 and posted["duration_ms"] >= 0
    assert posted["message"].startswith(f"POST {ORDERS} 201 ")
    assert len(posted["trace_id"]) == 32
    [opened] = [line for line in lines if line["logger"] == "onramp.http" and line["route"] == "/setup/{token}"]
    assert opened["status"] == 200 and opened["message"].startswith("GET /setup/{token} 200 ")

    ours = [line for line in lines if line["logger"] == "onramp.workflows" and line["workflow_id"] == workflow_id]
    [started] = [line for line in ours if "outcome" not in line]
    assert started["message"] == f"workflow {WORKFLOW} started" and started["run_id"]
    assert started["trace_id"] == posted["trace_id"]  # the request's trace, carried into the workflow

    assert cancelled["message"] == f"workflow {WORKFLOW} cancelled" and cancelled["workflow_id"] == workflow_id
    assert cancelled["run_id"] == started["run_id"] and cancelled["trace_id"] == posted["trace_id"]

    assert sent["message"] == "mail set_up_now sent" and sent["outcome"] == "sent" and sent["level"] == "INFO"
    assert sent["workflow_id"] == workflow_id and sent["run_id"] == started["run_id"]
    assert sent["activity"] == SEND_MAIL_ACTIVITY and sent["trace_id"] == posted["trace_id"]

    text = json.dumps(lines)
    assert token not in text
    assert contact not in text


async def test_an_activity_that_fails_is_logged_with_its_retry(
    api_without_smtp: httpx.AsyncClient, ts_env: WorkflowEnvironment, client: Client
) -> None:
    with json_lines() as stream:
        payload = await _post_order(api_without_smtp, ts_env)
        workflow_id = f"partner-order-{payload['order_id']}"

        async def retried() -> list[dict[str, Any]]:
            return [line for line in parsed(stream) if line.get("outcome") == "retry"]

        try:
            [retry, *_] = await eventually(retried, what="the mail activity's retry")
        finally:
            await client.get_workflow_handle(workflow_id).terminate("test over")
    lines = [line for line in parsed(stream) if line.get("workflow_id") == workflow_id]

    failed = [line for line in lines if line["logger"] == "onramp.worker" and line["outcome"] == "will_retry"]
    assert failed, lines
    first = failed[0]
    assert first["level"] == "WARNING" and first["activity"] == SEND_MAIL_ACTIVITY and first["attempt"] == 1
    assert first["message"].startswith(f"activity {SEND_MAIL_ACTIVITY} failed (attempt 1) for {workflow_id}")
    assert first["run_id"] and len(first["trace_id"]) == 32
    assert retry["message"] == f"activity {SEND_MAIL_ACTIVITY} retried (attempt 2)"
    assert retry["workflow_id"] == workflow_id and retry["run_id"] == first["run_id"]
    [not_sent, *_] = [line for line in lines if line.get("purpose") == "set_up_now"]
    assert not_sent["outcome"] == "not_sent" and payload["provisioning_contact_email"] not in json.dumps(lines)


def test_an_activity_failure_s_line_names_no_address() -> None:
    """An SMTP server's refusal names its recipient: the failure line keeps the reason, not the address."""
    refused = "550 5.1.1 <mei.lin@customer.example>: Recipient address rejected (to mei.lin@customer.example)"
    assert without_addresses(refused) == "550 5.1.1 <<address>>: Recipient address rejected (to <address>)"

"""The metrics an operator scrapes: a worker and an API, started the way `python worker.py` and `onramp api` start
them (each its own endpoint, its client on the runtime that exports the SDK's metrics), take a seat order from the
cart to its receipt; then both endpoints show the business counters it moved, the HTTP requests by route template
(never by path), the step latency and the Temporal SDK's own temporal_… metrics. Nothing personal in any label.

On the session's time-skipping server, on SQLite and (ONRAMP_TEST_DATABASE_URL) PostgreSQL: the save activities
read the row's previous status in their transaction to count a status once.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from temporalio.testing import WorkflowEnvironment

from starter import metrics
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import run_worker
from store import SessionFactory
from tests.seat_support import add_card, new_account, start, step, up_to_service_order
from tests.support import bearer, eventually, free_port, make_settings, operator_key, order, with_csrf

DASHBOARD = Path(__file__).resolve().parent.parent / "ops" / "grafana" / "onramp.json"
ONLY_AFTER_A_FAILURE = {
    "temporal_workflow_failed_total",
    "temporal_activity_execution_failed_total",
    "temporal_request_failure_total",
}
"""SDK metrics the dashboard shows that appear only once something has failed (none did here)."""

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@dataclass
class Scraped:
    text: str
    samples: Samples

    def value(self, name: str, **labels: str) -> float:
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def names(self) -> set[str]:
        return {name for name, _ in self.samples}


async def scrape(url: str) -> Scraped:
    """What Prometheus reads at ``url``, by sample name and labels."""
    async with httpx.AsyncClient(timeout=10) as scraper:
        text = (await scraper.get(url)).raise_for_status().text
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return Scraped(text, samples)


@dataclass
class Processes:
    settings: Settings
    worker_url: str
    api_url: str
    http: httpx.AsyncClient


@pytest.fixture
async def processes(
    ts_env: WorkflowEnvironment, database_url: str, sessions: SessionFactory, mail_sink: MailSink
) -> AsyncIterator[Processes]:
    """A worker (run_worker connects and serves its own metrics) and an API (its metrics served as `onramp api`
    serves them), on a task queue of their own."""
    settings = make_settings(
        database_url=database_url,
        temporal_address=ts_env.client.service_client.config.target_host,
        task_queue=f"metrics-{uuid.uuid4().hex[:6]}",
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        public_base_url="http://onramp.test",
        worker_metrics_port=free_port(),
        api_metrics_port=free_port(),
    )
    api_endpoint = metrics.serve(settings.metrics_host, settings.api_metrics_port, "ONRAMP_API_METRICS_PORT")
    assert api_endpoint is not None
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop))
    worker_url = f"http://127.0.0.1:{settings.worker_metrics_port}/metrics"

    async def worker_serves() -> bool:
        try:
            await scrape(worker_url)
            return True
        except httpx.HTTPError:
            return False

    await eventually(worker_serves, what="the worker's metrics endpoint")
    app = create_app(settings, sessions=sessions)  # connects to Temporal itself, on the metrics runtime
    key = await operator_key(sessions)
    transport = httpx.ASGITransport(app=app)
    async with with_csrf(httpx.AsyncClient(transport=transport, base_url="http://test", headers=bearer(key))) as http:
        yield Processes(settings, worker_url, api_endpoint.url, http)
    stop.set()
    await asyncio.wait_for(worker, timeout=30)
    api_endpoint.close()


async def test_a_seat_order_shows_in_the_worker_and_api_metrics(
    processes: Processes, ts_env: WorkflowEnvironment
) -> None:
    http = processes.http
    before = await scrape(processes.worker_url)
    account_no = await new_account(http, (await ts_env.get_current_time()).date())
    card = await add_card(http, account_no)
    order_no = (await start(http, account_no))["order_no"]
    await up_to_service_order(http, order_no, card)
    await step(http, order_no, "place")

    async def completed_and_receipted() -> Scraped | None:
        after = await scrape(processes.worker_url)
        done = after.value("onramp_seat_orders_total", status="completed") - before.value(
            "onramp_seat_orders_total", status="completed"
        )
        sent = after.value("onramp_mails_sent_total", purpose="receipt") - before.value(
            "onramp_mails_sent_total", purpose="receipt"
        )
        finished = "temporal_workflow_completed_total" in after.names()  # the SDK counts once the run has closed
        return after if done == 1 and sent == 1 and finished else None

    worker = await eventually(completed_and_receipted, timeout=30, what="the completed order and its receipt")
    completion = "onramp_seat_order_completion_seconds"
    assert worker.value(f"{completion}_count") - before.value(f"{completion}_count") == 1
    assert worker.value(f"{completion}_bucket", le="86400.0") - before.value(f"{completion}_bucket", le="86400.0") == 1

    api = await scrape(processes.api_url)
    for scraped in (worker, api):  # one process here, as under `onramp dev`: both endpoints show everything
        place = {"method": "POST", "route": "/api/seat-orders/{order_no}/place", "status": "200"}
        assert scraped.value("onramp_http_requests_total", **place) >= 1
        assert scraped.value("onramp_step_seconds_count", process="seat_order", step="place", outcome="ok") >= 1, (
            "the step's latency"
        )
        sdk = {name for name in scraped.names() if name.startswith("temporal_")}
        # the SDK's own: the client's requests to Temporal, and the worker's polls and workflow tasks
        assert "temporal_request_total" in sdk, sorted(sdk)
        assert any(name.startswith("temporal_workflow_task_execution_latency") for name in sdk), sorted(sdk)
        assert "temporal_workflow_completed_total" in sdk, sorted(sdk)
        assert order_no not in scraped.text and account_no not in scraped.text  # ids never become labels
        assert "@" not in scraped.text  # nor e-mail addresses

    # the dashboard asks only for metrics that exist
    exprs = [
        target["expr"] for panel in json.loads(DASHBOARD.read_text())["panels"] for target in panel.get("targets", [])
    ]
    asked = {name for expr in exprs for name in re.findall(r"\b(?:onramp|temporal)_\w+", expr)}
    shown = {re.sub(r"_(bucket|count|sum)$", "", name) for name in worker.names()} | set(worker.names())
    assert asked - ONLY_AFTER_A_FAILURE <= shown | _families(worker.text), sorted(
        asked - shown - _families(worker.text)
    )


def _families(text: str) -> set[str]:
    """Every metric the endpoint declares (# TYPE), with or without samples yet, counters with their _total."""
    declared = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, flags=re.MULTILINE):
        declared.add(name)
        if kind == "counter":
            declared.add(f"{name}_total")
    return declared


async def test_a_metrics_port_in_use_is_named_and_the_process_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    first = metrics.serve("127.0.0.1", port, "ONRAMP_WORKER_METRICS_PORT")
    assert first is not None
    try:
        assert metrics.serve("127.0.0.1", port, "ONRAMP_WORKER_METRICS_PORT") is None
    finally:
        first.close()
    assert f"port {port} on 127.0.0.1 is not free" in caplog.text
    assert "ONRAMP_WORKER_METRICS_PORT" in caplog.text
    assert metrics.serve("127.0.0.1", 0, "ONRAMP_WORKER_METRICS_PORT") is None  # 0: no endpoint


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_partner_order_is_counted_once_per_status_however_often_it_is_saved(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment
) -> None:
    """Started and awaiting setup at once (its start date has passed), escalated a day later; a resend saves the
    order again and sends a second mail, and counts no status twice."""
    watched = {
        "started": ("onramp_partner_orders_total", {"offer": "A-SPK", "status": "started"}),
        "awaiting_setup": ("onramp_partner_orders_total", {"offer": "A-SPK", "status": "awaiting_setup"}),
        "set_up_now": ("onramp_mails_sent_total", {"purpose": "set_up_now"}),
        "escalation": ("onramp_escalations_total", {"process": "partner_order"}),
    }
    before = {key: _count(name, **labels) for key, (name, labels) in watched.items()}

    def counted(**expected: float) -> Callable[[], Awaitable[dict[str, float] | None]]:
        async def probe() -> dict[str, float] | None:
            moved = {key: _count(name, **labels) - before[key] for key, (name, labels) in watched.items()}
            return moved if moved == expected else None

        return probe

    o = order((await ts_env.get_current_time()).date() - timedelta(days=1), time_zone="UTC", offer="A-SPK")
    assert (await http.post("/api/partner-orders", json=o.model_dump(mode="json"))).status_code == 201
    await eventually(counted(started=1, awaiting_setup=1, set_up_now=1, escalation=0), what="started, mailed")

    resent = await http.post(f"/api/partner-orders/{o.order_id}/resend")
    assert resent.status_code == 200, resent.text
    await eventually(counted(started=1, awaiting_setup=1, set_up_now=2, escalation=0), what="the second mail")

    await ts_env.sleep(timedelta(days=1, hours=1))  # nobody set it up: the escalation

    async def escalated() -> bool:  # at least: the skipped day escalates other tests' waiting orders too
        return _count("onramp_escalations_total", process="partner_order") - before["escalation"] >= 1

    await eventually(escalated, what="the escalation counted")

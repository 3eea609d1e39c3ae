"""Each process's Prometheus endpoint: onramp's own metrics and the Temporal SDK's, on one port.

The worker serves it on ONRAMP_WORKER_METRICS_PORT, the API on ONRAMP_API_METRICS_PORT (under `onramp dev`, one
process, both ports show the same numbers). A port of its own rather than /metrics on the API: the API's port is
the public one, where every route says who may call it and a scraper has no credential; a metrics port stays
inside the network (docker-compose.yml publishes none), and the worker, which has no HTTP of its own, looks the same.

The SDK exports its runtime metrics (temporal_…: polls, task latencies, requests to the server) through the Temporal
runtime's own Prometheus server. That server listens on a loopback port only, and this endpoint relays it on each
scrape (``SdkMetrics``), so Prometheus scrapes one target per process.

The metric objects here are the client side's: HTTP requests by route template (never the raw path: link tokens
live in paths) and the steps (workflow Updates) the API sends. The business metrics are counted where the work is
done, in the activities (activities/metrics.py).
"""

from __future__ import annotations

import logging
import socket
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from prometheus_client import REGISTRY, Counter, Histogram, start_http_server
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from activities.metrics import process_of

log = logging.getLogger("onramp.metrics")

HTTP_REQUESTS = Counter(
    "onramp_http_requests",
    "HTTP requests answered, by method, route template (`unmatched` when no route matched) and status.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "onramp_http_request_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
STEP_SECONDS = Histogram(
    "onramp_step_seconds",
    "A wizard or portal step (a workflow Update) from the API's call to the workflow's answer, by process, step "
    "and outcome (ok, refused, timeout, error).",
    ["process", "step", "outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20),
)

__all__ = ["HTTP_REQUESTS", "HTTP_SECONDS", "STEP_SECONDS", "process_of", "sdk_runtime", "serve"]

# ---------------------------------------------------------------------------------------------- the SDK's metrics


class SdkMetrics(Collector):
    """The Temporal runtime's metrics, read from its loopback endpoint at each scrape (nothing when it does not
    answer: the scrape still has onramp's own)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def collect(self) -> Iterator[Metric]:
        try:
            with urllib.request.urlopen(self.url, timeout=2) as answer:
                text = answer.read().decode()
        except OSError:
            log.debug("the Temporal runtime's metrics did not answer at %s", self.url)
            return
        yield from text_string_to_metric_families(text)


_runtime: Runtime | None = None
_lock = threading.Lock()


def sdk_runtime() -> Runtime | None:
    """The process's Temporal runtime with metrics, once a metrics endpoint has been started (else the default)."""
    return _runtime


def _install_runtime() -> Runtime:
    """One runtime per process (the SDK's rule): its Prometheus server on a free loopback port, relayed here."""
    global _runtime
    with _lock:
        if _runtime is None:
            port = _free_loopback_port()
            _runtime = Runtime(
                telemetry=TelemetryConfig(
                    metrics=PrometheusConfig(bind_address=f"127.0.0.1:{port}", counters_total_suffix=True)
                )
            )
            REGISTRY.register(SdkMetrics(f"http://127.0.0.1:{port}/metrics"))
        return _runtime


def _free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# ---------------------------------------------------------------------------------------------- the endpoint


@dataclass
class MetricsEndpoint:
    """A running endpoint: ``url`` to scrape, ``close()`` to stop it."""

    url: str
    server: WSGIServer
    thread: threading.Thread

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(host: str, port: int, setting: str) -> MetricsEndpoint | None:
    """Start the process's endpoint on ``host:port`` (0: none) and the SDK runtime it relays. Clients connected
    afterwards (starter/client.py) use that runtime. A port in use is logged, naming ``setting``, and the process
    goes on without metrics: a worker's work matters more than its numbers."""
    if port == 0:
        return None
    _install_runtime()
    try:
        server, thread = start_http_server(port, addr=host)
    except OSError as err:
        log.warning(
            "metrics not served: port %d on %s is not free (%s); choose another with %s", port, host, err, setting
        )
        return None
    return MetricsEndpoint(url=f"http://{host}:{port}/metrics", server=server, thread=thread)

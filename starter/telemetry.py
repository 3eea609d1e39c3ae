"""Traces: OpenTelemetry for the API, the workflows, the activities, the database and the SMTP send, in one trace.

Off unless ``ONRAMP_OTLP_ENDPOINT`` names a collector: then there is no tracer provider, no interceptor, no
instrumentation and no cost. On, the process's tracer provider exports to the collector over OTLP/HTTP, and:

- the Temporal client and the worker carry Temporal's ``TracingInterceptor`` (temporalio.contrib.opentelemetry): the
  span of whoever starts a workflow, sends an Update or a signal travels in the Temporal headers, so the workflow's
  spans and its activities' spans join the caller's trace. The interceptor makes its workflow spans replay-safe
  itself; workflow code never makes a span;
- the FastAPI app is instrumented (starter/web/app.py) and every engine made after the start is (store/engine.py
  creates engines through the module that the SQLAlchemy instrumentation wraps);
- the mail's SMTP send has a span of its own (activities/mail_delivery.py, through the global tracer, which is a
  no-op while tracing is off).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from temporalio.client import Interceptor as ClientInterceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from starter.settings import Settings

TRACES_PATH = "/v1/traces"


class _Tracing:
    """Whether this process traces: set once at its start (tests turn it off again)."""

    on = False


def traces_url(endpoint: str) -> str:
    """The collector's traces URL: ``http://collector:4318`` becomes ``http://collector:4318/v1/traces``."""
    endpoint = endpoint.strip().rstrip("/")
    return endpoint if urlsplit(endpoint).path not in ("", "/") else endpoint + TRACES_PATH


def start_tracing(settings: Settings, service: str, *, exporter: SpanExporter | None = None) -> bool:
    """Start tracing in this process when ``ONRAMP_OTLP_ENDPOINT`` is set (or ``exporter`` is given: a test's
    in-memory one); True when it started. Call it first, before the client, the engines and the app are made.

    The tracer provider is the process's global one (OpenTelemetry allows one per process): a second start keeps the
    first provider."""
    if exporter is None and not settings.otlp_endpoint:
        return False
    if exporter is None:
        assert settings.otlp_endpoint is not None
        processor: SimpleSpanProcessor | BatchSpanProcessor = BatchSpanProcessor(
            OTLPSpanExporter(endpoint=traces_url(settings.otlp_endpoint))
        )
    else:
        processor = SimpleSpanProcessor(exporter)  # a test reads its spans at once
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        current.add_span_processor(processor)
    else:
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        provider.add_span_processor(processor)
        trace.set_tracer_provider(provider)
    if not SQLAlchemyInstrumentor().is_instrumented_by_opentelemetry:
        # The instrumentation declares SQLAlchemy < 2.1 and refuses 2.1 by its version alone; the engine events it
        # listens to are the same in 2.1 (tests/test_traces_and_logs.py finds the statements' spans).
        SQLAlchemyInstrumentor().instrument(skip_dep_check=True)
    _Tracing.on = True
    return True


def stop_tracing() -> None:
    """Nothing made after this is traced any more (the tests' way back to the default)."""
    _Tracing.on = False
    if SQLAlchemyInstrumentor().is_instrumented_by_opentelemetry:
        SQLAlchemyInstrumentor().uninstrument()


def tracing_on() -> bool:
    return _Tracing.on


def client_interceptors() -> list[ClientInterceptor]:
    """The Temporal client's interceptors: the tracing one when tracing is on (a worker made with this client
    takes it over, for its workflows and activities), none otherwise."""
    return [TracingInterceptor()] if tracing_on() else []


def has_tracing(interceptors: object) -> bool:
    """Whether a client's interceptors already trace (so a worker on it must not add a second interceptor)."""
    return isinstance(interceptors, list | tuple) and any(isinstance(i, TracingInterceptor) for i in interceptors)

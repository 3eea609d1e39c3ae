"""The one way onramp talks to Temporal as a client: address, namespace, pydantic data converter."""

from __future__ import annotations

import dataclasses

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.service import RetryConfig

from starter import metrics, telemetry
from starter.codec import EncryptionCodec, parse_key
from starter.settings import Settings


def data_converter(settings: Settings) -> DataConverter:
    """pydantic for every model, and AES-GCM encryption of every payload when a key is configured."""
    keys = settings.payload_keys()
    if not keys:
        return pydantic_data_converter
    return dataclasses.replace(pydantic_data_converter, payload_codec=EncryptionCodec([parse_key(k) for k in keys]))


class TemporalUnreachable(RuntimeError):
    """Temporal could not be reached; the message says where onramp looked and what to do."""

    def __init__(self, address: str, namespace: str, cause: BaseException) -> None:
        super().__init__(
            f"Cannot reach Temporal at {address} (namespace '{namespace}'). "
            "Is `uv run onramp dev` running? Otherwise set ONRAMP_TEMPORAL_ADDRESS to your Temporal frontend."
        )
        self.address = address
        self.cause = cause


async def connect(settings: Settings, *, quick: bool = False) -> Client:
    """Connect with the settings. ``quick`` gives up after a few tries (the CLI); the worker keeps trying."""
    retry = RetryConfig(max_retries=2, max_interval_millis=1000) if quick else RetryConfig()
    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=data_converter(settings),
            retry_config=retry,
            interceptors=telemetry.client_interceptors(),  # traces: the caller's span travels to the workflow
            runtime=metrics.sdk_runtime(),  # the SDK's metrics, when this process serves them (starter/metrics.py)
        )
    except RuntimeError as err:
        raise TemporalUnreachable(settings.temporal_address, settings.temporal_namespace, err) from err

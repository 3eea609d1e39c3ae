"""The one settings object: every knob of onramp, from ONRAMP_ environment variables or a .env file."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import EmailStr, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from activities.mail_delivery import MailConfig
from models.account_services import (
    DEFAULT_EMAIL,
    DEFAULT_HOURS,
    DEFAULT_PHONE,
    AccountServices,
    ServicesHours,
    ServicesPhone,
)
from models.assist import FeePercent, FreeCancellationDays, MoveNoticeHours
from models.partner_order import WizardIdleMinutes
from models.seed_rules import CANCELLATION_FEE_PERCENT, FREE_CANCELLATION_DAYS, WIZARD_IDLE_MINUTES
from store.engine import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ONRAMP_", env_file=".env", extra="ignore")

    environment: Literal["production", "dev"] = Field(
        default="production",
        description="`onramp dev` runs as dev; anything else is production, where the API and the worker refuse to "
        "start without a payload key and a way for callers to prove themselves.",
    )
    # Temporal
    temporal_address: str = Field(default="127.0.0.1:7233", description="Temporal frontend host:port.")
    temporal_namespace: str = Field(default="default", description="Temporal namespace.")
    task_queue: str = Field(default="onramp", description="Task queue every worker polls.")
    worker_serves: Literal["all", "workflows", "mail"] = Field(
        default="all",
        description="What a worker process hosts: `all` (the workflows and their activities on the task queue, and "
        "the mail on `<task queue>-mail`), `workflows` (all but the mail), or `mail` (only the mail: run these beside "
        "`workflows` workers so no workflow replay slows a mail's SMTP conversation or its outbox commit).",
    )
    worker_sticky_seconds: float = Field(
        default=3.0,
        ge=0.5,
        le=60.0,
        description="How long a workflow's next task waits for the worker that ran its last one before any worker "
        "takes it: what a killed worker costs the steps sent to it (Temporal's default is 10 s).",
    )
    worker_max_cached_workflows: int = Field(
        default=1000,
        ge=0,
        le=100_000,
        description="Workflows a worker keeps in memory between their tasks (the SDK's sticky cache). A cached "
        "workflow's next task runs at once; one that left the cache is replayed from its history first. Each costs "
        "the worker memory: see README, Speed and scale.",
    )
    worker_max_concurrent_workflow_tasks: int = Field(
        default=100, ge=1, le=10_000, description="Workflow tasks a worker runs at once (the SDK's slots)."
    )
    worker_max_concurrent_activities: int = Field(
        default=100, ge=1, le=10_000, description="Activities a worker runs at once (the SDK's slots)."
    )

    # Database
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy async URL (sqlite+aiosqlite:///… or postgresql+asyncpg://…).",
    )

    # E-mail
    smtp_host: str = Field(default="127.0.0.1", description="SMTP server host.")
    smtp_port: int = Field(default=1025, description="SMTP server port.")
    smtp_username: str | None = Field(default=None, description="SMTP user name, if the server wants a login.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_tls: Literal["none", "starttls", "tls"] = Field(default="none", description="none, starttls or tls.")
    smtp_timeout: float = Field(
        default=10.0, description="Seconds before an SMTP conversation is given up (and retried)."
    )
    smtp_connections: int = Field(
        default=4, ge=1, le=64, description="SMTP connections kept open and reused for the next mails (at most)."
    )
    mail_sender: str = Field(default="onramp <noreply@onramp.localhost>", description="From: of every e-mail.")

    # Links and HTTP
    public_base_url: str = Field(default="http://127.0.0.1:8000", description="Base of links in e-mails.")
    api_host: str = Field(default="127.0.0.1", description="Interface the HTTP API listens on.")
    api_port: int = Field(default=8000, description="Port of the HTTP API.")
    max_body_bytes: int = Field(
        default=1_000_000, ge=1_000, le=100_000_000, description="The largest request body any route takes (413 above)."
    )

    # The embedded dev stack
    data_dir: Path = Field(default=Path(".onramp"), description="Where `onramp dev` keeps its databases and mail.")
    dev_temporal_port: int = Field(default=7233, description="Port of the embedded Temporal dev server.")
    dev_ui_port: int = Field(default=8233, description="Port of the embedded Temporal Web UI.")

    # Encryption of workflow payloads
    payload_key: SecretStr | None = Field(
        default=None,
        description="Base64 of 32 bytes: the AES-GCM key for workflow payloads (else the key file is used).",
    )
    payload_key_file: Path | None = Field(
        default=None,
        description="Where the key is read from when ONRAMP_PAYLOAD_KEY is unset; default <data dir>/payload.key, "
        "which `onramp dev` makes.",
    )
    payload_old_keys: str = Field(
        default="", description="Comma-separated older keys, still accepted for decryption (key rotation)."
    )
    # Who may call the API
    api_key: SecretStr | None = Field(
        default=None,
        description="The operator's API key (or an identity provider's access token) the CLI acts with; else the "
        "key file <data dir>/api-key, which `onramp dev` makes.",
    )
    oidc_issuer: str | None = Field(
        default=None,
        description="The identity provider's issuer (the iss of its tokens); with the next two, "
        "its JWTs are accepted as bearer tokens beside onramp's API keys.",
    )
    oidc_audience: str | None = Field(default=None, description="The audience (aud) onramp's tokens are issued for.")
    oidc_jwks_url: str | None = Field(default=None, description="Where the identity provider publishes its keys.")
    oidc_name_claim: str = Field(default="sub", description="The claim that names the caller in the audit trail.")
    api_keys_enabled: bool = Field(
        default=False,
        description="In production, accept onramp's own API keys (`onramp api-key create`) as the way callers "
        "prove themselves, with or without an identity provider.",
    )
    rate_limit_ordering: str = Field(
        default="10/minute", description="Webex Assist orders per client address (each draft holds a producer)."
    )
    rate_limit_finding: str = Field(default="30/minute", description="Find-my-booking tries per client address.")
    rate_limit_links: str = Field(default="60/minute", description="Link openings per client address.")
    rate_limit_login: str = Field(default="30/minute", description="Login attempts per client address.")
    rate_limit_contact: str = Field(
        default="5/hour", description="Messages to Corporate Account Services from the portal, per account."
    )
    password_reset_minutes: int = Field(
        default=60,
        ge=1,
        le=60,
        description="How long an enterprise admin's password reset link works, in minutes (at most an hour).",
    )
    api_key_cache_seconds: float = Field(
        default=10.0,
        ge=0,
        le=300,
        description="How long the API remembers a live API key without reading the database again (a revoked key "
        "stops working within this time; 0: read on every request).",
    )
    # The operators' console (issue 16): /console
    console_session_minutes: int = Field(
        default=30,
        ge=1,
        le=480,
        description="How long an operator stays signed in to the console after signing in with their API key or "
        "access token (the cookie holds a signed session, never the credential).",
    )
    codec_cors_origins: str = Field(
        default="http://127.0.0.1:8233,http://localhost:8233",
        description="Origins (the Temporal Web UI) allowed to call the codec endpoint /codec.",
    )

    wizard_idle_minutes: WizardIdleMinutes = Field(
        default=WIZARD_IDLE_MINUTES, description="A Set Up Now wizard session with no step for this long expires."
    )
    assist_free_cancellation_days: FreeCancellationDays = Field(
        default=FREE_CANCELLATION_DAYS,
        description="Webex Assist: cancelling at least this many days ahead costs nothing.",
    )
    assist_cancellation_fee_percent: FeePercent = Field(
        default=CANCELLATION_FEE_PERCENT,
        description="Webex Assist: inside that, this share of the package's standard fee.",
    )
    assist_move_notice_hours: MoveNoticeHours = Field(
        default=24,
        description="Webex Assist: a booking may move to any time at least this many hours ahead when a producer is "
        "free (the 14 days are for ordering).",
    )

    # Corporate Account Services (seed 002): named wherever a refusal, a page or a mail says to contact them
    corporate_account_services_email: EmailStr = Field(
        default=DEFAULT_EMAIL,
        description="Their e-mail: shown to admins, the 24-hour escalation's and the portal's contact form's address.",
    )
    corporate_account_services_phone: ServicesPhone = Field(
        default=DEFAULT_PHONE, description="Their phone, shown with the e-mail."
    )
    corporate_account_services_hours: ServicesHours = Field(
        default=DEFAULT_HOURS, description="When they answer, as free text shown as it is (Mon-Fri 08:00-18:00 CET)."
    )

    log_level: str = Field(default="INFO", description="Python log level.")

    # Metrics (issue 16): starter/metrics.py; each process's Prometheus endpoint, with the Temporal SDK's metrics
    metrics_host: str = Field(
        default="127.0.0.1",
        max_length=255,
        description="Interface the metrics endpoints listen on (0.0.0.0 in a container, so Prometheus reaches it).",
    )
    worker_metrics_port: int = Field(default=9464, ge=0, le=65535, description="Port of a worker's /metrics (0: none).")
    api_metrics_port: int = Field(
        default=9465,
        ge=0,
        le=65535,
        description="Port of the API's /metrics (0: none); a port of its own, not the API's public one.",
    )

    # Traces and logs (issue 16): starter/telemetry.py, starter/logs.py
    otlp_endpoint: str | None = Field(
        default=None,
        max_length=500,
        description="Where traces go: an OpenTelemetry collector's OTLP/HTTP endpoint (e.g. http://127.0.0.1:4318; "
        "/v1/traces is added when the path is missing). Unset: no tracing at all, and no cost.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="`text`: readable lines (dev); `json`: one JSON object a line, for a log collector. Each line "
        "carries the workflow id, run id and trace id where they exist.",
    )

    def payload_keys(self) -> list[str]:
        """The current key first, then the old ones; empty when encryption is off (no key configured)."""
        keys = []
        if self.payload_key is not None and self.payload_key.get_secret_value().strip():
            keys.append(self.payload_key.get_secret_value())
        elif self.key_file.exists():
            keys.append(self.key_file.read_text().strip())
        if keys:
            keys += [key.strip() for key in self.payload_old_keys.split(",") if key.strip()]
        return keys

    def account_services(self) -> AccountServices:
        """How to reach Corporate Account Services, as pages, refusals and a seat order's policy say it."""
        return AccountServices(
            email=self.corporate_account_services_email,
            phone=self.corporate_account_services_phone,
            hours=self.corporate_account_services_hours,
        )

    def mail_config(self) -> MailConfig:
        """What the e-mail side needs of the settings, handed down to it (it never reads them itself)."""
        return MailConfig(
            smtp_host=self.smtp_host,
            smtp_port=self.smtp_port,
            smtp_username=self.smtp_username,
            smtp_password=self.smtp_password.get_secret_value() if self.smtp_password else None,
            smtp_tls=self.smtp_tls,
            smtp_timeout=self.smtp_timeout,
            smtp_connections=self.smtp_connections,
            sender=self.mail_sender,
            public_base_url=self.public_base_url,
            link_secret=self._link_secret(),
        )

    def _link_secret(self) -> bytes | None:
        """The key a mail's link token is derived from: the payload key's, under its own label (one secret to keep
        and rotate); none when payloads are not encrypted (then each try mints a random token)."""
        return self._derived_key(b"onramp link tokens v1")

    def seal_key(self) -> bytes | None:
        """The key that seals a secret kept until its mail is sent (an account's first password, store/sealed.py)."""
        return self._derived_key(b"onramp sealed secrets v1")

    def console_key(self) -> bytes | None:
        """The key the operators' console signs its sessions with (starter/services/console_sessions.py)."""
        return self._derived_key(b"onramp console sessions v1")

    def _derived_key(self, label: bytes) -> bytes | None:
        keys = self.payload_keys()
        if not keys:
            return None
        return hmac.new(keys[0].strip().encode(), label, hashlib.sha256).digest()

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def key_file(self) -> Path:
        return self.payload_key_file or self.data_dir / "payload.key"

    def production_problems(self, *, serves_callers: bool) -> list[str]:
        """What a production process lacks, each naming the setting that fixes it (empty: it may start)."""
        if self.environment == "dev":
            return []
        problems = []
        if not self.payload_keys():
            problems.append(
                "ONRAMP_PAYLOAD_KEY is not set: workflow payloads would be stored in clear (make a key with "
                '`python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"`).'
            )
        if serves_callers and self.identity_provider() is None and not self.api_keys_enabled:
            problems.append(
                "No way for callers to prove themselves: set ONRAMP_OIDC_ISSUER, ONRAMP_OIDC_AUDIENCE and "
                "ONRAMP_OIDC_JWKS_URL (an identity provider), or ONRAMP_API_KEYS_ENABLED=true (onramp's API keys)."
            )
        return problems

    @property
    def accepts_api_keys(self) -> bool:
        """onramp's own API keys prove a caller under `onramp dev`, and in production when enabled."""
        return self.environment == "dev" or self.api_keys_enabled

    def identity_provider(self) -> tuple[str, str, str] | None:
        """(issuer, audience, JWKS URL) when an identity provider is configured."""
        if self.oidc_issuer and self.oidc_audience and self.oidc_jwks_url:
            return self.oidc_issuer, self.oidc_audience, self.oidc_jwks_url
        return None

    @property
    def api_key_file(self) -> Path:
        return self.data_dir / "api-key"

    def operator_token(self) -> str | None:
        """The CLI's credential: ONRAMP_API_KEY, else the dev stack's key file."""
        if self.api_key is not None and self.api_key.get_secret_value().strip():
            return self.api_key.get_secret_value().strip()
        if self.api_key_file.exists():
            return self.api_key_file.read_text().strip() or None
        return None

    @property
    def link_base(self) -> str:
        return self.public_base_url.rstrip("/")


@lru_cache
def get_settings() -> Settings:
    return Settings()

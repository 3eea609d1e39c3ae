"""The production shape (DESIGN.md, Principles 8): docker-compose.yml runs the same code as `onramp dev`.

These tests read the compose file as data and check what must stay true while the code changes: the app is
configured only through real `Settings` fields, the worker scales, start-up runs in order, and the search attributes
registered in Temporal are exactly the ones the workflows upsert. When the `docker-compose` binary is installed, the
file must also pass its own validation.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from models import search_attributes
from starter.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"

APP_SERVICES = ("migrate", "worker", "mail-worker", "api")

INFRA_SERVICES = ("postgresql", "app-db", "temporal", "temporal-setup", "temporal-ui", "mailpit")
REQUIRED_ENV = {
    "ONRAMP_TEMPORAL_ADDRESS",
    "ONRAMP_TEMPORAL_NAMESPACE",
    "ONRAMP_TASK_QUEUE",
    "ONRAMP_DATABASE_URL",
    "ONRAMP_SMTP_HOST",
    "ONRAMP_SMTP_PORT",
    "ONRAMP_SMTP_TLS",
    "ONRAMP_MAIL_SENDER",
    "ONRAMP_PUBLIC_BASE_URL",
    "ONRAMP_API_HOST",
    "ONRAMP_API_PORT",
    "ONRAMP_LOG_LEVEL",
}
COMPLETED = "service_completed_successfully"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    services = compose["services"]
    assert isinstance(services, dict)
    return services


def env_of(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a mapping, whichever of the two compose spellings it uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): str(value) for key, value in env.items()}


def interpolate_defaults(value: str) -> str:
    """Resolve `${VAR:-default}` / `${VAR-default}` to the default, as compose does when VAR is unset."""
    return re.sub(r"\$\{\w+:?-([^}]*)\}", r"\1", value)


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """`depends_on` as {service: condition}; the short list form means `service_started`."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def settings_env_names() -> dict[str, str]:
    return {f"ONRAMP_{name.upper()}": name for name in Settings.model_fields}


def test_every_service_of_the_production_shape_is_there(services: dict[str, dict[str, Any]]) -> None:
    missing = set(APP_SERVICES + INFRA_SERVICES) - set(services)
    assert not missing, f"docker-compose.yml lacks services {sorted(missing)}"


def test_images_are_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name in INFRA_SERVICES:
        image = services[name].get("image", "")
        assert ":" in image and not image.endswith(":latest"), f"{name}: image {image!r} is not pinned to a tag"
    assert services["postgresql"]["image"] == "postgres:16"
    assert services["app-db"]["image"] == "postgres:16"
    assert services["temporal"]["image"].startswith("temporalio/auto-setup:")
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")


def test_databases_have_healthchecks(services: dict[str, dict[str, Any]]) -> None:
    for name in ("postgresql", "app-db"):
        assert "pg_isready" in str(services[name].get("healthcheck", {}).get("test")), f"{name} has no healthcheck"


def test_temporal_runs_on_postgresql(services: dict[str, dict[str, Any]]) -> None:
    temporal = services["temporal"]
    env = env_of(temporal)
    assert env["DB"] == "postgres12"
    assert env["POSTGRES_SEEDS"] == "postgresql"
    assert depends_on(temporal).get("postgresql") == "service_healthy"


def test_app_services_build_the_repository_image(services: dict[str, dict[str, Any]]) -> None:
    for name in APP_SERVICES:
        build = services[name].get("build")
        assert build is not None, f"{name} does not build from the Dockerfile"
        context = build if isinstance(build, str) else build.get("context", ".")
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (ROOT / context / dockerfile).resolve() == (ROOT / "Dockerfile").resolve()
    assert (ROOT / "Dockerfile").is_file()
    assert (ROOT / ".dockerignore").is_file()


def test_app_services_share_the_same_onramp_settings(services: dict[str, dict[str, Any]]) -> None:
    envs = {name: env_of(services[name]) for name in APP_SERVICES}
    roles = {name: env.pop("ONRAMP_WORKER_SERVES", None) for name, env in envs.items()}
    assert roles == {"migrate": None, "worker": "workflows", "mail-worker": "mail", "api": None}
    first = envs[APP_SERVICES[0]]
    for name, env in envs.items():
        assert env == first, f"{name} is configured differently from {APP_SERVICES[0]}"
    missing = REQUIRED_ENV - set(first)
    assert not missing, f"app services lack {sorted(missing)}"


def test_app_services_use_only_real_settings_fields(services: dict[str, dict[str, Any]]) -> None:
    known = settings_env_names()
    for name in APP_SERVICES:
        env = env_of(services[name])
        not_onramp = sorted(key for key in env if not key.startswith("ONRAMP_"))
        assert not not_onramp, f"{name} is configured by something other than ONRAMP_ variables: {not_onramp}"
        unknown = sorted(set(env) - set(known))
        assert not unknown, f"{name} sets {unknown}, which are not fields of starter.settings.Settings"


def test_app_settings_values_are_valid(services: dict[str, dict[str, Any]]) -> None:
    known = settings_env_names()
    env = env_of(services["worker"])
    values = {known[key]: interpolate_defaults(value) for key, value in env.items() if key in known}
    settings = Settings.model_validate(values)  # these values win over any ONRAMP_ variable of the test run
    assert settings.temporal_address == "temporal:7233"
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert "@app-db:5432/" in settings.database_url
    assert settings.smtp_host == "mailpit"
    assert settings.smtp_port == 1025
    assert settings.api_host == "0.0.0.0"
    assert settings.api_port == 8000


def test_the_worker_scales(services: dict[str, dict[str, Any]]) -> None:
    worker = services["worker"]
    assert "container_name" not in worker, "a fixed container_name stops `--scale worker=N`"
    assert not worker.get("ports"), "fixed host ports stop `--scale worker=N`"
    assert worker.get("deploy", {}).get("replicas", 1) >= 2
    command = " ".join(worker["command"]) if isinstance(worker["command"], list) else worker["command"]
    assert command in ("python worker.py", "onramp worker")


def test_start_up_runs_in_order(services: dict[str, dict[str, Any]]) -> None:
    migrate = services["migrate"]
    command = " ".join(migrate["command"]) if isinstance(migrate["command"], list) else migrate["command"]
    assert command == "onramp db upgrade"
    assert depends_on(migrate).get("app-db") == "service_healthy"
    for name in ("worker", "api"):
        deps = depends_on(services[name])
        assert deps.get("migrate") == COMPLETED, f"{name} may start before the migrations ran"
        assert deps.get("temporal-setup") == COMPLETED, f"{name} may start before the search attributes exist"


def test_published_ports(services: dict[str, dict[str, Any]]) -> None:
    """Nothing unauthenticated is published beyond this host: not Temporal's frontend at all, the Web UI and the
    caught mail on loopback only; the API (which asks every caller who it is) on every interface."""
    published = {name: [str(p) for p in service.get("ports", [])] for name, service in services.items()}
    assert "temporal" not in published or not published["temporal"]
    assert published["temporal-ui"] == ["127.0.0.1:8233:8080"]
    assert published["mailpit"] == ["127.0.0.1:8025:8025"]
    assert published["api"] == ["8000:8000"]
    assert all(p.startswith("127.0.0.1:") for name, ports in published.items() if name != "api" for p in ports)
    api_command = services["api"]["command"]
    assert (" ".join(api_command) if isinstance(api_command, list) else api_command) == "onramp api"


def test_registered_search_attributes_are_exactly_the_models(services: dict[str, dict[str, Any]]) -> None:
    setup = services["temporal-setup"]
    script = " ".join(setup["command"]) if isinstance(setup["command"], list) else setup["command"]
    assert "search-attribute create" in script
    assert "$$SEARCH_ATTRIBUTES" in script, "the setup step must register the SEARCH_ATTRIBUTES listed below it"
    declared = env_of(setup)["SEARCH_ATTRIBUTES"].split()
    registered = dict(item.split("=", 1) for item in declared)
    assert len(registered) == len(declared), "a search attribute is listed twice"
    expected = {key.name: key.indexed_value_type.name for key in search_attributes.ALL}
    assert {name: kind.upper() for name, kind in registered.items()} == expected


def test_compose_file_validates() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not on PATH (install it, e.g. `apt-get install docker-compose`)")

    def config(**env: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if k != "ONRAMP_PAYLOAD_KEY"}
        return subprocess.run(
            [binary, "-f", str(COMPOSE_FILE), "config", "-q"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**clean, **env},
        )

    result = config(ONRAMP_PAYLOAD_KEY="c2VjcmV0LWZvci10aGUtY29tcG9zZS10ZXN0LW9ubHk=")
    assert result.returncode == 0, f"docker-compose config failed:\n{result.stderr}"
    without_key = config()
    assert without_key.returncode != 0 and "set ONRAMP_PAYLOAD_KEY" in without_key.stderr

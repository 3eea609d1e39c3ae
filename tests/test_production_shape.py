"""Outside `onramp dev`, the API and the worker refuse to start without what keeps data and callers safe, and
say which setting is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from starter import worker_host
from starter.cli import app
from starter.settings import get_settings
from tests.support import TEST_PAYLOAD_KEY

runner = CliRunner()


@pytest.fixture(autouse=True)
def production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)  # no .env, no key file: nothing configured
    monkeypatch.setenv("ONRAMP_DATA_DIR", str(tmp_path / "data"))
    for name in ("ONRAMP_PAYLOAD_KEY", "ONRAMP_OIDC_ISSUER", "ONRAMP_API_KEYS_ENABLED", "ONRAMP_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_api_names_every_missing_setting() -> None:
    result = runner.invoke(app, ["api"])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "The API does not start in production like this" in text
    assert "ONRAMP_PAYLOAD_KEY is not set" in text
    assert "ONRAMP_OIDC_ISSUER, ONRAMP_OIDC_AUDIENCE and ONRAMP_OIDC_JWKS_URL" in text
    assert "ONRAMP_API_KEYS_ENABLED=true" in text


def test_the_api_with_a_key_still_wants_a_way_for_callers_to_prove_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_PAYLOAD_KEY", TEST_PAYLOAD_KEY)
    get_settings.cache_clear()
    result = runner.invoke(app, ["api"])
    assert result.exit_code == 1
    assert "ONRAMP_PAYLOAD_KEY" not in result.output and "ONRAMP_API_KEYS_ENABLED" in result.output


def test_the_worker_names_the_missing_payload_key() -> None:
    with pytest.raises(SystemExit) as stopped:
        worker_host.main()
    message = str(stopped.value.code)
    assert "The worker does not start in production like this" in message and "ONRAMP_PAYLOAD_KEY is not set" in message


def test_dev_and_a_complete_production_configuration_have_no_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_settings().model_copy(update={"environment": "dev"}).production_problems(serves_callers=True) == []
    monkeypatch.setenv("ONRAMP_PAYLOAD_KEY", TEST_PAYLOAD_KEY)
    monkeypatch.setenv("ONRAMP_API_KEYS_ENABLED", "true")
    get_settings.cache_clear()
    assert get_settings().production_problems(serves_callers=True) == []

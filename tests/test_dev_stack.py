"""`onramp dev` as one piece: everything starts, an order placed through its API gets its mail into the sink's
folder, a second copy and a taken port are refused with a clear message, and a restart keeps the workflows."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from starter.dev_stack import DevStack, DevStackError
from starter.mail_sink import read_folder
from starter.settings import Settings
from tests.support import bearer, eventually, free_port, order


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / ".onramp",
        database_url=f"sqlite+aiosqlite:///{tmp_path}/.onramp/onramp.db",
        dev_temporal_port=free_port(),
        dev_ui_port=free_port(),
        api_port=free_port(),
        smtp_port=free_port(),
        worker_metrics_port=free_port(),
        api_metrics_port=free_port(),
    )


async def test_the_dev_stack_runs_an_order_and_keeps_it_across_a_restart(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    o = order((datetime.now(UTC) - timedelta(days=1)).date(), time_zone="UTC")
    api = f"http://127.0.0.1:{settings.api_port}"

    async with DevStack(settings) as stack, httpx.AsyncClient(base_url=api, timeout=30) as http:
        assert f"http://127.0.0.1:{settings.dev_ui_port}" in str(stack.banner().renderable)
        assert (await http.get("/healthz")).json() == {"status": "ok", "temporal": "ok", "database": "ok"}
        assert (await http.post("/api/partner-orders", json=o.model_dump(mode="json"))).status_code == 401
        key = settings.api_key_file.read_text().strip()
        assert settings.api_key_file.stat().st_mode & 0o077 == 0  # the operator's key is the owner's alone
        assert str(settings.api_key_file) in str(stack.banner().renderable)
        created = await http.post("/api/partner-orders", json=o.model_dump(mode="json"), headers=bearer(key))
        assert created.status_code == 201, created.text

        async def mail_in_folder() -> bool:
            return any(m.to == o.provisioning_contact_email for m in read_folder(settings.mail_dir))

        await eventually(mail_in_folder, timeout=30, what="the Set Up Now mail under .onramp/mail/")
        for port in (settings.worker_metrics_port, settings.api_metrics_port):  # printed, and Prometheus reads them
            url = f"http://127.0.0.1:{port}/metrics"
            assert url in str(stack.banner().renderable)
            scraped = (await http.get(url)).text
            assert 'onramp_partner_orders_total{offer="A-WX",status="started"}' in scraped
            assert "temporal_request_total" in scraped  # the SDK's own

        with pytest.raises(DevStackError, match="already running from this folder"):
            async with DevStack(settings):
                pass

    async with DevStack(settings), httpx.AsyncClient(base_url=api, timeout=30, headers=bearer(key)) as http:
        assert settings.api_key_file.read_text().strip() == key  # the same key after a restart
        state = (await http.get(f"/api/partner-orders/{o.order_id}")).json()
        assert state["status"] == "awaiting_setup"
        assert [m["status"] for m in state["mails"]] == ["sent"]


async def test_a_taken_port_is_named_with_the_setting_that_moves_it(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", settings.api_port))
        squatter.listen()
        with pytest.raises(DevStackError) as refused:
            async with DevStack(settings):
                pass
    assert f"Port {settings.api_port} for the HTTP API is already in use" in str(refused.value)
    assert "ONRAMP_API_PORT" in str(refused.value)

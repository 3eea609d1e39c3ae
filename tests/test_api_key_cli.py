"""`onramp api-key create|list|revoke` as an operator types them: the printed key works on the API with exactly
its scopes, the list shows it used, and a revoked key stops working at once."""

from __future__ import annotations

from fastapi import FastAPI
from temporalio.client import Client

from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from tests.admin_support import browser
from tests.support import bearer
from tests.test_admin_cli import onramp, said


def _app(client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    return create_app(settings, client=client, sessions=workflow_db[1])


async def test_a_key_made_on_the_cli_works_with_its_scopes_until_revoked(
    cli_env: None, client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    made = await onramp("api-key", "create", "--name", "ops-dashboard", "--scope", "orders:read")
    assert made.exit_code == 0, made.output
    key = made.output.strip().splitlines()[-1]
    key_id = key.removeprefix("onr_").split(".")[0]
    assert key.startswith("onr_") and "not shown again" in said(made)

    async with browser(_app(client, settings, workflow_db)) as http:
        read = await http.get("/api/partner-orders/CCW-NOPE-1", headers=bearer(key))
        acted = await http.post("/api/partner-orders/CCW-NOPE-1/resend", json={}, headers=bearer(key))
        assert read.status_code == 404 and read.json()["error"] == "NotFound"  # allowed: the order is unknown
        assert acted.status_code == 403 and "orders:act" in acted.json()["message"]

        listed = await onramp("api-key", "list")
        [row] = [line for line in listed.output.splitlines() if key_id in line]
        assert "ops-dashboard" in row and "orders:read" in row and "live" in row and "never" in row.split("│")[5]
        assert key.split(".")[1] not in listed.output  # the secret is never shown again

        kept = await onramp("api-key", "revoke", key_id)  # asked, and no answer is no
        assert kept.exit_code == 1 and f"Revoke API key {key_id}?" in said(kept), kept.output
        assert "Nothing was changed" in said(kept)
        assert (await http.get("/api/partner-orders/CCW-NOPE-1", headers=bearer(key))).status_code == 404

        revoked = await onramp("api-key", "revoke", key_id, "--yes")
        assert revoked.exit_code == 0 and f"API key {key_id} revoked" in said(revoked)
        after = await http.get("/api/partner-orders/CCW-NOPE-1", headers=bearer(key))
        assert after.status_code == 401
    again = await onramp("api-key", "revoke", key_id, "--yes")
    assert again.exit_code == 1 and "No live API key" in said(again)


async def test_an_unknown_scope_is_refused_naming_the_scopes(cli_env: None) -> None:
    made = await onramp("api-key", "create", "--name", "x", "--scope", "everything")
    assert made.exit_code == 2
    assert "Unknown scope everything" in said(made) and "partner-orders:write" in said(made)


async def test_the_routes_command_prints_who_may_call_each_route(cli_env: None) -> None:
    printed = await onramp("routes")
    assert printed.exit_code == 0
    lines = printed.output.splitlines()
    [intake] = [line for line in lines if "/api/partner-orders " in line and "POST" in line]
    assert "scope: partner-orders:write" in intake
    assert any("/setup/{token}" in line and "link" in line for line in lines)

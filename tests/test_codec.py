"""Personal data in workflow histories is encrypted; operators with the key read it through the codec endpoint."""

from __future__ import annotations

import base64
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from starter.codec import EncryptionCodec, PayloadKeyError, new_key, parse_key
from starter.services import partner_orders
from starter.services.callers import Scope
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from tests.support import TEST_PAYLOAD_KEY, bearer, operator_key, order


async def test_the_history_holds_no_personal_data_in_clear_and_the_codec_endpoint_reveals_it(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    o = order(today + timedelta(days=3), customer_name="Zdravko Logistika", partner_name="Secret Partner Ltd")
    started = await partner_orders.start(client, settings, o)
    assert started.state.customer_name == "Zdravko Logistika"  # our client decrypts

    history = await started.handle.fetch_history()
    stored = b"".join(event.SerializeToString() for event in history.events)
    for personal in (o.provisioning_contact_email, o.account_representative_email, "Zdravko", "Secret Partner"):
        assert personal.encode() not in stored

    first = history.events[0].workflow_execution_started_event_attributes.input.payloads[0]
    assert first.metadata["encoding"] == b"binary/encrypted"
    app = create_app(settings, client=client, sessions=workflow_db[1])
    body = {"payloads": [{"metadata": _b64(first.metadata), "data": base64.b64encode(first.data).decode()}]}
    ui = {"Origin": "http://127.0.0.1:8233", "X-Namespace": "default"}
    codec_key = await operator_key(workflow_db[1], "temporal-ui", [Scope.CODEC])
    reader_key = await operator_key(workflow_db[1], "dashboard", [Scope.READ])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as http:
        anonymous = await http.post("/codec/decode", json=body, headers=ui)
        reader = await http.post("/codec/decode", json=body, headers={**ui, **bearer(reader_key)})
        forged = await http.post("/codec/encode", json=body, headers=ui)
        answer = await http.post("/codec/decode", json=body, headers={**ui, **bearer(codec_key)})
    assert (anonymous.status_code, anonymous.json()["error"]) == (401, "NotAuthenticated")
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert o.provisioning_contact_email not in anonymous.text
    assert (reader.status_code, reader.json()["error"]) == (403, "Forbidden")
    assert "codec" in reader.json()["message"]
    assert forged.status_code == 401
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == "http://127.0.0.1:8233"
    [clear] = answer.json()["payloads"]
    assert base64.b64decode(clear["metadata"]["encoding"]) == b"json/plain"
    assert o.provisioning_contact_email in base64.b64decode(clear["data"]).decode()


async def test_a_rotated_key_still_reads_what_the_old_key_wrote() -> None:
    old, new = parse_key(new_key()), parse_key(new_key())
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"email": "ana@partner.example"}')
    [sealed] = await EncryptionCodec([old]).encode([plain])

    [opened] = await EncryptionCodec([new, old]).decode([sealed])
    assert opened == plain
    [resealed] = await EncryptionCodec([new, old]).encode([plain])
    with pytest.raises(PayloadKeyError, match=r"encrypted with key .* which is not configured"):
        await EncryptionCodec([old]).decode([resealed])


async def test_payloads_written_before_encryption_are_read_as_they_are() -> None:
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'"hello"')
    assert await EncryptionCodec([parse_key(new_key())]).decode([plain]) == [plain]


def test_a_bad_key_says_how_to_make_one() -> None:
    with pytest.raises(PayloadKeyError, match=r"base64 of 32 random bytes; make one with"):
        parse_key("too-short")


def _b64(metadata: object) -> dict[str, str]:
    return {key: base64.b64encode(value).decode() for key, value in dict(metadata).items()}  # type: ignore[call-overload]


async def test_under_onramp_dev_the_local_web_ui_may_decode_without_a_token(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    [sealed] = await EncryptionCodec([parse_key(TEST_PAYLOAD_KEY)]).encode(
        [Payload(metadata={"encoding": b"json/plain"}, data=b'{"email": "ana@partner.example"}')]
    )
    body = {"payloads": [{"metadata": _b64(sealed.metadata), "data": base64.b64encode(sealed.data).decode()}]}
    ui = {"Origin": "http://127.0.0.1:8233"}
    dev = create_app(settings.model_copy(update={"environment": "dev"}), client=client, sessions=workflow_db[1])
    here = httpx.ASGITransport(app=dev, client=("127.0.0.1", 5000))
    away = httpx.ASGITransport(app=dev, client=("192.0.2.7", 5000))
    async with (
        httpx.AsyncClient(transport=here, base_url="http://api") as local,
        httpx.AsyncClient(transport=away, base_url="http://api") as remote,
    ):
        assert (await local.post("/codec/decode", json=body, headers=ui)).status_code == 200
        assert (
            await local.post("/codec/decode", json=body, headers={"Origin": "http://evil.example"})
        ).status_code == 401
        assert (await remote.post("/codec/decode", json=body, headers=ui)).status_code == 401
    production = create_app(settings, client=client, sessions=workflow_db[1])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=production), base_url="http://api") as http:
        assert (await http.post("/codec/decode", json=body, headers=ui)).status_code == 401

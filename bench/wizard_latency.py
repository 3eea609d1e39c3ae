"""One wizard step through the HTTP API, next to a no-op Update on a minimal workflow (same dev server, same run).

Ours: `POST /api/setup/<token>/role` - FastAPI validation, the link's token looked up (hashed) in the database,
the workflow Update with its validator, the answer with the wizard's state. The step is repeated on one order
(going back to an earlier step is allowed), so every sample is the same work.
Also shown: a step that runs an activity (`customer-admin`: the organization finder in the database).

Run: `uv run python -m bench.wizard_latency [runs]`. Target: p50 ratio <= 1.5 for the step.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import UTC, datetime, timedelta

from bench.reference_workflow import ReferenceWorkflow
from bench.stack import Bench, bench_stack, report, timed
from starter.services import partner_orders
from tests.support import eventually, order


async def main(runs: int) -> None:
    async with bench_stack() as bench:
        token = await _token(bench)
        session = (await bench.http.post(f"/api/setup/{token}/session")).json()["session_id"]
        reference = await bench.client.start_workflow(
            ReferenceWorkflow.run, id=f"ref-{uuid.uuid4().hex}", task_queue=bench.reference_queue
        )

        async def role(_: int) -> None:
            response = await bench.http.post(
                f"/api/setup/{token}/role", json={"session_id": session, "role": "partner"}
            )
            assert response.status_code == 200, response.text

        async def noop(_: int) -> None:
            await reference.execute_update(ReferenceWorkflow.noop, "x")

        ours = await timed(role, runs)
        ref = await timed(noop, runs)
        report("wizard step", ("POST /api/setup/<token>/role", ours), ("no-op Update, minimal workflow", ref))

        await _post(bench, token, session, "setup-by", {"who": "me"})
        await _post(bench, token, session, "partner-org", {"decision": "create", "details": _org("Bench Partner")})

        async def customer_admin(i: int) -> None:
            await _post(bench, token, session, "customer-admin", {"email": f"admin{i + 10}@bench.example"})

        ours = await timed(customer_admin, runs)
        ref = await timed(noop, runs)
        report(
            "wizard step with an activity",
            ("POST …/customer-admin (org finder)", ours),
            ("no-op Update, minimal workflow", ref),
        )


async def _token(bench: Bench) -> str:
    o = order((datetime.now(UTC) - timedelta(days=1)).date(), time_zone="UTC")
    await partner_orders.start(bench.client, bench.settings, o)

    async def link() -> str | None:
        mails = bench.sink.to(o.provisioning_contact_email)
        return mails[0].links[0].rsplit("/", 1)[1] if mails else None

    return await eventually(link, what="the Set Up Now mail")


async def _post(bench: Bench, token: str, session: str, path: str, body: dict[str, object]) -> None:
    response = await bench.http.post(f"/api/setup/{token}/{path}", json={"session_id": session, **body})
    assert response.status_code == 200, response.text


def _org(name: str) -> dict[str, str]:
    return {"name": name, "country": "SI", "address": "Street 1", "city": "Ljubljana", "postal_code": "1000"}


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))

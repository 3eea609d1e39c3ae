"""The README as written: its examples run against a real `onramp dev`, and its /docs renders without a network.

A session fixture starts `onramp dev` once, as a reader does, in an empty folder (so `.onramp/` is fresh) on free
ports, and the README's ```bash blocks run in order in one bash, as a reader types them into one terminal: shell
variables one block sets (a reservation number, a link's token) are there for the next. Only the ports differ from
what the reader sees: `localhost:8000`, `127.0.0.1:8000` and `127.0.0.1:7233` in the text are moved to the test's
ports, `uv run X` runs the virtualenv's X, and `curl` fails on an HTTP 5xx or a refused credential. A block after a
`<!-- not run -->` line is illustrative and skipped.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Route, async_playwright, expect

from starter.dev_stack import DevStackError, temporal_binary
from starter.mail_sink import read_folder
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, Problems, needs_chromium
from tests.support import free_port

README = Path(__file__).parent.parent / "README.md"
BIN = Path(sys.executable).parent
NOT_RUN = "<!-- not run -->"
BLOCK = re.compile(r"^```bash\n(.*?)^```$", re.MULTILINE | re.DOTALL)

PRELUDE = r"""
set -Eeo pipefail
trap 'echo "README.md block at line $README_LINE failed (exit $?): $BASH_COMMAND" >&2' ERR
uv() {
  [ "$1" = run ] || { echo "the README test runs only 'uv run …', not: uv $*" >&2; return 2; }
  shift
  local command=$1
  shift
  "$ONRAMP_TEST_BIN/$command" "$@" || { local rc=$?; echo "exit $rc from: uv run $command $*" >&2; return $rc; }
}
curl() {
  local out code tries=0
  while :; do
    out=$(command curl -sS --max-time 60 -w '\n%{http_code}' "$@") || return $?
    code=${out##*$'\n'}
    # a read answered 503 (Temporal busy or slow) is tried again, as the errors table tells a client to
    case " $* " in *" -d "*|*" -X "*) break ;; esac
    [ "$code" = 503 ] && [ $((tries += 1)) -le 3 ] || break
    sleep 2
  done
  printf '%s\n' "${out%$'\n'*}"
  if [ "$code" -ge 500 ] || [ "$code" = 401 ] || [ "$code" = 403 ]; then
    echo "HTTP $code from: curl $*" >&2
    return 22
  fi
}
"""


@dataclass(frozen=True)
class Block:
    line: int
    """Where its ```bash line is in README.md."""
    text: str
    run: bool


def readme_blocks(text: str) -> list[Block]:
    """Every ```bash block of the README, with whether it is to be run (not after a `<!-- not run -->` line)."""
    blocks = []
    for match in BLOCK.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        blocks.append(Block(text.count("\n", 0, match.start()) + 1, match.group(1), before != NOT_RUN))
    return blocks


PORTS = {
    "ONRAMP_API_PORT": 8000,
    "ONRAMP_DEV_TEMPORAL_PORT": 7233,
    "ONRAMP_DEV_UI_PORT": 8233,
    "ONRAMP_SMTP_PORT": 1025,
    "ONRAMP_WORKER_METRICS_PORT": 9464,
    "ONRAMP_API_METRICS_PORT": 9465,
}
"""Every port `onramp dev` takes, by its setting, with the default the README shows: the test's stack takes free
ones, so it runs beside a developer's own `onramp dev` and beside other tests."""


@dataclass(frozen=True)
class DevStackProcess:
    folder: Path
    ports: dict[str, int]
    """Each setting of :data:`PORTS` and the free port it has here."""
    env: dict[str, str]

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports['ONRAMP_API_PORT']}"

    def moved(self, text: str) -> str:
        """The README's text with its default ports (`localhost:8000`, `127.0.0.1:7233`, …) moved to this stack's."""
        for setting, default in PORTS.items():
            for host in ("localhost", "127.0.0.1"):
                text = re.sub(rf"\b{host}:{default}\b", f"127.0.0.1:{self.ports[setting]}", text)
        return text


@pytest.fixture(scope="session")
def dev_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStackProcess]:
    """`onramp dev`, the real command, in an empty folder on free ports, until the session ends."""
    try:
        temporal_binary()
    except DevStackError as missing:
        pytest.skip(str(missing))
    folder = tmp_path_factory.mktemp("readme")
    ports = {setting: free_port() for setting in PORTS}
    env = {key: value for key, value in os.environ.items() if not key.startswith("ONRAMP_")}
    env |= {setting: str(port) for setting, port in ports.items()}
    env |= {
        "ONRAMP_PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['ONRAMP_API_PORT']}",
        "ONRAMP_TEMPORAL_ADDRESS": f"127.0.0.1:{ports['ONRAMP_DEV_TEMPORAL_PORT']}",
        "ONRAMP_CODEC_CORS_ORIGINS": f"http://127.0.0.1:{ports['ONRAMP_DEV_UI_PORT']}",
        "ONRAMP_DATA_DIR": ".onramp",
        "ONRAMP_TEST_BIN": str(BIN),
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "COLUMNS": "160",
    }
    stack = DevStackProcess(folder, ports, env)
    log = (folder / "onramp-dev.log").open("wb")
    process = subprocess.Popen(
        [str(BIN / "onramp"), "dev"],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_until_ready(stack, process)
        yield stack
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as the reader stops it
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _wait_until_ready(stack: DevStackProcess, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"onramp dev stopped:\n{_log(stack)}")
        with contextlib.suppress(httpx.HTTPError):
            ready = httpx.get(f"{stack.api}/healthz", timeout=5).json().get("status") == "ok"
            if ready and (stack.folder / ".onramp" / "api-key").exists():
                return
        time.sleep(0.5)
    raise AssertionError(f"onramp dev was not ready within 120 s:\n{_log(stack)}")


def _log(stack: DevStackProcess) -> str:
    return (stack.folder / "onramp-dev.log").read_text(errors="replace")[-4000:]


def test_the_readme_marks_few_blocks_as_illustrative_and_points_at_nothing_outside_the_repo() -> None:
    text = README.read_text()
    blocks = readme_blocks(text)
    skipped = [block.line for block in blocks if not block.run]
    assert len(blocks) - len(skipped) >= 12, "most examples run"
    assert len(skipped) <= 6, f"illustrative blocks at lines {skipped}: make them run instead"
    assert "../" not in text, "a clone has nothing outside the repo"
    assert "docs.astral.sh/uv" in text, "the README says how to get uv"


def test_every_example_of_the_readme_runs_on_a_fresh_dev_stack(dev_stack: DevStackProcess) -> None:
    script = [PRELUDE]
    for block in readme_blocks(README.read_text()):
        if block.run:
            script += [f"README_LINE={block.line}", dev_stack.moved(block.text)]
    ran = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=dev_stack.folder,
        env=dev_stack.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    said = ran.stdout + ran.stderr
    assert ran.returncode == 0, f"{said[-6000:]}\n--- onramp dev ---\n{_log(dev_stack)}"
    # what the examples did, as the reader can check it
    key = (dev_stack.folder / ".onramp" / "api-key").read_text().strip()
    with httpx.Client(base_url=dev_stack.api, headers={"Authorization": f"Bearer {key}"}) as http:
        first = http.get("/api/partner-orders/CCW-1001").json()
        assert (first["status"], first["provisioning_contact_email"]) == ("awaiting_setup", "maja@partner.example")
        second = http.get("/api/partner-orders/CCW-1002").json()
        assert second["status"] == "awaiting_setup", second  # sent now, before its start date
    assert (dev_stack.folder / ".onramp" / "orders.xlsx").stat().st_size > 0
    recipients = {mail.to for mail in read_folder(dev_stack.folder / ".onramp" / "mail")}
    assert {"provisioning@partner.example", "maja@partner.example", "ops@partner.example"} <= recipients
    assert "mei@customer.example" in recipients


@needs_chromium
async def test_the_api_docs_render_in_chromium_without_a_network(dev_stack: DevStackProcess) -> None:
    """Swagger UI's and ReDoc's scripts and style come from the API itself (/docs-assets), so /docs and /redoc
    work offline."""
    problems = Problems()
    outside: list[str] = []

    async def only_this_machine(route: Route) -> None:
        if route.request.url.startswith(f"{dev_stack.api}/"):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            problems.watch(page)
            await page.route("**/*", only_this_machine)
            await page.goto(f"{dev_stack.api}/docs")
            await expect(page.locator(".swagger-ui .info .title")).to_contain_text("onramp", timeout=30_000)
            await expect(page.get_by_text("/api/partner-orders/{order_id}", exact=True).first).to_be_visible()
            assert await page.locator(".opblock").count() > 50
            await page.goto(f"{dev_stack.api}/redoc")
            await expect(page.locator("h1").first).to_contain_text("onramp", timeout=30_000)
            await expect(page.get_by_text("Take in a partner's Webex order").first).to_be_attached()
        finally:
            await browser.close()
    # ReDoc's "API docs by Redocly" footer asks its CDN for a logo; the page renders without it
    assert [url for url in outside if url != "https://cdn.redoc.ly/redoc/logo-mini.svg"] == []
    assert problems == []
    async with httpx.AsyncClient(base_url=dev_stack.api) as http:
        assert (await http.get("/docs-assets/index.html")).status_code == 404  # only the files the viewers need
        assert (await http.get("/openapi.json")).json()["openapi"].startswith("3.1")

"""What every Chromium test shares: Debian's Chromium, the app served over real HTTP, the page's problems watched,
and the few gestures a person makes (click a button, fill a labelled field, choose an option)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import ConsoleMessage, Page, Response, expect

from tests.support import eventually

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",  # the app is on 127.0.0.1: never through a proxy from the environment
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium (/usr/bin/chromium) is not installed: `apt-get install chromium` (.ci/run does)",
)


@asynccontextmanager
async def serving(app: FastAPI, port: int) -> AsyncIterator[str]:
    """The app over real HTTP on 127.0.0.1:<port>, in this event loop, until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        if task.done():  # it failed to start: say why
            task.result()
            raise AssertionError("uvicorn stopped before it started")
        return server.started

    try:
        await eventually(started, what="uvicorn to start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Problems(list[str]):
    """Script errors, CSP violations, server errors and missing stylesheets seen on the pages it watches."""

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        # a failed load is judged by its response below (a refusal's 422 or a dead link's 404 is meant)
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.append(f"console: {message.text}")

    def _on_response(self, response: Response) -> None:
        if response.url.endswith("/favicon.ico"):  # the app has none; Chromium asks anyway
            return
        if response.status >= 500 or (response.status >= 400 and response.request.resource_type != "document"):
            self.append(f"{response.status} {response.request.resource_type} {response.url}")


async def heading(page: Page, text: str) -> None:
    """The page a person sees now has this title (auto-waits for the navigation after a click)."""
    await expect(page.get_by_role("heading", level=1)).to_have_text(text)


async def click(page: Page, button: str) -> None:
    await page.get_by_role("button", name=button, exact=True).click()


async def fill(page: Page, label: str, value: str) -> None:
    await page.get_by_label(label, exact=True).fill(value)


async def choose(page: Page, label: str, value: str) -> None:
    await page.get_by_label(label, exact=True).select_option(value)

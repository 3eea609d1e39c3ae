"""What every Chromium test shares: Debian's Chromium, the app served over real HTTP, the page's problems watched,
and the few gestures a person makes (click a button, fill a labelled field, choose an option)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, ConsoleMessage, Page, Response, expect

from starter.mail_sink import MailSink
from starter.settings import Settings
from tests.support import eventually, free_port, make_settings

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


def served_settings(database_url: str, mail_sink: MailSink, task_queue: str) -> tuple[int, Settings]:
    """A free port and the settings of an app served on it (its mails' links point there), sending to the test's
    mail sink, with a task queue of its own."""
    port = free_port()
    settings = make_settings(
        database_url=database_url,
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        task_queue=task_queue,
        public_base_url=f"http://127.0.0.1:{port}",
    )
    return port, settings


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


# ---------------------------------------------------------------- a reader of another language


async def language_page(browser: Browser, language: str, problems: Problems) -> Page:
    """A page in a browser context of its own whose language is ``language`` (a BCP 47 tag such as ``zh-Hant``):
    Chromium's locale (``navigator.language``) and the ``Accept-Language`` every request sends, as a browser
    installed in that language has them. Its problems are watched; actions and assertions wait 15 s."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
    page = await context.new_page()
    page.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)
    problems.watch(page)
    return page


async def speaks(page: Page, lang: str, direction: str | None = None) -> None:
    """The page says it is in ``lang`` (``<html lang>``), and right to left when ``direction`` is ``rtl`` (no
    ``dir`` at all otherwise: the default, left to right)."""
    html = page.locator("html")
    await expect(html).to_have_attribute("lang", lang)
    if direction is None:
        assert await html.get_attribute("dir") in (None, "ltr"), f"{page.url}: dir={await html.get_attribute('dir')}"
    else:
        await expect(html).to_have_attribute("dir", direction)


async def said_in(page: Page, lang: str, title: str, direction: str | None = None) -> None:
    """The page a person sees now has this title, and says it speaks ``lang`` (see :func:`speaks`)."""
    await heading(page, title)
    await speaks(page, lang, direction)


LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
"""English on a page in Chinese or Arabic: any word in Latin letters."""
ENGLISH_WORD = re.compile(
    r"\b(?:the|and|your|you|of|is|are|with|this|that|for|to|or|has|have|been|will|please|enter|order|seats?|card|"
    r"back|next|save|cancel|yes|no|none|sent|charged|added|accepted|placed|payment|quote)\b",
    re.IGNORECASE,
)
"""English on a page in a language written in Latin letters (German, Slovenian): its commonest words."""
ADDRESS = re.compile(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:com|example|test)\b")
_TEXTS = """() => {
  const out = [];
  const own = (el) => { const tagged = el.closest('[lang]'); return !tagged || tagged === document.documentElement; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.trim();
    if (text && el && !el.closest('script, style') && own(el) && el.getClientRects().length > 0) out.push(['', text]);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
    if (!own(el)) continue;
    for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) out.push([`${el.tagName.toLowerCase()} ${name}`, value.trim()]);
    }
  }
  for (const el of document.querySelectorAll('option')) {
    if (own(el) && el.textContent.trim()) out.push(['option', el.textContent.trim()]);
  }
  out.push(['title', document.title]);
  const h1 = document.querySelector('h1');
  return [h1 ? h1.textContent.trim() : '', out];
}"""


async def english_leftovers(
    page: Page, allowed: Iterable[str] = (), english: re.Pattern[str] = LATIN_WORD
) -> list[str]:
    """The texts on this page that look English to its reader: its text nodes, placeholders, ARIA labels, titles,
    options and the window title in which ``english`` finds a word (any Latin word for a reader of Chinese or Arabic,
    :data:`LATIN_WORD`; English's commonest words for a reader of German, :data:`ENGLISH_WORD`), once what ``allowed``
    names (brand names, the reader's own data), e-mail addresses, links and what is marked as another language
    (``lang``, such as the language menu's names) are left out. Each as ``'<path> «<h1>»: [<where>: ]<text>'``
    (``where``: an attribute, an option, the title): an English leftover, unless it is a name."""
    names = sorted(allowed, key=len, reverse=True)
    path = _path(page)
    found = []
    title, texts = await page.evaluate(_TEXTS)
    for where, text in texts:
        rest = ADDRESS.sub(" ", text)
        for name in names:
            rest = rest.replace(name, " ")
        if english.search(rest):
            found.append(f"{path} «{title}»: {where + ': ' if where else ''}{text}")
    return found


_LTR_ARABIC = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || seen.has(el) || !/[\\u0600-\\u06FF]/.test(walker.currentNode.textContent)) continue;
    seen.add(el);
    if (el.matches(':dir(ltr)') && el.getClientRects().length > 0) out.push(el.textContent.trim());
  }
  const h1 = document.querySelector('h1');
  return [h1 ? h1.textContent.trim() : '', out];
}"""


async def arabic_laid_out_left_to_right(page: Page) -> list[str]:
    """The Arabic texts on this page that the browser lays out left to right (``:dir(ltr)``): an Arabic sentence in
    a ``<bdi>`` or ``dir="auto"`` that opens with a Latin name reads in the wrong order, its punctuation at the wrong
    end. Each as ``'<path> «<h1>»: <text>'``."""
    path = _path(page)
    title, texts = await page.evaluate(_LTR_ARABIC)
    return [f"{path} «{title}»: {text}" for text in texts]


def _path(page: Page) -> str:
    """The page's path for a report, a link's token left out (``/setup/…``)."""
    return re.sub(r"/[\w-]{20,}", "/…", urlsplit(page.url).path)

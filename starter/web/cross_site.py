"""What keeps other sites out of a browser's sessions, in one ASGI middleware in front of every route.

- **Where a request comes from.** A request that may change something (POST, PUT, PATCH, DELETE) and that a
  browser could send from another site with effect (it carries onramp's cookies, or it is a form) is refused when
  the browser says it comes from another site: an ``Origin`` that is not onramp's own, or ``Sec-Fetch-Site`` other
  than same-origin (or none: typed, bookmarked).
- **CSRF tokens.** Such a request that a cookie authenticates (the admin's session, the wizard's session, the Assist
  booking proof) and no bearer token does must also carry this browser's CSRF token: the ``csrf_token`` field of
  its form (every page form has it: ``csrf_field()``) or the ``X-CSRF-Token`` header (JSON clients). The token is
  a random value in its own cookie (double submit: another site can neither read it nor set it).
- **HTTPS.** When the public URL is https, every answer says so for a year (HSTS).
"""

from __future__ import annotations

import hmac
import json
import secrets
from contextvars import ContextVar
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from markupsafe import Markup, escape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.languages import FACTS
from models.refusals import Reason, because
from starter.settings import Settings
from starter.web import cookie_policy, reading
from starter.web.said import said

CSRF_COOKIE = "onramp_csrf"
FIELD = "csrf_token"
HEADER = b"x-csrf-token"
SESSION_COOKIES = ("onramp_admin", "onramp_wizard", "onramp_assist", "onramp_console")
"""The cookies that authenticate a browser (under any prefix)."""
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_FORM_BYTES = 1_000_000
HSTS = (b"strict-transport-security", b"max-age=31536000")

REFUSED = because("Refused")
FROM_ANOTHER_SITE = because("This request came from another site, so it was refused.")
FORM_TOO_LARGE = because("The form is too large.")
EXPIRED = because("This page has expired (its security token is missing or out of date): reload it, then try again.")

_token: ContextVar[str] = ContextVar("csrf_token", default="")


def csrf_field() -> Markup:
    """The hidden field every page form carries (a Jinja global)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, escape(_token.get()))


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope["headers"]:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # an unreadable cookie header authenticates nothing
                continue
    return {key: morsel.value for key, morsel in jar.items()}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _bearer(scope: Scope) -> bool:
    return (_header(scope, b"authorization") or "").lower().startswith("bearer ")


def _form(scope: Scope) -> bool:
    """A body another site's page can send without asking (a form): the login and the public forms."""
    kind = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    return kind in ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "")


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class CrossSiteGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.https = cookie_policy.over_https(settings)
        self.cookie = cookie_policy.name(settings, CSRF_COOKIE)
        self.own = _origin_of(settings.public_base_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        token = cookies.get(self.cookie, "")
        fresh = "" if token else secrets.token_urlsafe(32)
        _token.set(token or fresh)
        if scope["method"] in UNSAFE and not _bearer(scope):  # a bearer token is never sent by a browser on its own
            authenticated = self._cookie_authenticated(cookies)
            why = self._cross_site(scope) if authenticated or _form(scope) else None
            if why is None and authenticated:
                receive, why = await self._checked_token(scope, receive, token)
            if why is not None:
                await self._refuse(scope, send, why)
                return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if fresh:
                    headers.append((b"set-cookie", self._set_cookie(fresh)))
                if self.https:
                    headers.append(HSTS)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)

    def _cross_site(self, scope: Scope) -> Reason | None:
        fetch_site = _header(scope, b"sec-fetch-site")
        if fetch_site is not None and fetch_site not in ("same-origin", "none"):
            return FROM_ANOTHER_SITE
        origin = _header(scope, b"origin")
        if origin is not None and origin != "null" and _origin_of(origin) not in self._own_origins(scope):
            return FROM_ANOTHER_SITE
        return None

    def _own_origins(self, scope: Scope) -> set[str]:
        host = _header(scope, b"host")
        return {self.own, f"{scope.get('scheme', 'http')}://{host}".lower()} if host else {self.own}

    def _cookie_authenticated(self, cookies: dict[str, str]) -> bool:
        return any(name.removeprefix("__Host-").removeprefix("__Secure-") in SESSION_COOKIES for name in cookies)

    async def _checked_token(self, scope: Scope, receive: Receive, token: str) -> tuple[Receive, Reason | None]:
        """The request's CSRF token against the cookie's; the body, read to find a form's field, is replayed."""
        presented = _header(scope, HEADER)
        replay = receive
        content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        if presented is None and content_type == "application/x-www-form-urlencoded":
            body, more = b"", True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > MAX_FORM_BYTES:
                    return receive, FORM_TOO_LARGE
            presented = (parse_qs(body.decode("latin-1"), max_num_fields=200).get(FIELD) or [None])[0]
            replay = _replaying(body, receive)
        if not token or not presented or not hmac.compare_digest(presented.encode(), token.encode()):
            return (
                replay,
                EXPIRED,
            )
        return replay, None

    def _set_cookie(self, value: str) -> bytes:
        secure = "; Secure" if self.https else ""
        return f"{self.cookie}={value}; Path=/; HttpOnly; SameSite=Strict{secure}".encode("latin-1")

    async def _refuse(self, scope: Scope, send: Send, reason: Reason) -> None:
        why = said(reason)
        if scope["path"].startswith(("/api/", "/codec/")):
            body = json.dumps({"error": "CrossSiteRefused", "message": why, "fields": []}).encode()
            content_type = b"application/json"
        else:
            language = reading.language()
            direction = "rtl" if FACTS[language].right_to_left else "ltr"
            title = escape(said(REFUSED))
            body = (
                f'<!doctype html><html lang="{language.value}" dir="{direction}"><head><meta charset="utf-8">'
                f'<title>{title}</title><link rel="stylesheet" href="/static/onramp.css"></head><body>'
                f'<main class="page"><h1>{title}</h1><p>{escape(why)}</p></main></body></html>'
            ).encode()
            content_type = b"text/html; charset=utf-8"
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        if self.https:
            headers.append(HSTS)
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _replaying(body: bytes, then: Receive) -> Receive:
    """The body already read, once; then the connection's own messages (its disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive

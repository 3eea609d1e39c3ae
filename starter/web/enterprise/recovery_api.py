"""Account recovery as JSON, the twins of the "Forgot password?" pages (recovery_pages.py), under /api/admin in the
OpenAPI docs ("enterprise admin"):

- ``POST /api/admin/password-reset`` ``{email}``: 202 with the same answer whether or not an account has the
  address; a known address is mailed a link once the answer is out.
- ``GET /api/admin/password-reset/{token}``: whose password the link sets, and until when (it changes nothing).
- ``POST /api/admin/password-reset/{token}`` ``{new_password, new_password_confirmation}``: the new password; every
  session of the admin ends, so log in again (``POST /api/admin/login``).

No session is needed: asking is public and rate-limited like the login, and the link's token is the credential of
the other two (404 unknown, 410 used, replaced or expired).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response

from models.account_recovery import NewPassword, PasswordResetDone, ResetLinkView, ResetRequest, ResetRequested
from starter.services import password_recovery as recovery
from starter.web import params
from starter.web.access import PUBLIC
from starter.web.deps import AppSettings, Sessions
from starter.web.enterprise.cookies import client_address, forget_session_cookie
from starter.web.enterprise.recovery_link import ResetLink, sent_text
from starter.web.errors import ERROR_RESPONSES, ErrorBody
from starter.web.rate_limits import Limit, limited
from starter.web.reading import gettext

RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    404: {"model": ErrorBody, "description": "No such link: it is not one onramp sent."},
    410: {"model": ErrorBody, "description": "The link worked once: it was used, replaced by a newer one, or expired."},
}

router = APIRouter(prefix="/api/admin/password-reset", tags=["enterprise admin"], responses=RESPONSES)


@router.post(
    "",
    status_code=202,
    response_model=ResetRequested,
    summary="Forgot password: mail a link that sets a new one (the same answer whether or not the address is known)",
    dependencies=[PUBLIC, Depends(limited(Limit.LOGIN))],
)
async def ask_for_link(
    body: ResetRequest, sessions: Sessions, settings: AppSettings, background: BackgroundTasks
) -> ResetRequested:
    mail = await recovery.ask(sessions, settings, str(body.email))
    if mail is not None:
        background.add_task(mail.send, sessions, settings)
    return ResetRequested(message=sent_text(settings.password_reset_minutes))


@router.get(
    "/{token}",
    response_model=ResetLinkView,
    summary="Check a password reset link: whose password it sets, until when",
    dependencies=[Depends(limited(Limit.LINKS))],
)
async def link_state(token: params.Token, link: ResetLink) -> ResetLinkView:
    return ResetLinkView(username=link.email, expires_at=link.expires_at)


@router.post(
    "/{token}",
    response_model=PasswordResetDone,
    summary="Set a new password with the link (4-16 letters and digits, twice); every session of the admin ends",
    dependencies=[Depends(limited(Limit.LINKS))],
)
async def reset(
    token: params.Token,
    body: NewPassword,
    link: ResetLink,
    request: Request,
    response: Response,
    sessions: Sessions,
    settings: AppSettings,
) -> PasswordResetDone:
    done = await recovery.reset_password(
        sessions,
        settings,
        token,
        body.new_password.get_secret_value(),
        body.new_password_confirmation.get_secret_value(),
    )
    request.app.state.login_throttle.succeeded(client_address(request), done.email)
    forget_session_cookie(response, request)
    return PasswordResetDone(
        username=done.email, message=gettext("Your new password is set. Log in with it: every session has ended.")
    )

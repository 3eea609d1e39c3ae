"""The admin portal's way back in ("Forgot password?" on the login page):

    /admin/password-reset (the admin e-mail) → the mail's link /admin/password-reset/<token> (the new password
    twice) → /admin/login, with a notice

Asking answers the same page whether or not an account has the address, and its mail goes out after the answer
(starter/services/password_recovery.py says why). Opening the link changes nothing, so a mail scanner's GET does not
spend it; a link that no longer works is a page that says why, with the way to ask for a new one.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, Response

from models.account_recovery import NewPassword, ResetRequest
from starter.services import password_recovery as recovery
from starter.web.access import PUBLIC, on_page
from starter.web.deps import AppSettings, Sessions
from starter.web.enterprise.cookies import client_address, forget_session_cookie
from starter.web.enterprise.notices import redirect_with_notice
from starter.web.enterprise.recovery_link import REQUEST_PAGE, PageResetLink, gone_page, sent_text
from starter.web.forms import FormSpec, form_of, submit
from starter.web.guard import guarded
from starter.web.params import Token
from starter.web.portals import ADMIN
from starter.web.rate_limits import Limit, limited
from starter.web.reading import gettext

router = APIRouter(include_in_schema=False)

REQUEST_FORM = FormSpec(fields=("email",))
NEW_PASSWORD_FORM = FormSpec(fields=("new_password", "new_password_confirmation"))


@router.get(REQUEST_PAGE, response_class=HTMLResponse, dependencies=[PUBLIC])
@guarded(ADMIN)
async def request_page(request: Request) -> Response:
    return _request_form()


@router.post(
    REQUEST_PAGE, response_class=HTMLResponse, dependencies=[PUBLIC, Depends(on_page(ADMIN, limited(Limit.LOGIN)))]
)
@guarded(ADMIN)
async def ask_for_link(
    request: Request, sessions: Sessions, settings: AppSettings, background: BackgroundTasks
) -> Response:
    """The same page for every address; a known one's mail is sent once this answer is out."""
    form = await form_of(request)
    values = {"email": form.get("email", "")}

    async def ask(wanted: ResetRequest) -> Response:
        mail = await recovery.ask(sessions, settings, str(wanted.email))
        if mail is not None:
            background.add_task(mail.send, sessions, settings)
        return ADMIN.message(
            gettext("Check your e-mail"),
            sent_text(settings.password_reset_minutes),
            link=("/admin/login", gettext("Back to the login page")),
        )

    answer = await submit(
        REQUEST_FORM,
        lambda: ResetRequest.model_validate(values),
        ask,
        lambda errors, top, status: _request_form(status, values, errors, top),
    )
    return answer


@router.get(
    REQUEST_PAGE + "/{token}",
    response_class=HTMLResponse,
    dependencies=[Depends(on_page(ADMIN, limited(Limit.LINKS)))],
)
@guarded(ADMIN)
async def new_password_page(token: Token, link: PageResetLink, request: Request) -> Response:
    """Only the form: a GET of the link changes nothing."""
    return _new_password_form(token, link)


@router.post(
    REQUEST_PAGE + "/{token}",
    response_class=HTMLResponse,
    dependencies=[Depends(on_page(ADMIN, limited(Limit.LINKS)))],
)
@guarded(ADMIN)
async def set_new_password(
    token: Token, link: PageResetLink, request: Request, sessions: Sessions, settings: AppSettings
) -> Response:
    form = await form_of(request)
    values = {name: form.get(name, "") for name in NEW_PASSWORD_FORM.fields}

    async def reset(chosen: NewPassword) -> Response:
        try:
            done = await recovery.reset_password(
                sessions,
                settings,
                token,
                chosen.new_password.get_secret_value(),
                chosen.new_password_confirmation.get_secret_value(),
            )
        except (recovery.ResetLinkUnknown, recovery.ResetLinkGone) as err:  # used meanwhile, in another tab
            return gone_page(err)
        request.app.state.login_throttle.succeeded(client_address(request), done.email)
        answer = redirect_with_notice("/admin/login", "reset")
        forget_session_cookie(answer, request)  # every session has ended, this browser's too
        return answer

    return await submit(
        NEW_PASSWORD_FORM,
        lambda: NewPassword.model_validate(values),
        reset,
        lambda errors, top, status: _new_password_form(token, link, status, errors, top),
    )


def _request_form(
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> HTMLResponse:
    return ADMIN.render(
        "enterprise/password_reset.html",
        status,
        title=gettext("Forgot your password?"),
        values=values or {},
        errors=errors or {},
        error=error,
    )


def _new_password_form(
    token: str,
    link: recovery.ResetLink,
    status: int = 200,
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> HTMLResponse:
    """The passwords are never written back into the page."""
    return ADMIN.render(
        "enterprise/password_reset_new.html",
        status,
        title=gettext("Set a new password"),
        reset=link,
        action=f"{REQUEST_PAGE}/{quote(token)}",
        errors=errors or {},
        error=error,
    )

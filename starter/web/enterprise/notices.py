"""The sentence a portal page shows on top after a form succeeded (Post/Redirect/Get): the redirect carries only a
key and who it was about, so a link cannot make the portal say anything else."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

from starter.web.reading import gettext
from starter.web.rendering import redirect
from translations import N_

HOME = "/admin"
"""The portal's first page, where most notices are shown."""
NOTICES = {
    "password": N_("Your password has been changed."),
    "company": N_("Your information has been saved."),
    "preferences": N_("Your language and the account's time zone have been saved."),
    "billing_contact": N_("The billing contact is now %(who)s: the receipts of new orders go there."),
    "username": N_("Your information has been saved. Your username is now %(who)s."),
    "created": N_("The account for %(who)s is open, and the invitation is on its way."),
    "reinvited": N_("The invitation was sent again to %(who)s."),
    "removed": N_("%(who)s: removed. The license is back in the product list."),
    "bye": N_("You have logged out."),
    "reset": N_("Your new password is set, and every session of your account has ended. Log in with it."),
}
WHO_SHOWN = 500
"""At most this much of ``who`` is shown: the query string is the browser's, not ours."""


def redirect_with_notice(path: str, notice: str, who: str | None = None) -> RedirectResponse:
    return redirect(path, {"notice": notice, **({"who": who} if who else {})})


def notice_text(request: Request) -> str | None:
    """The notice the redirect asked for, or None for none (or an unknown key)."""
    template = NOTICES.get(request.query_params.get("notice", ""))
    if template is None:
        return None
    return gettext(template, who=request.query_params.get("who", "")[:WHO_SHOWN])

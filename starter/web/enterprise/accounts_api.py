"""Billing accounts over HTTP: create one (the admin gets a welcome e-mail), read one, send a new welcome."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from models.accounts import CompanyInfo, NewAccount, SubscriptionLine, no_account
from models.refusals import Refusal
from starter.errors import NotFound
from starter.services import accounts
from starter.web import params
from starter.web.access import AccountsAdmin
from starter.web.audit import identify
from starter.web.deps import AppSettings, Sessions
from starter.web.errors import ERROR_RESPONSES
from store import SessionFactory
from store import accounts as store
from store.tables import Account

router = APIRouter(prefix="/api/accounts", tags=["accounts"], responses=ERROR_RESPONSES)


class AccountView(BaseModel):
    account_no: str
    company: CompanyInfo
    billing_contact_email: str
    self_service: bool
    payment_method: str
    subscriptions: list[SubscriptionLine]


@router.post("", status_code=201, response_model=AccountView, summary="Create a billing account and its admin")
async def create(
    account: NewAccount,
    request: Request,
    response: Response,
    caller: AccountsAdmin,
    sessions: Sessions,
    settings: AppSettings,
) -> AccountView:
    """201 with the new account. The same request again (a retry) answers 200 with the account it made; another
    request for the number is a 409. The welcome mail is sent now, or by the worker once SMTP answers."""
    identify(request.scope, caller.actor, account.account_no)
    if not await accounts.create_account(sessions, settings, account):
        response.status_code = 200
    return await _view(sessions, account.account_no)


class WelcomeSent(BaseModel):
    account_no: str
    sent_to: str


@router.post(
    "/{account_no}/welcome", response_model=WelcomeSent, summary="Send the admin a new first password (a new welcome)"
)
async def resend_welcome(
    account_no: params.AccountNo, request: Request, caller: AccountsAdmin, sessions: Sessions, settings: AppSettings
) -> WelcomeSent:
    identify(request.scope, caller.actor, account_no)
    return WelcomeSent(account_no=account_no, sent_to=await accounts.resend_welcome(sessions, settings, account_no))


@router.get("/{account_no}", response_model=AccountView, summary="A billing account with its seats")
async def read(account_no: params.AccountNo, caller: AccountsAdmin, sessions: Sessions) -> AccountView:
    return await _view(sessions, account_no)


async def _view(sessions: SessionFactory, account_no: params.AccountNo) -> AccountView:
    async with sessions() as session:
        account = await session.get(Account, account_no)
        company = await store.company_info(session, account_no)
        if account is None or company is None:
            raise NotFound(no_account(account_no), type=Refusal.NOT_FOUND)
        return AccountView(
            account_no=account.account_no,
            company=company,
            billing_contact_email=account.billing_contact_email,
            self_service=account.self_service,
            payment_method=account.payment_method,
            subscriptions=await store.subscriptions(session, account_no),
        )

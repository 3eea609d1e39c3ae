"""Joining an existing customer organization needs its administrator (issue 11), on PartnerOrderWorkflow:

  the organization step picks an organization the finder proposed by company name or e-mail domain
  → the submit asks that organization's administrator by e-mail (a confirmation link), and the order waits
    (awaiting_org_confirmation), with a reminder a day later and the order's normal escalation and closing
  → confirmed: the order is set up as the submit would have set it up; refused: the wizard starts again.

The organization an address already administers (the finder's exact match) is joined as before, without asking.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows import patches
from workflows.wizard_steps import WizardSteps, invalid

with workflow.unsafe.imports_passed_through():
    from models.common import Recipient
    from models.mail import ActivationLinkRequest
    from models.partner_order import PartnerOrderStatus
    from models.refusals import Refusal, because, refuse, refused_reason
    from models.seed_rules import JOIN_REMINDER_HOURS
    from models.wizard import CustomerOrgStep, JoinAnswer, JoinDecision, OrgJoin, WizardSession, WizardView
    from models.wizard_activities import (
        FIND_ORG_ADMINISTRATOR_ACTIVITY,
        FindOrgAdministrator,
        OrgAdministrator,
        SetUpOrder,
    )

ORG_JOIN = "org-join-confirmation"
"""The patch: orders that passed their organization step before it joined a found organization without asking."""
JOIN_REQUEST, JOIN_REMINDER, JOIN_DECIDED = "org_join_request", "org_join_reminder", "org_join_decided"


class OrgJoinSteps(WizardSteps):
    # Provided by OrderSetup: what the submit saves, once it may.
    async def _commit_setup(self, request: SetUpOrder) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ the organization step: whom to ask

    async def _administrator_to_ask(self, request: CustomerOrgStep) -> OrgAdministrator | None:
        """For an organization the finder proposed by name or domain, the administrator who must confirm."""
        if request.decision != "use_existing" or not patches.patched(ORG_JOIN):
            return None
        chosen = next(m for m in self._wizard.answers.customer_org_matches if m.id == request.org_id)
        if chosen.match == "admin_email":
            return None  # the address already administers it
        administrator: OrgAdministrator | None = await self._activity(
            FIND_ORG_ADMINISTRATOR_ACTIVITY, FindOrgAdministrator(org_id=chosen.id), OrgAdministrator, local=True
        )
        if administrator is None:
            raise invalid(
                because(
                    "'%(org)s' has no administrator who could confirm a new one: create a new organization for "
                    "the customer instead.",
                    org=chosen.name,
                ),
                "org_id",
            )
        return administrator

    # ------------------------------------------------------------------ the submit: ask, and wait

    async def _ask_to_join(self, session: WizardSession, request: SetUpOrder) -> WizardView:
        administrator = self._wizard.answers.join_administrator
        assert administrator is not None
        join = OrgJoin(
            org_id=request.customer_org_id,
            org_name=administrator.org_name,
            administrator=administrator.email,
            administrator_language=administrator.language,
            requested_by=session.email,
            requested_at=workflow.now(),
            set_up=request,
        )
        self._wizard.join = join
        self._queue_join_mail(JOIN_REQUEST, "org_join_request")
        self._end_session()
        await self._change_status(
            PartnerOrderStatus.AWAITING_ORG_CONFIRMATION,
            f"asked the administrator of '{join.org_name}' to confirm {request.customer_admin_email} joining it",
        )
        return self._view(
            because(
                "'%(org)s' already exists, so its administrator decides whether %(email)s may join it. We asked "
                "them by e-mail; you get an e-mail when they have decided.",
                org=join.org_name,
                email=str(request.customer_admin_email),
            )
        )

    def _queue_join_mail(self, purpose: str, template: str) -> None:
        join = self._wizard.join
        assert join is not None
        link = ActivationLinkRequest(
            purpose="org_join", workflow_id=workflow.info().workflow_id, expires_at=self._state.closes_at
        )
        self._queue_mail(
            purpose,
            Recipient(email=join.administrator, language=join.administrator_language),
            template,
            activation_link=link,
            extra=self._join_context(join),
        )

    @staticmethod
    def _join_context(join: OrgJoin) -> dict[str, object]:
        return {
            "org_name": join.org_name,
            "joining_email": str(join.set_up.customer_admin_email),
            "requested_by": str(join.requested_by),
            "decided": join.decided,
        }

    # ------------------------------------------------------------------ the administrator decides

    @workflow.update
    async def decide_join(self, request: JoinDecision) -> JoinAnswer:
        join = self._wizard.join
        assert join is not None
        join.decided = "confirmed" if request.decision == "confirm" else "refused"
        join.decided_at = workflow.now()
        if join.decided == "confirmed":
            try:
                await self._commit_setup(join.set_up)
            except ApplicationError as lost:  # the address took another organization meanwhile
                join.decided = "refused"
                await self._start_again(f"the join could not be saved: {lost.message}")
                return JoinAnswer(decided="refused", message=lost.message, reason=refused_reason(lost))
            self._wizard.step = self._next_service_step()
        else:
            await self._start_again(f"the administrator of '{join.org_name}' refused the join")
        self._queue_mail(
            JOIN_DECIDED, self._recipient(str(join.requested_by)), "org_join_decided", extra=self._join_context(join)
        )
        return JoinAnswer(decided=join.decided, message=_decided_message(join))

    @decide_join.validator
    def _validate_decide_join(self, request: JoinDecision) -> None:
        join = self._wizard.join
        if self._state.status is not PartnerOrderStatus.AWAITING_ORG_CONFIRMATION or join is None or join.decided:
            raise refuse(
                Refusal.ORDER_STATE_CONFLICT, because("This request has been decided already, or was withdrawn.")
            )

    async def _start_again(self, why: str) -> None:
        self._discard_answers()
        await self._change_status(PartnerOrderStatus.AWAITING_SETUP, f"{why}: the wizard starts again")

    # ------------------------------------------------------------------ the reminder (the watch loop's)

    def join_reminder_at(self) -> datetime | None:
        join = self._wizard.join
        if self._state.status is not PartnerOrderStatus.AWAITING_ORG_CONFIRMATION or join is None:
            return None
        if join.reminded_at is not None or join.decided:
            return None
        return join.requested_at + timedelta(hours=JOIN_REMINDER_HOURS)

    def remind_join_if_due(self, now: datetime) -> None:
        due = self.join_reminder_at()
        if due is None or now < due:
            return
        join = self._wizard.join
        assert join is not None
        join.reminded_at = now
        self._note("mail", f"reminded the administrator of '{join.org_name}' of the request to join")
        self._queue_join_mail(JOIN_REMINDER, "org_join_reminder")


def _decided_message(join: OrgJoin) -> str:
    if join.decided == "confirmed":
        return f"Thank you: {join.set_up.customer_admin_email} joins '{join.org_name}', and the setup goes on."
    return f"Thank you: {join.set_up.customer_admin_email} does not join '{join.org_name}'."

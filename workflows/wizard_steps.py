"""What every step of the Set Up Now wizard shares (seeds 001/003): its session, its checks, moving on, and the
activities a step runs. The steps themselves are workflows/setup_wizard.py (up to the submit) and
workflows/service_setup.py (after it); where the wizard may go is models/wizard_navigation.py.

Every step names its wizard session: a second tab, a stale page or an expired session is told so, never mixed in.
Before the submit nothing is kept: leaving, or an idle session expiring, throws the answers away.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from workflows import activity_calls
from workflows.activity_calls import DB_RETRY

with workflow.unsafe.imports_passed_through():
    from models import wizard_navigation as navigation
    from models import wizard_rules as rules
    from models.common import Recipient
    from models.mail import ActivationLinkRequest, MailQueued, SetupLinkRequest
    from models.partner_order import (
        BEFORE_SET_UP,
        PartnerOrderInput,
        PartnerOrderState,
        PartnerOrderStatus,
        TimelineKind,
    )
    from models.refusals import Reason, Refusal, because, passed_on, refuse
    from models.wizard import (
        BEFORE_SUBMIT_STEPS,
        STEP_TITLES,
        SetupRecord,
        StepInput,
        WizardAnswers,
        WizardSession,
        WizardState,
        WizardStep,
        WizardView,
    )


def wrong_step(reason: Reason) -> ApplicationError:
    """Not the step the wizard is at, or not in this order's state (HTTP 409)."""
    return refuse(Refusal.WIZARD_STEP_CONFLICT, reason)


def invalid(reason: Reason, field: str | None = None) -> ApplicationError:
    """The input breaks the step's rule (HTTP 422, next to ``field``)."""
    return refuse(Refusal.INVALID_STEP, reason, field)


class WizardSteps:
    """Mixed into PartnerOrderWorkflow, which provides the order, its state, e-mail and persistence."""

    _order: PartnerOrderInput
    _state: PartnerOrderState
    _submitting: bool

    # Provided by PartnerOrderWorkflow.
    def _note(self, kind: TimelineKind, text: str) -> None:
        raise NotImplementedError

    def _queue_mail(
        self,
        purpose: str,
        recipient: Recipient,
        template: str,
        setup_link: SetupLinkRequest | None = None,
        activation_link: ActivationLinkRequest | None = None,
        extra: dict[str, object] | None = None,
    ) -> MailQueued:
        raise NotImplementedError

    async def _change_status(self, status: PartnerOrderStatus, text: str) -> None:
        raise NotImplementedError

    async def _save(self) -> None:
        raise NotImplementedError

    async def _hand_over(self, email: str) -> None:
        raise NotImplementedError

    def _queue_customer_set_up_now_mail(self) -> MailQueued:
        raise NotImplementedError

    def _wake_watch(self) -> None:
        raise NotImplementedError

    @property
    def _wizard(self) -> WizardState:
        return self._state.wizard

    def _recipient(self, email: str) -> Recipient:
        """Everyone the partner order writes to works in the order's market, so reads the order's language (the
        provisioning contact's, as Commerce Workspace sends it): the colleague a setup is handed to, the
        customer's administrator, the partner-side wizard user."""
        return Recipient(email=email, language=self._order.language)

    # ------------------------------------------------------------------ checks (validators) and moving on (handlers)

    def _check(self, request: StepInput, step: WizardStep) -> None:
        """The validator part every step shares: right session, right order state, the step is open."""
        self._require_session(request)
        refusal = navigation.step_refusal(self._state, step)
        if refusal is not None:
            raise wrong_step(refusal)

    def _require_session(self, request: StepInput) -> WizardSession:
        minutes = self._order.policy.wizard_idle_minutes
        refusal = rules.session_refusal(self._wizard, request.session_id, workflow.now(), minutes)
        if refusal is not None:
            raise refuse(Refusal.WIZARD_SESSION_INVALID, refusal)
        return self._session()

    def _session(self) -> WizardSession:
        session = self._wizard.session
        if session is None:
            raise refuse(Refusal.WIZARD_SESSION_INVALID, rules.SESSION_ENDED)
        return session

    def _begin(self, request: StepInput, step: WizardStep) -> None:
        """The handler part every step shares: the session stays alive, redoing a step forgets what came after."""
        session = self._session()
        now = workflow.now()
        session.last_active_at = now
        session.expires_at = now + self._idle_limit()
        if step in BEFORE_SUBMIT_STEPS and step is not self._wizard.step:
            navigation.forget_after(self._wizard.answers, step)
        self._wizard.step = step

    def _advance(self, done: WizardStep, next_step: WizardStep, text: str) -> WizardView:
        self._wizard.step = next_step
        self._wizard.steps_taken += 1
        self._note("wizard", f"{STEP_TITLES[done]}: {text}")
        return self._view()

    def _view(self, message: Reason | None = None) -> WizardView:
        """Where the wizard is, and what the step did (as a reason: a page says it in its reader's language)."""
        session = self._wizard.session
        return WizardView(
            session_id=session.id if session else None,
            step=self._wizard.step,
            message=message.english() if message else None,
            said=message,
            state=self._wizard,
        )

    def _next_service_step(self) -> WizardStep:
        return navigation.next_service_step(self._state)

    def _setup_record(self) -> SetupRecord:
        if self._wizard.setup is None:
            raise wrong_step(because("The order is not set up yet."))
        return self._wizard.setup

    def _service_names(self) -> list[str]:
        return [service.value for service in self._state.purchased_services]

    # ------------------------------------------------------------------ the session's life

    def _discard_answers(self) -> None:
        self._wizard.answers = WizardAnswers()
        self._wizard.step = WizardStep.ROLE

    def _end_session(self) -> None:
        self._wizard.session = None

    def _idle_limit(self) -> timedelta:
        return timedelta(minutes=self._order.policy.wizard_idle_minutes)

    def wizard_deadline(self) -> datetime | None:
        """When the open session expires (the watch loop wakes then to throw away unsaved answers)."""
        session = self._wizard.session
        return session.expires_at if session else None

    def expire_idle_session(self, now: datetime) -> None:
        session = self._wizard.session
        if session is None or now < session.expires_at:
            return
        before = self._state.status in BEFORE_SET_UP
        self._note(
            "wizard",
            f"the wizard session of {session.email} expired after {self._order.policy.wizard_idle_minutes} "
            "idle minutes" + (": nothing entered was kept" if before else ""),
        )
        if before:
            self._discard_answers()
        self._wizard.expired_session_id = session.id
        self._end_session()

    async def _halt(self, what: str) -> WizardView:
        """'I don't recognise this organization': stop, and the account representative steps in."""
        self._note("wizard", f"{self._session().email} did not recognise {what}")
        self._queue_mail("halted", Recipient(email=self._state.account_representative_email), "halted_representative")
        await self._change_status(PartnerOrderStatus.HALTED, f"setup stopped: the partner did not recognise {what}")
        self._end_session()
        return self._view(
            because(
                "The setup has stopped. Please contact your Cisco account representative, %(email)s, who has been "
                "told and will help you.",
                email=str(self._state.account_representative_email),
            )
        )

    # ------------------------------------------------------------------ activities

    async def _activity(self, name: str, arg: Any, result_type: Any, local: bool = False) -> Any:
        """Run an activity for a step; its business refusal (non-retryable) comes back as the step's answer.

        ``local``: a short read (the organization finder) runs as a local activity, in the worker that runs the
        step, without a round trip through the server - a person is waiting for the next page."""
        try:
            if local:
                return await workflow.execute_local_activity(
                    name,
                    arg,
                    result_type=result_type,
                    start_to_close_timeout=timedelta(seconds=10),
                    retry_policy=DB_RETRY,
                )
            return await activity_calls.run(name, arg, result_type)
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError):
                raise passed_on(cause, Refusal.SETUP_CONFLICT) from None
            raise

"""The Set Up Now wizard (seeds 001/003, steps 3-11), as Updates on PartnerOrderWorkflow.

The steps, in the seed's order:
  open the link → role ("I am a partner") → who sets up → partner organization → customer administrator
  → customer organization → review and submit (the order is set up: the point of no return)
  → partner password (new partner organization) → subscription details → calling → meetings → company settings
  → provision and start billing.

Every step names its wizard session: a second tab, a stale page or an expired session is told so, never mixed in.
Before the submit nothing is kept: leaving, or an idle session expiring, throws the answers away.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.common import Recipient
    from models.mail import SetupLinkRequest
    from models.partner_order import (
        BEFORE_SET_UP,
        MailQueued,
        PartnerOrderInput,
        PartnerOrderState,
        PartnerOrderStatus,
        Service,
        TimelineKind,
    )
    from models.wizard import (
        BEFORE_SUBMIT_STEPS,
        CHECK_CUSTOMER_ADMIN_ACTIVITY,
        CLAIM_SUBDOMAIN_ACTIVITY,
        FIND_PARTNER_ORG_ACTIVITY,
        PROVISION_ORDER_ACTIVITY,
        SAVE_ORG_SETTINGS_ACTIVITY,
        SET_UP_ORDER_ACTIVITY,
        STEP_TITLES,
        CallingStep,
        CheckCustomerAdmin,
        ClaimSubdomain,
        CompanyStep,
        CustomerAdminCheck,
        CustomerAdminStep,
        CustomerOrgStep,
        FindPartnerOrg,
        FoundOrg,
        LeaveStep,
        MeetingStep,
        OpenSession,
        PartnerOrgStep,
        PasswordSetStep,
        Provisioned,
        ProvisionOrder,
        ProvisionStep,
        RoleStep,
        SaveOrgSettings,
        SetupByStep,
        SetUpOrder,
        SetupRecord,
        StepInput,
        SubmitStep,
        SubscriptionStep,
        WizardAnswers,
        WizardSession,
        WizardState,
        WizardStep,
        WizardView,
    )

# ApplicationError types (the API maps them to HTTP statuses: see starter/workflow_calls.py).
INVALID = "InvalidStep"  # 422: the input breaks a rule
WRONG_STEP = "WizardStepConflict"  # 409: not the step the wizard is at, or not this order's state
SESSION = "WizardSessionInvalid"  # 409: another tab took over, or the session expired
CONFLICT = "SetupConflict"  # 409: another order won a race

ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
SESSION_IDLE = timedelta(minutes=30)


def refuse(message: str, kind: str = INVALID, field: str | None = None) -> ApplicationError:
    return ApplicationError(message, *([field] if field else []), type=kind, non_retryable=True)


class SetupWizard:
    """Mixed into PartnerOrderWorkflow, which provides the order, its state, e-mail and persistence."""

    _order: PartnerOrderInput
    _state: PartnerOrderState
    _submitting: bool

    # Provided by PartnerOrderWorkflow.
    def _note(self, kind: TimelineKind, text: str) -> None:
        raise NotImplementedError

    def _queue_mail(
        self, purpose: str, recipient: Recipient, template: str, setup_link: SetupLinkRequest | None = None
    ) -> MailQueued:
        raise NotImplementedError

    async def _change_status(self, status: PartnerOrderStatus, text: str) -> None:
        raise NotImplementedError

    async def _save(self) -> None:
        raise NotImplementedError

    async def _hand_over(self, email: str) -> None:
        raise NotImplementedError

    def _wake_watch(self) -> None:
        raise NotImplementedError

    @property
    def _wizard(self) -> WizardState:
        return self._state.wizard

    # ------------------------------------------------------------------ 1. the link opens a session

    @workflow.update
    async def open_session(self, request: OpenSession) -> WizardView:
        wizard = self._wizard
        now = workflow.now()
        if self._state.status in BEFORE_SET_UP:
            self._discard_answers()  # the link starts the wizard again
        wizard.session = WizardSession(
            id=str(workflow.uuid4()),
            audience=request.audience,
            email=request.email,
            opened_at=now,
            last_active_at=now,
            expires_at=now + self._idle_limit(),
        )
        self._note("wizard", f"{request.email} opened the setup wizard ({request.audience} link)")
        self._wake_watch()  # the session's expiry is a deadline
        return self._view()

    @open_session.validator
    def _validate_open_session(self, request: OpenSession) -> None:
        status = self._state.status
        if status not in (PartnerOrderStatus.AWAITING_SETUP, PartnerOrderStatus.SET_UP):
            reasons = {
                PartnerOrderStatus.AWAITING_START_DATE: "the order's start date has not come yet",
                PartnerOrderStatus.PROVISIONED: "the order is already provisioned",
                PartnerOrderStatus.CLOSED: "the order line is closed",
                PartnerOrderStatus.HALTED: "the setup was stopped; contact your Cisco account representative",
            }
            raise refuse(f"This link cannot be used: {reasons[status]}.", WRONG_STEP)

    # ------------------------------------------------------------------ 2. role

    @workflow.update
    async def choose_role(self, request: RoleStep) -> WizardView:
        self._begin(request, WizardStep.ROLE)
        answers = self._wizard.answers
        answers.role = request.role
        if request.role == "customer":
            await self._check_customer_admin(str(self._session().email))
            return self._advance(WizardStep.ROLE, WizardStep.CUSTOMER_ORG, "I am the customer")
        return self._advance(WizardStep.ROLE, WizardStep.SETUP_BY, "I am a partner")

    @choose_role.validator
    def _validate_role(self, request: RoleStep) -> None:
        self._check(request, WizardStep.ROLE)
        audience = self._session().audience
        if audience == "customer" and request.role == "partner":
            raise refuse("This link was sent to the customer's administrator: continue as the customer.", field="role")
        if audience == "partner" and request.role == "customer":
            raise refuse(
                "This link was sent to the partner's provisioning contact. If the customer should set up, "
                "choose 'I am a partner' and then 'The customer will set up'.",
                field="role",
            )

    # ------------------------------------------------------------------ 3. who sets up

    @workflow.update
    async def choose_setup_by(self, request: SetupByStep) -> WizardView:
        self._begin(request, WizardStep.SETUP_BY)
        wizard = self._wizard
        if request.who == "me":
            wizard.answers.setup_by = "me"
            wizard.setup_by, wizard.setup_by_email = "me", self._session().email
            wizard.answers.partner_org_found = await self._activity(
                FIND_PARTNER_ORG_ACTIVITY,
                FindPartnerOrg(email=self._session().email, partner_name=self._state.partner_name),
                FoundOrg,
                local=True,
            )
            return self._advance(WizardStep.SETUP_BY, WizardStep.PARTNER_ORG, "I will set up")
        if request.email is None:  # the model requires it; kept for the type checker
            raise refuse("Enter an e-mail address.", field="email")
        if request.who == "colleague":
            return await self._delegate_to_colleague(str(request.email))
        return await self._delegate_to_customer(str(request.email))

    @choose_setup_by.validator
    def _validate_setup_by(self, request: SetupByStep) -> None:
        self._check(request, WizardStep.SETUP_BY)
        if request.who == "colleague" and request.email == self._session().email:
            raise refuse("That is your own address: choose 'Yes, I will set up' instead.", field="email")

    async def _delegate_to_colleague(self, email: str) -> WizardView:
        wizard = self._wizard
        wizard.setup_by, wizard.setup_by_email = "colleague", email
        self._note("wizard", f"{self._session().email} handed the setup to a colleague, {email}")
        self._end_session()
        await self._hand_over(email)  # the colleague becomes the provisioning contact: earlier links stop working
        return self._view(f"We sent a Set Up Now link to {email}. Your link no longer works.")

    async def _delegate_to_customer(self, email: str) -> WizardView:
        check = await self._check_customer_admin(email)
        if check.refusal:
            raise refuse(check.refusal, field="email")
        wizard = self._wizard
        wizard.setup_by, wizard.setup_by_email = "customer", email
        wizard.partner_access = False
        self._state.contact_generation += 1  # the partner's links stop working
        self._note(
            "wizard",
            f"{self._session().email} left the setup to the customer's administrator, {email}: "
            "the partner has no access to manage the customer's organization",
        )
        link = SetupLinkRequest(
            order_id=self._order.order_id,
            contact_generation=self._state.contact_generation,
            expires_at=self._state.closes_at,
            audience="customer",
        )
        self._queue_mail("set_up_now_customer", Recipient(email=email), "set_up_now_customer", setup_link=link)
        self._end_session()
        await self._save()
        return self._view(
            f"We sent a Set Up Now link to the customer's administrator, {email}. "
            "From now on only the customer can manage the customer's organization."
        )

    # ------------------------------------------------------------------ 4. partner organization

    @workflow.update
    async def partner_org(self, request: PartnerOrgStep) -> WizardView:
        self._begin(request, WizardStep.PARTNER_ORG)
        answers = self._wizard.answers
        if request.decision == "not_recognised":
            return await self._halt("the partner organization")
        if request.decision == "use_existing":
            answers.partner_org_id, answers.new_partner_org = request.org_id, None
            done = "confirmed the existing partner organization"
        else:
            answers.partner_org_id, answers.new_partner_org = str(workflow.uuid4()), request.details
            done = "entered a new partner organization"
        return self._advance(WizardStep.PARTNER_ORG, WizardStep.CUSTOMER_ADMIN, done)

    @partner_org.validator
    def _validate_partner_org(self, request: PartnerOrgStep) -> None:
        self._check(request, WizardStep.PARTNER_ORG)
        found = self._wizard.answers.partner_org_found
        if found is None and request.decision != "create":
            raise refuse("This is your first order: enter your partner organization's details to create it.")
        if found is not None and request.decision == "create":
            raise refuse(
                f"Your partner organization '{found.name}' already exists: review it, or say you don't recognise it."
            )
        if request.decision == "use_existing" and (found is None or request.org_id != found.id):
            raise refuse("Choose the partner organization shown.", field="org_id")

    # ------------------------------------------------------------------ 5. customer administrator

    @workflow.update
    async def customer_admin(self, request: CustomerAdminStep) -> WizardView:
        self._begin(request, WizardStep.CUSTOMER_ADMIN)
        check = await self._check_customer_admin(str(request.email))
        if check.refusal:
            raise refuse(check.refusal, field="email")
        self._wizard.answers.customer_admin_email = request.email
        return self._advance(
            WizardStep.CUSTOMER_ADMIN, WizardStep.CUSTOMER_ORG, f"customer administrator {request.email}"
        )

    @customer_admin.validator
    def _validate_customer_admin(self, request: CustomerAdminStep) -> None:
        self._check(request, WizardStep.CUSTOMER_ADMIN)
        if request.email == self._session().email:
            raise refuse(
                "That is your own address, and you belong to the partner organization: a user can belong to one "
                "Webex organization only. Enter the customer administrator's address.",
                field="email",
            )

    async def _check_customer_admin(self, email: str) -> CustomerAdminCheck:
        check: CustomerAdminCheck = await self._activity(
            CHECK_CUSTOMER_ADMIN_ACTIVITY,
            CheckCustomerAdmin(email=email, customer_name=self._state.customer_name),
            CustomerAdminCheck,
            local=True,
        )
        answers = self._wizard.answers
        answers.customer_org_matches = check.matches
        if self._session().audience == "customer":
            answers.customer_admin_email = email
            if check.refusal:
                raise refuse(check.refusal, field="email")
        return check

    # ------------------------------------------------------------------ 6. customer organization

    @workflow.update
    async def customer_org(self, request: CustomerOrgStep) -> WizardView:
        self._begin(request, WizardStep.CUSTOMER_ORG)
        answers = self._wizard.answers
        if request.decision == "not_recognised":
            return await self._halt("the customer organization")
        if request.decision == "use_existing":
            answers.customer_org_id, answers.new_customer_org = request.org_id, None
            done = "verified the existing customer organization"
        else:
            answers.customer_org_id, answers.new_customer_org = str(workflow.uuid4()), request.details
            done = "confirmed a new customer organization"
        return self._advance(WizardStep.CUSTOMER_ORG, WizardStep.REVIEW, done)

    @customer_org.validator
    def _validate_customer_org(self, request: CustomerOrgStep) -> None:
        self._check(request, WizardStep.CUSTOMER_ORG)
        matches = self._wizard.answers.customer_org_matches
        administered = [m for m in matches if m.match == "admin_email"]
        if request.decision == "use_existing" and request.org_id not in {m.id for m in matches}:
            raise refuse("Choose one of the organizations shown, or create a new one.", field="org_id")
        if request.decision == "create" and administered:
            raise refuse(
                f"{self._wizard.answers.customer_admin_email} already administers '{administered[0].name}': "
                "verify that organization (a user can belong to one organization only).",
            )
        if request.decision == "not_recognised" and not matches:
            raise refuse("There is no organization to recognise: create the customer's organization.")

    # ------------------------------------------------------------------ 7. review and submit: set up

    @workflow.update
    async def submit(self, request: SubmitStep) -> WizardView:
        self._begin(request, WizardStep.REVIEW)
        self._submitting = True
        try:
            return await self._set_up()
        finally:
            self._submitting = False

    @submit.validator
    def _validate_submit(self, request: SubmitStep) -> None:
        if self._submitting:
            raise refuse("Your order is being submitted already; wait a moment.", WRONG_STEP)
        self._check(request, WizardStep.REVIEW)

    async def _set_up(self) -> WizardView:
        wizard, answers, session = self._wizard, self._wizard.answers, self._session()
        partner_side = session.audience == "partner"
        partner_org_id = answers.partner_org_id if partner_side else await self._partners_own_org()
        customer_org_id = answers.customer_org_id
        admin = answers.customer_admin_email
        if customer_org_id is None or admin is None:
            raise refuse("Some earlier answers are missing: go back to the customer organization step.", WRONG_STEP)
        request = SetUpOrder(
            order_id=self._order.order_id,
            partner_org_id=partner_org_id,
            new_partner_org=answers.new_partner_org,
            partner_admin_email=session.email if partner_side and answers.new_partner_org else None,
            customer_org_id=customer_org_id,
            new_customer_org=answers.new_customer_org,
            customer_admin_email=admin,
            partner_access=wizard.partner_access,
            set_up_by=session.email,
        )
        if not partner_side:
            request.new_partner_org = None  # the customer's path keeps the partner as ordered
        try:
            await self._activity(SET_UP_ORDER_ACTIVITY, request, bool)
        except ApplicationError as lost:  # another order took the administrator's address a moment ago
            answers.customer_org_matches = []
            answers.customer_org_id = answers.new_customer_org = None
            if partner_side:
                answers.customer_admin_email = None
                wizard.step = WizardStep.CUSTOMER_ADMIN
            else:  # the address is the link's own: the role step checks it again and says what to do
                wizard.step = WizardStep.ROLE
            raise refuse(lost.message, CONFLICT, field="email") from None
        wizard.setup = SetupRecord(
            partner_org_id=partner_org_id,
            customer_org_id=customer_org_id,
            partner_org_created=request.new_partner_org is not None,
            customer_org_created=answers.new_customer_org is not None,
            customer_admin_email=admin,
            partner_access=wizard.partner_access,
            set_up_by=session.email,
            set_up_at=workflow.now(),
        )
        wizard.services.password_required = request.new_partner_org is not None
        await self._change_status(PartnerOrderStatus.SET_UP, f"order set up by {session.email}")
        return self._advance(WizardStep.REVIEW, self._next_service_step(), "submitted: your order was set up")

    async def _partners_own_org(self) -> str | None:
        """On the customer's path the partner never reached step 4: map the order to the partner's existing
        organization when there is one (the partner still has no access to manage the customer's)."""
        found: FoundOrg | None = await self._activity(
            FIND_PARTNER_ORG_ACTIVITY,
            FindPartnerOrg(email=self._state.provisioning_contact_email, partner_name=self._state.partner_name),
            FoundOrg,
            local=True,
        )
        return found.id if found else None

    # ------------------------------------------------------------------ 8. partner password

    @workflow.update
    async def password_set(self, request: PasswordSetStep) -> WizardView:
        self._begin(request, WizardStep.PASSWORD)
        self._wizard.services.password_set = True
        return self._advance(WizardStep.PASSWORD, self._next_service_step(), "created the partner password")

    @password_set.validator
    def _validate_password_set(self, request: PasswordSetStep) -> None:
        self._check(request, WizardStep.PASSWORD)
        if not self._wizard.services.password_required:
            raise refuse("No password is needed: your partner organization already exists.", WRONG_STEP)

    # ------------------------------------------------------------------ 9. service setup

    @workflow.update
    async def review_subscription(self, request: SubscriptionStep) -> WizardView:
        self._begin(request, WizardStep.SUBSCRIPTION)
        await self._save_settings("subscription", {"reviewed": True, "services": self._service_names()})
        self._wizard.services.subscription_reviewed = True
        return self._advance(WizardStep.SUBSCRIPTION, self._next_service_step(), "reviewed the subscription details")

    @review_subscription.validator
    def _validate_subscription(self, request: SubscriptionStep) -> None:
        self._check(request, WizardStep.SUBSCRIPTION)

    @workflow.update
    async def calling_settings(self, request: CallingStep) -> WizardView:
        self._begin(request, WizardStep.CALLING)
        await self._save_settings("calling", request.model_dump(exclude={"session_id"}))
        self._wizard.services.calling = request
        return self._advance(WizardStep.CALLING, self._next_service_step(), "saved the calling settings")

    @calling_settings.validator
    def _validate_calling(self, request: CallingStep) -> None:
        self._check(request, WizardStep.CALLING)

    @workflow.update
    async def meeting_settings(self, request: MeetingStep) -> WizardView:
        self._begin(request, WizardStep.MEETINGS)
        await self._save_settings("meetings", request.model_dump(exclude={"session_id"}))
        self._wizard.services.meetings = request
        return self._advance(WizardStep.MEETINGS, self._next_service_step(), "saved the meeting settings")

    @meeting_settings.validator
    def _validate_meetings(self, request: MeetingStep) -> None:
        self._check(request, WizardStep.MEETINGS)

    @workflow.update
    async def company_settings(self, request: CompanyStep) -> WizardView:
        self._begin(request, WizardStep.COMPANY)
        setup = self._setup_record()
        await self._activity(
            CLAIM_SUBDOMAIN_ACTIVITY, ClaimSubdomain(org_id=setup.customer_org_id, subdomain=request.subdomain), None
        )
        self._wizard.services.subdomain = request.subdomain
        return self._advance(WizardStep.COMPANY, self._next_service_step(), f"saved the subdomain {request.subdomain}")

    @company_settings.validator
    def _validate_company(self, request: CompanyStep) -> None:
        self._check(request, WizardStep.COMPANY)

    # ------------------------------------------------------------------ 10. provision and start billing

    @workflow.update
    async def provision(self, request: ProvisionStep) -> WizardView:
        self._begin(request, WizardStep.PROVISION)
        setup = self._setup_record()
        result = await self._activity(
            PROVISION_ORDER_ACTIVITY,
            ProvisionOrder(
                order_id=self._order.order_id,
                org_id=setup.customer_org_id,
                services=self._service_names(),
                billing_start=workflow.now(),
            ),
            Provisioned,
        )
        self._wizard.step = WizardStep.DONE
        self._queue_mail("provisioned", Recipient(email=self._session().email), "provisioned_partner")
        if setup.customer_admin_email != self._session().email:
            self._queue_mail("provisioned", Recipient(email=setup.customer_admin_email), "provisioned_customer")
        services = ", ".join(sorted(result.billing))
        await self._change_status(
            PartnerOrderStatus.PROVISIONED, f"subscription active, billing started for {services}"
        )
        self._end_session()
        return self._view("Your subscription is active and billing has started.")

    @provision.validator
    def _validate_provision(self, request: ProvisionStep) -> None:
        self._check(request, WizardStep.PROVISION)

    # ------------------------------------------------------------------ leaving

    @workflow.update
    async def leave(self, request: LeaveStep) -> WizardView:
        before = self._state.status in BEFORE_SET_UP
        self._note("wizard", "left the wizard" + (": nothing entered was kept" if before else ""))
        if before:
            self._discard_answers()
        self._end_session()
        return self._view(
            "Nothing was saved; the link in your e-mail starts the wizard again." if before else "Your setup is saved."
        )

    @leave.validator
    def _validate_leave(self, request: LeaveStep) -> None:
        self._require_session(request)

    # ------------------------------------------------------------------ session and step bookkeeping

    def _setup_record(self) -> SetupRecord:
        if self._wizard.setup is None:
            raise refuse("The order is not set up yet.", WRONG_STEP)
        return self._wizard.setup

    def _session(self) -> WizardSession:
        session = self._wizard.session
        if session is None:
            raise refuse("Your wizard session has ended. Open the link in your e-mail again.", SESSION)
        return session

    def _require_session(self, request: StepInput) -> WizardSession:
        session = self._wizard.session
        if session is None and request.session_id == self._wizard.expired_session_id:
            raise self._expired()
        session = self._session()
        if session.id != request.session_id:
            raise refuse(
                "This wizard was opened again in another window or tab. Continue there, or open the link again here.",
                SESSION,
            )
        if workflow.now() >= session.expires_at:
            raise self._expired()
        return session

    def _expired(self) -> ApplicationError:
        return refuse(
            f"Your session expired after {int(self._idle_limit().total_seconds() // 60)} minutes without "
            "activity. Open the link in your e-mail to start again.",
            SESSION,
        )

    def _check(self, request: StepInput, step: WizardStep) -> None:
        """The validator part every step shares: right session, right order state, the step is open."""
        self._require_session(request)
        status = self._state.status
        before_submit = step in BEFORE_SUBMIT_STEPS
        if before_submit and status is not PartnerOrderStatus.AWAITING_SETUP:
            raise refuse(
                f"'{STEP_TITLES[step]}' can no longer be changed: the order is {status.value.replace('_', ' ')}.",
                WRONG_STEP,
            )
        if not before_submit and status is not PartnerOrderStatus.SET_UP:
            raise refuse(f"'{STEP_TITLES[step]}' comes after the order is set up.", WRONG_STEP)
        if step is WizardStep.CALLING and Service.CALLING not in self._state.purchased_services:
            raise refuse("Calling was not purchased on this order.", WRONG_STEP)
        if step is WizardStep.MEETINGS and Service.MEETINGS not in self._state.purchased_services:
            raise refuse("Meetings were not purchased on this order.", WRONG_STEP)
        if not self._reachable(step):
            raise refuse(
                f"'{STEP_TITLES[step]}' is not open yet: the wizard is at '{STEP_TITLES[self._wizard.step]}'.",
                WRONG_STEP,
            )

    def _reachable(self, step: WizardStep) -> bool:
        """Before the submit, a step already passed may be done again (Back); after it, any service page may be
        saved again, and provisioning needs every page saved."""
        current = self._wizard.step
        if step is current:
            return True
        if step in BEFORE_SUBMIT_STEPS:
            taken = self._taken_path()
            return step in taken and taken.index(step) < taken.index(current) if current in taken else False
        if step is WizardStep.PROVISION:
            return self._next_service_step() is WizardStep.PROVISION
        services = self._wizard.services
        if services.password_required and not services.password_set:
            return step is WizardStep.PASSWORD
        return step in self._service_steps()

    def _taken_path(self) -> list[WizardStep]:
        if self._wizard.answers.role == "customer" or (
            self._wizard.session and self._wizard.session.audience == "customer"
        ):
            return [WizardStep.ROLE, WizardStep.CUSTOMER_ORG, WizardStep.REVIEW]
        return list(BEFORE_SUBMIT_STEPS)

    def _service_steps(self) -> list[WizardStep]:
        steps = [WizardStep.SUBSCRIPTION]
        if Service.CALLING in self._state.purchased_services:
            steps.append(WizardStep.CALLING)
        if Service.MEETINGS in self._state.purchased_services:
            steps.append(WizardStep.MEETINGS)
        return [*steps, WizardStep.COMPANY]

    def _next_service_step(self) -> WizardStep:
        services = self._wizard.services
        if services.password_required and not services.password_set:
            return WizardStep.PASSWORD
        done = {
            WizardStep.SUBSCRIPTION: services.subscription_reviewed,
            WizardStep.CALLING: services.calling is not None,
            WizardStep.MEETINGS: services.meetings is not None,
            WizardStep.COMPANY: services.subdomain is not None,
        }
        return next((step for step in self._service_steps() if not done[step]), WizardStep.PROVISION)

    def _begin(self, request: StepInput, step: WizardStep) -> None:
        """The handler part every step shares: the session stays alive, redoing a step forgets what came after."""
        session = self._session()
        now = workflow.now()
        session.last_active_at = now
        session.expires_at = now + self._idle_limit()
        if step in BEFORE_SUBMIT_STEPS and step is not self._wizard.step:
            self._forget_after(step)
        self._wizard.step = step

    def _forget_after(self, step: WizardStep) -> None:
        answers = self._wizard.answers
        order = list(BEFORE_SUBMIT_STEPS)
        later = set(order[order.index(step) + 1 :])
        if WizardStep.PARTNER_ORG in later:
            answers.partner_org_id = answers.new_partner_org = None
        if WizardStep.CUSTOMER_ADMIN in later and answers.role != "customer":
            answers.customer_admin_email = None
            answers.customer_org_matches = []
        if WizardStep.CUSTOMER_ORG in later:
            answers.customer_org_id = answers.new_customer_org = None

    def _advance(self, done: WizardStep, next_step: WizardStep, text: str) -> WizardView:
        self._wizard.step = next_step
        self._wizard.steps_taken += 1
        self._note("wizard", f"{STEP_TITLES[done]}: {text}")
        return self._view()

    def _view(self, message: str | None = None) -> WizardView:
        session = self._wizard.session
        return WizardView(
            session_id=session.id if session else None, step=self._wizard.step, message=message, state=self._wizard
        )

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
            f"the wizard session of {session.email} expired after {int(self._idle_limit().total_seconds() // 60)} "
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
            "The setup has stopped. Please contact your Cisco account representative, "
            f"{self._state.account_representative_email}, who has been told and will help you."
        )

    # ------------------------------------------------------------------ activities

    async def _save_settings(
        self, section: Literal["subscription", "calling", "meetings"], values: dict[str, Any]
    ) -> None:
        setup = self._setup_record()
        await self._activity(
            SAVE_ORG_SETTINGS_ACTIVITY,
            SaveOrgSettings(
                order_id=self._order.order_id, org_id=setup.customer_org_id, section=section, values=values
            ),
            None,
        )

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
                    retry_policy=ACTIVITY_RETRY,
                )
            return await workflow.execute_activity(
                name,
                arg,
                result_type=result_type,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=ACTIVITY_RETRY,
            )
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError):
                raise refuse(cause.message, cause.type or CONFLICT, field=_field(cause)) from None
            raise

    def _service_names(self) -> list[str]:
        return [service.value for service in self._state.purchased_services]


def _field(error: ApplicationError) -> str | None:
    details = error.details
    return details[0] if details and isinstance(details[0], str) else None

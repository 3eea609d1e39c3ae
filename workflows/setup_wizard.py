"""The Set Up Now wizard up to the point of no return (seeds 001/003, steps 3-7), as Updates on
PartnerOrderWorkflow:

  open the link → role ("I am a partner") → who sets up → partner organization → customer administrator
  → customer organization → review and submit (the order is set up).

After the submit the service setup follows (workflows/service_setup.py). Leaving the wizard is here too: before
the submit nothing entered is kept.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.org_join import OrgJoinSteps
from workflows.wizard_steps import invalid, wrong_step

with workflow.unsafe.imports_passed_through():
    from models import wizard_rules as rules
    from models.partner_order import BEFORE_SET_UP, PartnerOrderStatus
    from models.refusals import Refusal, because, refuse, refused_reason
    from models.wizard import (
        CustomerAdminStep,
        CustomerOrgStep,
        LeaveStep,
        OpenSession,
        OrgDecision,
        PartnerOrgStep,
        RoleStep,
        SetupByStep,
        SetupRecord,
        SubmitStep,
        WizardSession,
        WizardStep,
        WizardView,
    )
    from models.wizard_activities import (
        CHECK_CUSTOMER_ADMIN_ACTIVITY,
        FIND_PARTNER_ORG_ACTIVITY,
        SET_UP_ORDER_ACTIVITY,
        CheckCustomerAdmin,
        CustomerAdminCheck,
        FindPartnerOrg,
        FoundOrg,
        OrgDetails,
        SetUpOrder,
    )


class OrderSetup(OrgJoinSteps):
    # ------------------------------------------------------------------ 1. the link opens a session

    @workflow.update
    async def open_session(self, request: OpenSession) -> WizardView:
        now = workflow.now()
        if self._state.status in BEFORE_SET_UP:
            self._discard_answers()  # the link starts the wizard again
        self._wizard.session = WizardSession(
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
        refusal = rules.open_refusal(self._state.status) or rules.partner_shut_out(self._wizard, request.audience)
        if refusal is not None:
            raise wrong_step(refusal)

    # ------------------------------------------------------------------ 2. role

    @workflow.update
    async def choose_role(self, request: RoleStep) -> WizardView:
        self._begin(request, WizardStep.ROLE)
        self._wizard.answers.role = request.role
        if request.role == "customer":
            await self._check_customer_admin(str(self._session().email))
            return self._advance(WizardStep.ROLE, WizardStep.CUSTOMER_ORG, "I am the customer")
        return self._advance(WizardStep.ROLE, WizardStep.SETUP_BY, "I am a partner")

    @choose_role.validator
    def _validate_role(self, request: RoleStep) -> None:
        self._check(request, WizardStep.ROLE)
        refusal = rules.role_refusal(self._session().audience, request.role)
        if refusal is not None:
            raise invalid(refusal, "role")

    # ------------------------------------------------------------------ 3. who sets up

    @workflow.update
    async def choose_setup_by(self, request: SetupByStep) -> WizardView:
        self._begin(request, WizardStep.SETUP_BY)
        if request.who == "me":
            return await self._set_up_myself()
        if request.email is None:  # the model requires it; kept for the type checker
            raise invalid(because("Enter an e-mail address."), "email")
        if request.who == "colleague":
            return await self._delegate_to_colleague(str(request.email))
        return await self._delegate_to_customer(str(request.email))

    @choose_setup_by.validator
    def _validate_setup_by(self, request: SetupByStep) -> None:
        self._check(request, WizardStep.SETUP_BY)
        refusal = rules.setup_by_refusal(request, self._session().email)
        if refusal is not None:
            raise invalid(refusal, "email")

    async def _set_up_myself(self) -> WizardView:
        wizard, email = self._wizard, self._session().email
        wizard.answers.setup_by = "me"
        wizard.setup_by, wizard.setup_by_email = "me", email
        wizard.answers.partner_org_found = await self._activity(
            FIND_PARTNER_ORG_ACTIVITY,
            FindPartnerOrg(email=email, partner_name=self._state.partner_name),
            FoundOrg,
            local=True,
        )
        return self._advance(WizardStep.SETUP_BY, WizardStep.PARTNER_ORG, "I will set up")

    async def _delegate_to_colleague(self, email: str) -> WizardView:
        wizard = self._wizard
        wizard.setup_by, wizard.setup_by_email = "colleague", email
        self._note("wizard", f"{self._session().email} handed the setup to a colleague, {email}")
        self._end_session()
        await self._hand_over(email)  # the colleague becomes the provisioning contact: earlier links stop working
        return self._view(because("We sent a Set Up Now link to %(email)s. Your link no longer works.", email=email))

    async def _delegate_to_customer(self, email: str) -> WizardView:
        check = await self._check_customer_admin(email)
        refused = check.why()
        if refused is not None:
            raise invalid(refused, "email")
        wizard = self._wizard
        wizard.setup_by, wizard.setup_by_email = "customer", email
        wizard.partner_access = False
        self._state.contact_generation += 1  # the partner's links stop working
        self._note(
            "wizard",
            f"{self._session().email} left the setup to the customer's administrator, {email}: "
            "the partner has no access to manage the customer's organization",
        )
        self._queue_customer_set_up_now_mail()
        self._end_session()
        await self._save()
        return self._view(
            because(
                "We sent a Set Up Now link to the customer's administrator, %(email)s. From now on only the customer "
                "can manage the customer's organization.",
                email=email,
            )
        )

    # ------------------------------------------------------------------ 4. partner organization

    @workflow.update
    async def partner_org(self, request: PartnerOrgStep) -> WizardView:
        self._begin(request, WizardStep.PARTNER_ORG)
        if request.decision == "not_recognised":
            return await self._halt("the partner organization")
        answers = self._wizard.answers
        answers.partner_org_id, answers.new_partner_org = self._org_chosen(request)
        done = "confirmed the existing" if request.decision == "use_existing" else "entered a new"
        return self._advance(WizardStep.PARTNER_ORG, WizardStep.CUSTOMER_ADMIN, f"{done} partner organization")

    @partner_org.validator
    def _validate_partner_org(self, request: PartnerOrgStep) -> None:
        self._check(request, WizardStep.PARTNER_ORG)
        refused = rules.partner_org_refusal(self._wizard.answers.partner_org_found, request)
        if refused is not None:
            raise invalid(*refused)

    @staticmethod
    def _org_chosen(request: OrgDecision) -> tuple[str | None, OrgDetails | None]:
        """An existing organization by its id, or a new one: an id of its own and the details entered."""
        if request.decision == "use_existing":
            return request.org_id, None
        return str(workflow.uuid4()), request.details

    # ------------------------------------------------------------------ 5. customer administrator

    @workflow.update
    async def customer_admin(self, request: CustomerAdminStep) -> WizardView:
        self._begin(request, WizardStep.CUSTOMER_ADMIN)
        check = await self._check_customer_admin(str(request.email))
        refused = check.why()
        if refused is not None:
            raise invalid(refused, "email")
        self._wizard.answers.customer_admin_email = request.email
        return self._advance(
            WizardStep.CUSTOMER_ADMIN, WizardStep.CUSTOMER_ORG, f"customer administrator {request.email}"
        )

    @customer_admin.validator
    def _validate_customer_admin(self, request: CustomerAdminStep) -> None:
        self._check(request, WizardStep.CUSTOMER_ADMIN)
        refusal = rules.customer_admin_refusal(request.email, self._session().email)
        if refusal is not None:
            raise invalid(refusal, "email")

    async def _check_customer_admin(self, email: str) -> CustomerAdminCheck:
        """The organization finder: the address must not belong to another organization; candidates by name and
        domain. On the customer's own link the address is the link's, and a refusal ends the step."""
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
            refused = check.why()
            if refused is not None:
                raise invalid(refused, "email")
        return check

    # ------------------------------------------------------------------ 6. customer organization

    @workflow.update
    async def customer_org(self, request: CustomerOrgStep) -> WizardView:
        self._begin(request, WizardStep.CUSTOMER_ORG)
        if request.decision == "not_recognised":
            return await self._halt("the customer organization")
        answers = self._wizard.answers
        answers.join_administrator = await self._administrator_to_ask(request)
        answers.customer_org_id, answers.new_customer_org = self._org_chosen(request)
        done = "verified the existing" if request.decision == "use_existing" else "confirmed a new"
        return self._advance(WizardStep.CUSTOMER_ORG, WizardStep.REVIEW, f"{done} customer organization")

    @customer_org.validator
    def _validate_customer_org(self, request: CustomerOrgStep) -> None:
        self._check(request, WizardStep.CUSTOMER_ORG)
        answers = self._wizard.answers
        refused = rules.customer_org_refusal(answers.customer_org_matches, answers.customer_admin_email, request)
        if refused is not None:
            raise invalid(*refused)

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
            raise wrong_step(because("Your order is being submitted already; wait a moment."))
        self._check(request, WizardStep.REVIEW)

    async def _set_up(self) -> WizardView:
        """Persist the organizations, the administrator and the mapping in one transaction: the point of no return.
        Joining an organization found by name or domain asks its administrator first (workflows/org_join.py)."""
        session = self._session()
        request = await self._set_up_request(session)
        if self._wizard.answers.join_administrator is not None:
            return await self._ask_to_join(session, request)
        try:
            await self._commit_setup(request)
        except ApplicationError as lost:  # another order took the administrator's address a moment ago
            self._lost_the_race(session)
            raise refuse(Refusal.SETUP_CONFLICT, refused_reason(lost), "email") from None
        return self._advance(WizardStep.REVIEW, self._next_service_step(), "submitted: your order was set up")

    async def _commit_setup(self, request: SetUpOrder) -> None:
        wizard = self._wizard
        await self._activity(SET_UP_ORDER_ACTIVITY, request, bool)
        wizard.setup = SetupRecord(
            partner_org_id=request.partner_org_id,
            customer_org_id=request.customer_org_id,
            partner_org_created=request.new_partner_org is not None,
            customer_org_created=request.new_customer_org is not None,
            customer_admin_email=request.customer_admin_email,
            partner_access=wizard.partner_access,
            set_up_by=request.set_up_by,
            set_up_at=workflow.now(),
        )
        wizard.services.password_required = request.new_partner_org is not None
        await self._change_status(PartnerOrderStatus.SET_UP, f"order set up by {request.set_up_by}")

    async def _set_up_request(self, session: WizardSession) -> SetUpOrder:
        wizard, answers = self._wizard, self._wizard.answers
        partner_side = session.audience == "partner"
        partner_org_id = answers.partner_org_id if partner_side else await self._partners_own_org()
        if answers.customer_org_id is None or answers.customer_admin_email is None:
            raise wrong_step(because("Some earlier answers are missing: go back to the customer organization step."))
        return SetUpOrder(
            order_id=self._order.order_id,
            partner_org_id=partner_org_id,
            # the customer's path keeps the partner as ordered
            new_partner_org=answers.new_partner_org if partner_side else None,
            partner_admin_email=session.email if partner_side and answers.new_partner_org else None,
            customer_org_id=answers.customer_org_id,
            new_customer_org=answers.new_customer_org,
            customer_admin_email=answers.customer_admin_email,
            partner_access=wizard.partner_access,
            set_up_by=session.email,
            language=self._order.language,
        )

    def _lost_the_race(self, session: WizardSession) -> None:
        """The administrator's address went to another order: the organization step comes again."""
        answers = self._wizard.answers
        answers.customer_org_matches = []
        answers.customer_org_id = answers.new_customer_org = None
        if session.audience == "partner":
            answers.customer_admin_email = None
            self._wizard.step = WizardStep.CUSTOMER_ADMIN
        else:  # the address is the link's own: the role step checks it again and says what to do
            self._wizard.step = WizardStep.ROLE

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

    # ------------------------------------------------------------------ leaving

    @workflow.update
    async def leave(self, request: LeaveStep) -> WizardView:
        before = self._state.status in BEFORE_SET_UP
        self._note("wizard", "left the wizard" + (": nothing entered was kept" if before else ""))
        if before:
            self._discard_answers()
        self._end_session()
        return self._view(
            because("Nothing was saved; the link in your e-mail starts the wizard again.")
            if before
            else because("Your setup is saved.")
        )

    @leave.validator
    def _validate_leave(self, request: LeaveStep) -> None:
        self._require_session(request)

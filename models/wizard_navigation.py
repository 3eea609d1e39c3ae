"""Where the Set Up Now wizard can go (seeds 001/003): its pages in order, the service pages an order's purchase
brings, what comes next, what Back may undo, and which pages are done.

Pure functions of the order's state. The workflow decides with them whether a step may run (its word is final);
the pages draw the progress bar, the Back link and the earlier pages with the same functions, so the two cannot
disagree.
"""

from __future__ import annotations

from models.partner_order import BEFORE_SET_UP, PartnerOrderState, PartnerOrderStatus, Service
from models.refusals import Reason, because
from models.wizard import BEFORE_SUBMIT_STEPS, STEP_WORDS, WizardAnswers, WizardStep
from models.words import PARTNER_ORDER

CUSTOMER_PATH = (WizardStep.ROLE, WizardStep.CUSTOMER_ORG, WizardStep.REVIEW)
"""A link sent to the customer's administrator: their role, their organization, review and submit."""


def customer_path(order: PartnerOrderState) -> bool:
    """The customer's administrator is setting up (their link, or the role they chose)."""
    wizard = order.wizard
    return wizard.answers.role == "customer" or (wizard.session is not None and wizard.session.audience == "customer")


def before_path(order: PartnerOrderState) -> list[WizardStep]:
    """The pages up to the submit, in order."""
    return list(CUSTOMER_PATH) if customer_path(order) else list(BEFORE_SUBMIT_STEPS)


def service_steps(order: PartnerOrderState) -> list[WizardStep]:
    """The service setup pages the purchase brings, in order (the password page aside)."""
    steps = [WizardStep.SUBSCRIPTION]
    if Service.CALLING in order.purchased_services:
        steps.append(WizardStep.CALLING)
    if Service.MEETINGS in order.purchased_services:
        steps.append(WizardStep.MEETINGS)
    return [*steps, WizardStep.COMPANY]


def password_pending(order: PartnerOrderState) -> bool:
    """A new partner organization's password comes before every service page."""
    services = order.wizard.services
    return services.password_required and not services.password_set


def next_service_step(order: PartnerOrderState) -> WizardStep:
    """The first service page not saved yet; provisioning once every one is."""
    if password_pending(order):
        return WizardStep.PASSWORD
    services = order.wizard.services
    saved = {
        WizardStep.SUBSCRIPTION: services.subscription_reviewed,
        WizardStep.CALLING: services.calling is not None,
        WizardStep.MEETINGS: services.meetings is not None,
        WizardStep.COMPANY: services.subdomain is not None,
    }
    return next((step for step in service_steps(order) if not saved[step]), WizardStep.PROVISION)


def reachable(order: PartnerOrderState, step: WizardStep) -> bool:
    """Whether the wizard takes ``step`` now. Before the submit, a page already passed may be done again (Back);
    after it, any service page may be saved again once the password is set, and provisioning needs them all."""
    current = order.wizard.step
    if step is current:
        return True
    if step in BEFORE_SUBMIT_STEPS:
        path = before_path(order)
        return (
            order.status is PartnerOrderStatus.AWAITING_SETUP
            and step in path
            and current in path
            and path.index(step) < path.index(current)
        )
    if order.status is not PartnerOrderStatus.SET_UP:
        return False
    if step is WizardStep.PROVISION:
        return next_service_step(order) is WizardStep.PROVISION
    if password_pending(order):
        return step is WizardStep.PASSWORD
    return step in service_steps(order)


def step_refusal(order: PartnerOrderState, step: WizardStep) -> Reason | None:
    """Why ``step`` cannot run now (the order's state, the purchase, the wizard's place), or None."""
    status = order.status
    title = STEP_WORDS[step]
    before_submit = step in BEFORE_SUBMIT_STEPS
    if before_submit and status is not PartnerOrderStatus.AWAITING_SETUP:
        return because(
            "'%(page)s' can no longer be changed: the order is %(status)s.", page=title, status=PARTNER_ORDER[status]
        )
    if not before_submit and status is not PartnerOrderStatus.SET_UP:
        return because("'%(page)s' comes after the order is set up.", page=title)
    if step is WizardStep.CALLING and Service.CALLING not in order.purchased_services:
        return because("Calling was not purchased on this order.")
    if step is WizardStep.MEETINGS and Service.MEETINGS not in order.purchased_services:
        return because("Meetings were not purchased on this order.")
    if not reachable(order, step):
        return because(
            "'%(page)s' is not open yet: the wizard is at '%(current)s'.",
            page=title,
            current=STEP_WORDS[order.wizard.step],
        )
    return None


def forget_after(answers: WizardAnswers, step: WizardStep) -> None:
    """Going back to ``step`` and on from there: what the later pages had entered no longer holds."""
    order = list(BEFORE_SUBMIT_STEPS)
    later = set(order[order.index(step) + 1 :])
    if WizardStep.PARTNER_ORG in later:
        answers.partner_org_id = answers.new_partner_org = None
    if WizardStep.CUSTOMER_ADMIN in later and answers.role != "customer":
        answers.customer_admin_email = None
        answers.customer_org_matches = []
    if WizardStep.CUSTOMER_ORG in later:
        answers.customer_org_id = answers.new_customer_org = None


def password_expected(order: PartnerOrderState) -> bool:
    """A new partner organization gets a password; before the submit that is a forecast from the answers."""
    wizard = order.wizard
    if order.status not in BEFORE_SET_UP:
        return wizard.services.password_required
    if customer_path(order):
        return False
    return wizard.answers.new_partner_org is not None or wizard.answers.partner_org_found is None


def after_path(order: PartnerOrderState) -> list[WizardStep]:
    """The pages after the submit, in order: the password (when one is expected), the services, provisioning."""
    password = [WizardStep.PASSWORD] if password_expected(order) else []
    return [*password, *service_steps(order), WizardStep.PROVISION]


def done(order: PartnerOrderState, step: WizardStep) -> bool:
    """Whether ``step`` is behind the wizard: passed before the submit, or saved after it."""
    wizard = order.wizard
    if step in BEFORE_SUBMIT_STEPS:
        if order.status not in BEFORE_SET_UP:
            return True
        path = before_path(order)
        return wizard.step in path and step in path and path.index(step) < path.index(wizard.step)
    services = wizard.services
    return {
        WizardStep.PASSWORD: services.password_set,
        WizardStep.SUBSCRIPTION: services.subscription_reviewed,
        WizardStep.CALLING: services.calling is not None,
        WizardStep.MEETINGS: services.meetings is not None,
        WizardStep.COMPANY: services.subdomain is not None,
        WizardStep.PROVISION: order.status is PartnerOrderStatus.PROVISIONED,
    }.get(step, False)


def back(order: PartnerOrderState, shown: WizardStep) -> WizardStep | None:
    """The page the Back button leads to from ``shown``, when the wizard takes it."""
    path = before_path(order) if shown in BEFORE_SUBMIT_STEPS else [*service_steps(order), WizardStep.PROVISION]
    if shown not in path or path.index(shown) == 0:
        return None
    previous = path[path.index(shown) - 1]
    return previous if reachable(order, previous) else None

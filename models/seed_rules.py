"""The seeds' numbers, each written once: the policies take them as defaults, the settings, texts and checks read
them from here. (Rules that are more than a number live beside their process's contracts: the eligible products
in models/accounts.py, the lead time and the cancellation fee in models/assist.py, the wizard's navigation in
models/wizard_navigation.py.)"""

from __future__ import annotations

# Seeds 001 / 003: a partner's Webex order.
ESCALATE_AFTER_DAYS = 1
"""Escalated to the account representative when provisioning has not started a day after the start date."""
CLOSE_AFTER_DAYS_FLEX = 7
"""An A-FLEX order line closes when it is not provisioned 7 days after the start date ..."""
CLOSE_AFTER_DAYS_OTHER = 30
"""... and an A-WX or A-SPK one after 30 days."""
WIZARD_IDLE_MINUTES = 30
"""onramp's own: a Set Up Now wizard session with no step for this long expires (nothing entered is kept)."""
MAX_SET_UP_NOW_MAILS = 10
"""onramp's own: an order's Set Up Now e-mails that operators can make it send (resend, send now, a new contact)
stop at ten, so a stolen operator key cannot turn an order into a mail cannon."""
JOIN_REMINDER_HOURS = 24
"""onramp's own: an existing organization's administrator asked to confirm a new administrator is reminded once,
a day later."""
PARTNER_PASSWORD_MIN_LENGTH = 8
"""The new partner organization's password: at least 8 characters, with letters and digits."""

# Seed 002: adding seats.
PROCESSING_HOURS = 24
"""A placed service order is processed within 24 hours."""
QUOTE_VALID_DAYS = 7
"""onramp's own: an untouched quote expires after a week."""

# Seed 004: Webex Assist.
ASSIST_LEAD_DAYS = 14
"""An assist is ordered at least two weeks before the session."""
PRODUCER_LEAD_MINUTES = 30
"""The producer starts the session 30 minutes before it begins."""
ASSIST_REMINDER_DAYS_BEFORE = 2
"""onramp's own: the customer is reminded two days before the session."""
FREE_CANCELLATION_DAYS = 7
"""onramp's policy for the seed's "a cancellation fee may apply": free until a week before the start ..."""
CANCELLATION_FEE_PERCENT = 50
"""... and half the package's standard fee after that."""

# Seed 000: the enterprise admin's self-service.
ADMIN_PASSWORD_LENGTH = (4, 16)
"""The admin's new password: 4 to 16 letters and digits."""
ORGANIZER_REMINDER_AFTER_DAYS = 3
"""onramp's own: an organizer who has not activated is reminded three days after the invitation."""
ACTIVATION_LINK_VALID_DAYS = 30
"""onramp's own: how long an organizer's activation link works."""

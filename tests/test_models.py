"""The contracts: what an order must carry, and the calendar arithmetic behind every deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from models.common import add_local_days, local_midnight
from models.partner_order import Offer, PartnerOrderPolicy
from tests.support import order


def test_the_start_is_midnight_on_the_order_s_own_wall_clock() -> None:
    start = local_midnight(date(2026, 12, 1), "Asia/Tokyo")
    assert start == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2027, 3, 28), 23),  # Europe/Ljubljana springs forward: a 23-hour day
        (date(2026, 10, 25), 25),  # and falls back: a 25-hour day
        (date(2026, 12, 1), 24),
    ],
)
def test_one_day_later_is_the_next_local_midnight_even_across_dst(day: date, hours: int) -> None:
    start = local_midnight(day, "Europe/Ljubljana")
    later = add_local_days(start, 1, "Europe/Ljubljana")
    local = later.astimezone(ZoneInfo("Europe/Ljubljana"))
    assert (local.date(), local.hour) == (day + timedelta(days=1), 0)
    assert later.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)  # real elapsed time


def test_the_close_window_depends_on_the_offer() -> None:
    policy = PartnerOrderPolicy()
    assert policy.close_after_days(Offer.A_FLEX) == 7
    assert policy.close_after_days(Offer.A_WX) == 30
    assert policy.close_after_days(Offer.A_SPK) == 30
    assert policy.escalate_after_days == 1


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("provisioning_contact_email", "not-an-address", "value is not a valid email address"),
        ("offer", "B-WX", "Input should be 'A-WX', 'A-SPK' or 'A-FLEX'"),
        ("time_zone", "Mars/Olympus", "'Mars/Olympus' is not a known IANA time zone"),
        ("purchased_services", [], "List should have at least 1 item"),
        ("purchased_services", ["meetings", "meetings"], "each service may be listed once"),
        ("order_id", "has spaces", "String should match pattern"),
        ("requested_start_date", "31.12.2026", "Input should be a valid date"),
    ],
)
def test_a_bad_order_names_the_field_and_the_reason(field: str, value: object, says: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        order(date(2026, 12, 1), **{field: value})
    [problem] = invalid.value.errors()
    assert problem["loc"][0] == field
    assert says in problem["msg"]


def test_unknown_fields_are_refused_rather_than_dropped() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        order(date(2026, 12, 1), customer_admin="someone@example.com")

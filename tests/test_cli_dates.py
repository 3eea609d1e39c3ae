"""The CLI's relative dates (`--start-date tomorrow`, `--date "in 35 days"`), which keep the README's examples
runnable on any day: what each one means, and what is passed on to the model untouched."""

from __future__ import annotations

from datetime import date

import pytest

from starter.cli import dates

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("today", "2026-12-04"),
        ("Tomorrow", "2026-12-05"),
        ("yesterday", "2026-12-03"),
        ("in 35 days", "2027-01-08"),
        ("in  1 day", "2026-12-05"),
        ("in 2 weeks", "2026-12-18"),
        ("3 days ago", "2026-12-01"),
        ("1 week ago", "2026-11-27"),
    ],
)
def test_a_relative_date_is_a_day_counted_from_today(given: str, meant: str) -> None:
    assert dates.resolve(given, "Asia/Taipei", today=TODAY) == meant


@pytest.mark.parametrize("given", ["2026-12-26", "next friday", "in -3 days", "in 35", ""])
def test_anything_else_is_left_for_the_model_to_accept_or_refuse(given: str) -> None:
    assert dates.resolve(given, "Asia/Taipei", today=TODAY) == given


def test_today_is_the_day_in_the_time_zone_given() -> None:
    # Kiritimati (UTC+14) and Niue (UTC-11) are 25 hours apart: never on the same day
    assert dates.resolve("today", "Pacific/Kiritimati") != dates.resolve("today", "Pacific/Niue")
    assert dates.resolve("today", "Not/AZone") == dates.resolve("today", "UTC")  # the model names the bad zone

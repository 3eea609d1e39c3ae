"""`onramp site show|packages|coordinator` as an operator types them (seed 004, issue 15 items 8 and 11): a site's
packages and scheduling coordinator set and shown, and bad input refused with a sentence that says what to give
(exit 2). On a database of the test's own, as tests/test_assist_cli.py's commands."""

from __future__ import annotations

import json

from tests.test_assist_cli import SITE, database, onramp, said  # noqa: F401 (database: its autouse fixture)


def added() -> None:
    result = onramp("add", SITE, "--name", "Yitong Technology", "--time-zone", "Asia/Taipei")
    assert result.exit_code == 0, result.output


def test_a_new_site_offers_every_package_and_has_no_coordinator() -> None:
    added()
    shown = onramp("show", SITE)
    assert shown.exit_code == 0, shown.output
    assert said(shown) == (
        "Site yitong.webex.com: Yitong Technology, Asia/Taipei. "
        "Packages: Event Center Premium, Event Center Standard, Training Center Premium, Meeting Center Premium. "
        "Scheduling coordinator: none (no coordinator mail; the confirmation tells customers to write to their "
        "producer)."
    )
    assert json.loads(onramp("show", SITE, "--json").output) == {
        "name": SITE,
        "display_name": "Yitong Technology",
        "time_zone": "Asia/Taipei",
        "packages": ["ec_premium", "ec_standard", "tc_premium", "mc_premium"],
        "coordinator": None,
    }


def test_an_operator_sets_the_packages_of_a_sites_contract() -> None:
    added()
    result = onramp("packages", SITE, "mc_premium", "Event Center Standard", "mc_premium")
    assert result.exit_code == 0, result.output
    assert said(result) == "Site yitong.webex.com includes Event Center Standard, Meeting Center Premium."
    assert json.loads(onramp("show", SITE, "--json").output)["packages"] == ["ec_standard", "mc_premium"]

    every = onramp("packages", SITE, "--all")
    assert every.exit_code == 0, every.output
    assert json.loads(onramp("show", SITE, "--json").output)["packages"] == [
        "ec_premium",
        "ec_standard",
        "tc_premium",
        "mc_premium",
    ]


def test_packages_that_do_not_exist_or_none_at_all_are_refused() -> None:
    added()
    unknown = onramp("packages", SITE, "ec_standard", "webinar_gold")
    assert unknown.exit_code == 2
    assert said(unknown) == (
        "Error: 'webinar_gold' is not an assist package. The packages are ec_premium (Event Center Premium), "
        "ec_standard (Event Center Standard), tc_premium (Training Center Premium), mc_premium (Meeting Center "
        "Premium)."
    )
    nothing = onramp("packages", SITE)
    assert nothing.exit_code == 2
    assert said(nothing) == (
        "Error: Name the packages the site's contract includes (e.g. ec_standard mc_premium), or give --all."
    )
    assert onramp("packages", SITE, "mc_premium", "--all").exit_code == 2
    nosite = onramp("packages", "nosuch.webex.com", "mc_premium")
    assert nosite.exit_code == 2
    assert said(nosite) == "Error: There is no Webex site nosuch.webex.com here. `onramp site list` shows the sites."
    assert len(json.loads(onramp("show", SITE, "--json").output)["packages"]) == 4  # unchanged


def test_an_operator_sets_shows_and_removes_the_scheduling_coordinator() -> None:
    added()
    result = onramp(
        "coordinator",
        SITE,
        *("--name", "Ya-ting Wang", "--email", "Scheduling@Assist.example", "--phone", "+886 2 2723 0000"),
    )
    assert result.exit_code == 0, result.output
    assert said(result) == (
        "Site yitong.webex.com: scheduling coordinator Ya-ting Wang <scheduling@assist.example>, +886 2 2723 0000."
    )
    assert "Scheduling coordinator: Ya-ting Wang <scheduling@assist.example>, +886 2 2723 0000." in said(
        onramp("show", SITE)
    )
    assert json.loads(onramp("show", SITE, "--json").output)["coordinator"] == {
        "name": "Ya-ting Wang",
        "email": "scheduling@assist.example",
        "phone": "+886 2 2723 0000",
    }

    without_phone = onramp("coordinator", SITE, "--name", "Jun Lin", "--email", "jun@assist.example")
    assert said(without_phone) == "Site yitong.webex.com: scheduling coordinator Jun Lin <jun@assist.example>."

    removed = onramp("coordinator", SITE, "--none")
    assert removed.exit_code == 0, removed.output
    assert said(removed).startswith("Site yitong.webex.com: scheduling coordinator none")
    assert json.loads(onramp("show", SITE, "--json").output)["coordinator"] is None


def test_a_coordinator_without_name_or_with_a_bad_address_is_refused() -> None:
    added()
    half = onramp("coordinator", SITE, "--email", "jun@assist.example")
    assert half.exit_code == 2
    assert (
        said(half)
        == "Error: Give the coordinator's --name and --email (and --phone if you like), or --none to remove them."
    )
    both = onramp("coordinator", SITE, "--none", "--name", "Jun Lin")
    assert both.exit_code == 2
    assert said(both) == "Error: Give either the coordinator's --name and --email (and --phone), or --none."
    bad = onramp("coordinator", SITE, "--name", "Jun Lin", "--email", "not-an-address", "--phone", "call me")
    assert bad.exit_code == 2
    assert said(bad).startswith("Error: The coordinator is not valid")
    assert "email" in said(bad) and "phone" in said(bad)
    assert json.loads(onramp("show", SITE, "--json").output)["coordinator"] is None

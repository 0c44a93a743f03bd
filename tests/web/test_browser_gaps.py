"""Three seed sentences the re-allocate and Assign User screens used to miss, in a real browser.

``docs/web-seed-coverage.md`` names these tests for: the HCM widget's "Search by first or last
name to find your HCM user" and "Confirm the re-allocation to complete the process", and the
ATS's "... or search for the user with a partial or full name". The server, the browser and
the page come from ``test_browser.py`` (imported, so this module gets its own module-scoped
server and data; where chromium is missing, that import skips this module too).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sms_core import NumberQuery
from tests.web.test_browser import (  # noqa: F401 - fixtures are found by name
    WIDTHS,
    Site,
    _violations,
    browser,
    page,
    shot,
    site,
)


def _inactive_users_number(served: Site, user_id: str, name: tuple[str, str], area: str) -> str:
    """Buy a number for a new user of acme, then deactivate the user; return the number."""
    acme = served.widget.account("acme")
    acme.users.upsert(user_id, first_name=name[0], last_name=name[1])
    [offer] = acme.numbers.search("admin", NumberQuery(area_code=area, limit=1))
    acme.numbers.purchase("admin", offer.number, [user_id], accept_terms=True)
    acme.users.deactivate(user_id)
    return offer.number.e164


def _open_reallocation(opened: Page, served: Site, number: str) -> None:
    """Sign in and follow the number's Re-allocate link."""
    served.sign_in(opened)
    row = opened.get_by_role("row").filter(has_text=number)
    row.get_by_role("link", name=re.compile("^Re-allocate")).click()
    expect(opened.get_by_role("heading", level=1)).to_have_text("Re-allocate this number")


class TestReallocationGaps:
    """hcm-widget-style.txt: "SMS Number Re-allocation"."""

    def test_search_by_first_or_last_name(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """The re-allocate list narrows to the users named like what was typed.

        Seed (hcm-widget-style.txt): "Search by first or last name to find your HCM user."
        A GET form, so it works without script; inactive users are never offered.
        """
        acme = site.widget.account("acme")
        acme.users.upsert("lou", first_name="Lou", last_name="Newhire")
        acme.users.upsert("max", first_name="Max", last_name="Newton")
        number = _inactive_users_number(site, "kim", ("Kim", "Leaving"), "503")
        _open_reallocation(page, site, number)
        options = page.get_by_label("Re-allocate to").locator("option")
        page.get_by_label("Search by first or last name").fill("newhire")  # a last name
        page.get_by_role("button", name="Search").click()
        assert "user_name=newhire" in page.url
        expect(options.filter(has_text="Lou Newhire")).to_have_count(1)
        expect(options.filter(has_text="Max Newton")).to_have_count(0)
        expect(options.filter(has_text="Dana Reyes")).to_have_count(0)
        page.get_by_label("Search by first or last name").fill("max")  # a first name
        page.get_by_role("button", name="Search").click()
        expect(options.filter(has_text="Max Newton")).to_have_count(1)
        expect(options.filter(has_text="Lou Newhire")).to_have_count(0)
        page.get_by_label("Search by first or last name").fill("kim")  # inactive: never
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_text("No active user is named like")).to_be_visible()
        shot(page, tmp_path, "reallocate-search")
        assert ("kim",) == acme.numbers.get(number).line.user_ids

    def test_confirm_the_reallocation_to_complete_it(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """Save shows a confirmation naming the number and both users; Confirm re-allocates.

        Seed (hcm-widget-style.txt): "Confirm the re-allocation to complete the process."
        Nothing changes before Confirm; Cancel goes back to the choice.
        """
        acme = site.widget.account("acme")
        acme.users.upsert("oz", first_name="Oz", last_name="Taking")
        number = _inactive_users_number(site, "nia", ("Nia", "Gone"), "512")
        _open_reallocation(page, site, number)
        page.get_by_label("Re-allocate to").select_option(label="Oz Taking")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Re-allocate this number?")
        main = page.get_by_role("main")
        expect(main).to_contain_text(f"Re-allocate {number} from Nia Gone (inactive) to Oz Taking?")
        shot(page, tmp_path, "reallocate-confirm")
        assert ("nia",) == acme.numbers.get(number).line.user_ids  # nothing yet
        page.get_by_role("link", name="Cancel").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Re-allocate this number")
        assert ("nia",) == acme.numbers.get(number).line.user_ids
        page.get_by_label("Re-allocate to").select_option(label="Oz Taking")
        page.get_by_role("button", name="Save").click()
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("status")).to_have_text("✔ The number was re-allocated.")
        expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("Oz Taking")
        assert ("oz",) == acme.numbers.get(number).line.user_ids


class TestAssignUserGap:
    """ats-seat-style.txt: a seat's Assign User screen."""

    def test_search_for_the_user_with_a_partial_or_full_name(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """Assign User's list narrows to a partial or full name, then assigns the one ticked.

        Seed (ats-seat-style.txt): "Select the user(s) from the list of available users or
        search for the user with a partial or full name."
        """
        acme = site.seats.account("acme")
        acme.users.upsert("pat", first_name="Pat", last_name="Quill")
        acme.users.upsert("quinn", first_name="Quinn", last_name="Quillon")
        recruiting = next(s.seat for s in acme.seats.list() if s.seat.name == "Recruiting")
        site.sign_in(page, "/ats")
        page.get_by_role("link", name="Assign User to Recruiting").click()
        search = page.get_by_label("Search for a user by partial or full name")
        search.fill("quil")  # partial
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("checkbox")).to_have_count(2)
        expect(page.get_by_label("Pat Quill")).to_be_visible()
        expect(page.get_by_label("Quinn Quillon")).to_be_visible()
        search.fill("Pat Quill")  # full
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("checkbox")).to_have_count(1)
        shot(page, tmp_path, "assign-user-search")
        page.get_by_label("Pat Quill").check()
        page.get_by_role("button", name="Assign User").click()
        expect(page.get_by_role("status")).to_contain_text("✔")
        expect(page.get_by_role("row", name=re.compile("Recruiting"))).to_contain_text("Pat Quill")
        assert "pat" in {u.id for u in acme.seats.get(recruiting.id).users}
        assert "quinn" not in {u.id for u in acme.seats.get(recruiting.id).users}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_new_pages_pass_axe_and_fit_the_width(
    browser: Browser,  # noqa: F811
    site: Site,  # noqa: F811
    width: int,
) -> None:
    """The searched lists and the confirmation: no serious axe violation, no sideways scroll.

    The widths are ``test_browser.py``'s; its axe test covers the re-allocate and Assign users
    pages unsearched.
    """
    number = _inactive_users_number(site, f"w{width}", ("Wes", f"Width{width}"), "415")
    line = site.widget.account("acme").numbers.get(number).line
    recruiting = next(
        s.seat for s in site.seats.account("acme").seats.list() if s.seat.name == "Recruiting"
    )
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    opened = context.new_page()
    found = {}
    site.sign_in(opened)
    reallocate = f"{site.url}/web/numbers/{line.id}/users/w{width}/reallocate"
    screens = {
        "reallocate-searched": f"{reallocate}?user_name=dee",
        "reallocate-none": f"{reallocate}?user_name=zzz",
        "reallocate-confirm": f"{reallocate}/confirm?to_user_id=dee",
    }
    for name, url in screens.items():
        opened.goto(url)
        assert opened.evaluate("document.documentElement.scrollWidth") <= max(width, 400), name
        found[name] = _violations(opened)
    site.sign_in(opened, "/ats")
    opened.goto(f"{site.url}/ats/seats/{recruiting.id}/assign?user_name=dana")
    found["seat-assign-searched"] = _violations(opened)
    context.close()
    assert {name: [] for name in found} == found

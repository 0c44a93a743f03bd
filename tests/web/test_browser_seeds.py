"""The seeds' screen sentences that ``test_browser.py`` leaves unchecked, in a real browser.

``docs/web-seed-coverage.md`` maps every seed sentence that describes a screen to the browser
test that checks it; these are the ones added for that table. The server, the browser and
the page come from ``test_browser.py`` (imported, so this module gets its own module-scoped
server and browser, and its own data; where chromium is missing, that import skips this
module too); each test quotes its seed sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sms_core import NumberQuery, RegistrationStep
from sms_core.testing import sample_brand, sample_campaign
from sms_core.web import sign_in_token
from tests.web.conftest import FAILED_PAGE, SECRET
from tests.web.test_browser import (  # noqa: F401 - fixtures are found by name
    REVIEWS,
    Site,
    _carrier,
    _registering_account,
    browser,
    page,
    shot,
    site,
)


@pytest.fixture
def refusing_page(
    browser: Browser,  # noqa: F811 - the imported fixture
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> Iterator[Page]:
    """A fresh context for a journey that expects a refusal (a 4xx answer).

    Chromium logs a 4xx answer as a console error, which the ``page`` fixture counts as a
    failure; here only page errors (a CSP refusal, say) fail the test.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    request.node.stash[FAILED_PAGE] = (opened, tmp_path / "failure.png")
    yield opened
    context.close()
    assert [] == errors


class TestSeatsSeed:
    """ats-seat-style.txt: the "Text Messaging Numbers" page."""

    def test_auto_assign_shows_the_number_before_complete_setup_buys_it(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """Auto Assign shows a random number; only Complete Setup buys it.

        Seed (ats-seat-style.txt): "If "Auto Assign Number" is clicked, a random phone number
        will be generated for the seat. Click Complete Setup when finished."
        """
        seats = site.seats.account("acme").seats
        support = next(s.seat for s in seats.list() if s.seat.name == "Support")
        site.sign_in(page, "/ats")
        page.get_by_role("link", name="Assign a phone number to Support").click()
        page.get_by_role("button", name="Auto Assign Number").click()
        expect(page.get_by_text("Your randomly selected number")).to_be_visible()
        choice = page.get_by_role("radio")
        expect(choice).to_have_count(1)
        expect(choice).to_be_checked()
        number = str(choice.get_attribute("value"))
        assert seats.get(support.id).line is None  # shown, not bought
        shot(page, tmp_path, "seat-auto-assign")
        page.get_by_label("I agree to the subscription terms").check()
        page.get_by_role("button", name="Complete Setup").click()
        expect(page.get_by_role("status")).to_have_text("✔ The seat's number is set up.")
        row = page.get_by_role("row", name=re.compile("Support"))
        expect(row).to_contain_text(number)
        bought = seats.get(support.id).line
        assert bought is not None
        assert number == bought.number.e164
        shot(page, tmp_path, "seats-after-auto-assign")
        # "a user cannot be assigned to multiple seats/phone numbers at the same time":
        # Recruiting's Ann and Bob are not offered for Support.
        page.get_by_role("link", name="Assign User to Support").click()
        expect(page.get_by_role("checkbox").first).to_be_visible()
        expect(page.get_by_label("Ann Lee")).to_have_count(0)
        expect(page.get_by_label("Bob Stone")).to_have_count(0)

    def test_each_seat_shows_its_remaining_and_total_messages(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
    ) -> None:
        """A seat's row shows its number and the remaining and total messages of the month.

        Seed (ats-seat-style.txt): "Towards the right of the telephone number will be the
        remaining and total message allowance for the seat."
        """
        recruiting = next(
            s for s in site.seats.account("acme").seats.list() if s.seat.name == "Recruiting"
        )
        assert recruiting.line is not None
        site.sign_in(page, "/ats")
        row = page.get_by_role("row", name=re.compile("Recruiting"))
        expect(row).to_contain_text(recruiting.line.number.e164)
        allowance = row.locator('td[data-label="Remaining / total"]')
        expect(allowance).to_have_text(
            f"{recruiting.seat.remaining:,} / {recruiting.seat.monthly_allowance:,}"
        )

    def test_assign_users_up_to_three_on_a_number(
        self,
        refusing_page: Page,
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """Assign User adds users to a seat's number, at most the host's three.

        Seed (ats-seat-style.txt): "Click Assign User under the telephone number. Select the
        user(s) from the list of available users [...] Click Assign User when finished." and
        "Up to 3 users can be assigned to a phone number at a time." Recruiting has Ann and
        Bob: ticking two more is refused with nothing changed; one more is assigned.
        """
        page = refusing_page  # noqa: F811 - a refusal's page, not the fixture
        acme = site.seats.account("acme")
        acme.users.upsert("ivy", first_name="Ivy", last_name="Third")
        acme.users.upsert("jo", first_name="Jo", last_name="Fourth")
        recruiting = next(s.seat for s in acme.seats.list() if s.seat.name == "Recruiting")
        before = acme.seats.get(recruiting.id).users
        site.sign_in(page, "/ats")
        page.get_by_role("link", name="Assign User to Recruiting").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Assign users")
        page.get_by_label("Ivy Third").check()
        page.get_by_label("Jo Fourth").check()
        page.get_by_role("button", name="Assign User").click()
        expect(page.get_by_role("alert")).to_contain_text("the most users the host allows (3)")
        expect(page.get_by_role("alert")).to_contain_text("Nothing was changed.")
        shot(page, tmp_path, "seat-assign-refused")
        assert before == acme.seats.get(recruiting.id).users
        page.goto(f"{site.url}/ats/seats")
        page.get_by_role("link", name="Assign User to Recruiting").click()
        page.get_by_label("Ivy Third").check()
        page.get_by_role("button", name="Assign User").click()
        expect(page.get_by_role("status")).to_contain_text("✔")
        row = page.get_by_role("row", name=re.compile("Recruiting"))
        expect(row).to_contain_text("Ivy Third")
        expect(row.get_by_text("Jo Fourth")).to_have_count(0)
        assert {"ann", "bob", "ivy"} == {u.id for u in acme.seats.get(recruiting.id).users}
        shot(page, tmp_path, "seats-three-users")


class TestNumbersSeed:
    """hcm-widget-style.txt: "Manage Existing Phone Numbers" and "Deactivating SMS Numbers"."""

    def test_forwarding_set_by_the_user_and_by_an_admin(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """The number's own user sets its call forwarding, then an admin changes it.

        Seed (hcm-widget-style.txt): "Call Forwarding Number: HCM users can configure a
        forwarding number for voice calls. Both the HCM user and Marketplace Admin have the
        ability to configure this number." The user reaches the form by its address: no
        screen a recruiter sees links to it (see docs/web-seed-coverage.md).
        """
        acme = site.widget.account("acme")
        line = next(s.line for s in acme.numbers.list() if "ann" in s.line.user_ids)
        site.sign_in(page, user="ann")
        page.goto(f"{site.url}/web/numbers/{line.id}/forwarding")
        page.get_by_label("Call forwarding number").fill("+12065550100")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("✔ The call forwarding number was saved.")
        forwarded = acme.numbers.get(line.number.e164).line.forward_to
        assert forwarded is not None
        assert "+12065550100" == forwarded.e164
        shot(page, tmp_path, "forwarding-by-the-user")
        page.context.clear_cookies()
        site.sign_in(page)
        row = page.get_by_role("row").filter(has_text=line.number.e164)
        expect(row).to_contain_text("+12065550100")
        row.get_by_role("link", name=re.compile("^Edit")).click()
        expect(page.get_by_label("Call forwarding number")).to_have_value("+12065550100")
        page.get_by_label("Call forwarding number").fill("+12065550199")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("✔ The call forwarding number was saved.")
        forwarded = acme.numbers.get(line.number.e164).line.forward_to
        assert forwarded is not None
        assert "+12065550199" == forwarded.e164
        page.get_by_role("link", name="Back to the numbers").click()
        row = page.get_by_role("row").filter(has_text=line.number.e164)
        expect(row).to_contain_text("+12065550199")
        shot(page, tmp_path, "forwarding-by-the-admin")

    def test_deactivate_a_number_after_confirming(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """Deactivate asks for a confirmation; Cancel changes nothing, confirming removes it.

        Seed (hcm-widget-style.txt): "Click the Deactivate button next to the target user.
        Confirm the deactivation to remove the number from the provisioned SMS list."
        """
        acme = site.widget.account("acme")
        acme.users.upsert("kim", first_name="Kim", last_name="Leaver")
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="303", limit=1))
        number = offer.number.e164
        acme.numbers.purchase("admin", number, ["kim"], accept_terms=True)
        site.sign_in(page)
        row = page.get_by_role("row").filter(has_text=number)
        expect(row).to_contain_text("Kim Leaver")
        row.get_by_role("link", name=f"Deactivate {number}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate this number?")
        expect(page.get_by_text("removes it from the provisioned SMS list")).to_be_visible()
        shot(page, tmp_path, "confirm-deactivate")
        page.get_by_role("link", name="Cancel").click()
        expect(page.get_by_role("row").filter(has_text=number)).to_have_count(1)
        assert number in {s.line.number.e164 for s in acme.numbers.list()}
        page.get_by_role("row").filter(has_text=number).get_by_role(
            "link", name=f"Deactivate {number}"
        ).click()
        page.get_by_role("button", name="Deactivate").click()
        expect(page.get_by_role("status")).to_have_text(
            "✔ The number was deactivated and removed from the list."
        )
        expect(page.get_by_role("row").filter(has_text=number)).to_have_count(0)
        assert number not in {s.line.number.e164 for s in acme.numbers.list()}
        shot(page, tmp_path, "numbers-after-deactivation")


class TestPurchaseSeed:
    """hcm-widget-style.txt: "Purchase New Phone Numbers" outside the USA."""

    def test_buy_by_region_outside_the_usa_for_a_user_found_by_name(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """Country, State or Region and the user-name filter narrow the search; Agree buys.

        Seed (hcm-widget-style.txt): "Use the search box to filter by a user's first or last
        name.", "Choose the country, and filter by area code, state/region, and zip/postal
        code." and "Filter available phone numbers by State or Region (outside USA)."
        """
        acme = site.widget.account("acme")
        acme.users.upsert("liv", first_name="Liv", last_name="Ontario")
        site.sign_in(page)
        page.get_by_role("link", name="Purchase New Phone Numbers").click()
        expect(page.get_by_label("Zip/Postal Code")).to_be_empty()
        page.get_by_label("Country").select_option("CA")
        page.get_by_label("State or Region (outside USA)").fill("ON")
        page.get_by_label("Filter users by first or last name").fill("ontario")
        page.get_by_role("button", name="Search").click()
        choices = page.get_by_role("radio")
        expect(choices.first).to_be_checked()
        labels = choices.evaluate_all("es => es.map(e => e.labels[0].textContent)")
        assert labels
        assert all(label.strip().endswith(", ON") for label in labels), labels
        users = page.get_by_role("group", name="Users to associate the new number to")
        expect(users.get_by_role("checkbox")).to_have_count(1)
        users.get_by_label("Liv Ontario").check()
        number = str(choices.first.get_attribute("value"))
        assert number.startswith("+1")
        shot(page, tmp_path, "purchase-by-region")
        page.get_by_role("button", name="Purchase").click()
        page.get_by_label("I agree to the subscription terms").check()
        page.get_by_role("button", name="Agree").click()
        expect(page.get_by_role("status")).to_have_text("✔ The phone number was purchased.")
        expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("Liv Ontario")
        assert ("liv",) == acme.numbers.get(number).line.user_ids


def test_only_a_marketplace_admin_reaches_the_numbers(
    refusing_page: Page,
    site: Site,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A recruiter lands on their inbox; the numbers screen refuses them by permission.

    Seed (hcm-widget-style.txt): "To access the Avionté SMS Campaign / Phone Number
    Administration widget, users must have the "Marketplace Admin" user permission selected
    in their profile."
    """
    page = refusing_page  # noqa: F811 - a refusal's page, not the fixture
    site.sign_in(page, user="dee")
    expect(page).to_have_url(f"{site.url}/web/inbox")
    # The menu offers a recruiter only what they may open; typed in, the numbers refuse them.
    expect(page.get_by_role("link", name="Numbers", exact=True)).to_have_count(0)
    page.goto(f"{site.url}/web/numbers")
    expect(page.get_by_role("alert")).to_contain_text("Marketplace Admin")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed.")
    expect(page.get_by_role("link", name="Purchase New Phone Numbers")).to_have_count(0)
    shot(page, tmp_path, "numbers-refused-to-a-recruiter")


#: The UI's colours (``sms_core/web/static``): blue in review, green approved, red failed.
BLUE, GREEN, RED = "rgb(11, 87, 164)", "rgb(15, 107, 47)", "rgb(179, 38, 30)"


def _colour(page: Page, selector: str) -> str:  # noqa: F811
    colour: str = page.locator(selector).evaluate("e => getComputedStyle(e).color")
    return colour


class TestRegistrationSeed:
    """hcm-widget-style.txt: the registration's colours and a number's status."""

    def test_in_review_is_blue_and_a_failure_red(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """A step in review is blue, an approved one green, a failed one red.

        Seed (hcm-widget-style.txt): "Monitor the progress of your registration. Blue
        indicates "In Progress."", "Upon approval, the icon turns green." and "If they turn
        red, see the Troubleshooting section"; on the numbers: "Unregistered: Yellow alert
        sign" ("typically only seen on "In Progress" campaigns").
        """
        admin = _registering_account(site, "seedred")
        account = site.widget.account("seedred")
        account.users.upsert("mo", first_name="Mo", last_name="Waiting")
        [offer] = account.numbers.search(admin, NumberQuery(area_code="503", limit=1))
        account.numbers.purchase(admin, offer.number, ["mo"], accept_terms=True)
        account.registration.register(admin, sample_brand(), sample_campaign())
        _open(page, site, "seedred", admin, "registration")
        expect(page.locator("#step-brand")).to_contain_text("● In progress")
        assert BLUE == _colour(page, "#step-brand .status")
        page.goto(f"{site.url}/web/numbers")
        row = page.get_by_role("row").filter(has_text=offer.number.e164)
        expect(row.get_by_text("⚠ Unregistered")).to_be_visible()
        warn = row.locator(".status-warn")
        assert "rgb(255, 244, 214)" == warn.evaluate("e => getComputedStyle(e).backgroundColor")
        with _carrier(site) as carrier:
            carrier.fail_next(
                "seedred", RegistrationStep.CAMPAIGN, "Sample messages lack opt-out", "30893"
            )
            for review in REVIEWS[:2]:
                carrier.advance(review)
                account.registration.sync()
        page.goto(f"{site.url}/web/registration")
        expect(page.locator("#step-brand")).to_contain_text("✔ Approved")
        assert GREEN == _colour(page, "#step-brand .status")
        expect(page.locator("#step-campaign")).to_contain_text("✘ Failed")
        assert RED == _colour(page, "#step-campaign .status")
        expect(page.locator("#step-campaign")).to_contain_text("Next step:")
        shot(page, tmp_path, "registration-colours")

    def test_a_number_bought_after_approval_is_registered_at_once(
        self,
        page: Page,  # noqa: F811
        site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """Once approved, a number is Registered (green check mark) right after purchase.

        Seed (hcm-widget-style.txt): "Registered: Green checkmark" and "Fully registered and
        approved SMS campaigns show a status of "Active" immediately after purchase." (the
        screen's word is "Registered").
        """
        admin = _registering_account(site, "seedok")
        account = site.widget.account("seedok")
        account.users.upsert("ned", first_name="Ned", last_name="Ready")
        account.registration.register(admin, sample_brand(), sample_campaign())
        with _carrier(site) as carrier:
            for review in REVIEWS:
                carrier.advance(review)
                account.registration.sync()
        _open(page, site, "seedok", admin, "numbers/buy?country=US&area_code=971")
        page.get_by_label("Ned Ready").check()
        number = str(page.get_by_role("radio").first.get_attribute("value"))
        page.get_by_role("button", name="Purchase").click()
        page.get_by_label("I agree to the subscription terms").check()
        page.get_by_role("button", name="Agree").click()
        expect(page.get_by_role("status")).to_have_text("✔ The phone number was purchased.")
        row = page.get_by_role("row").filter(has_text=number)
        expect(row.get_by_text("✔ Registered")).to_be_visible()
        assert GREEN == row.locator(".status-ok").evaluate("e => getComputedStyle(e).color")
        shot(page, tmp_path, "numbers-registered")


def _open(page: Page, site: Site, account_id: str, user: str, screen: str) -> None:  # noqa: F811
    """Sign ``user`` of ``account_id`` in and open ``screen`` (a path under ``/web``)."""
    token = sign_in_token(SECRET, account_id, user, timedelta(minutes=2), now=site.clock.now())
    page.goto(f"{site.url}/web/signin?token={token}")
    page.goto(f"{site.url}/web/{screen}")

"""The web UI in a real browser: Playwright driving Debian's chromium, headless, on 127.0.0.1.

One uvicorn server and one browser per module (the journeys share them; each test has its own
browser context, so its own session). The widget's UI is mounted at ``/web`` and the ATS's at
``/ats``, as two host products would mount them. Every screen is screenshotted into the test's
tmp folder, and axe-core (vendored under ``tests/web/vendor/axe-core``, injected only here,
in a context that lifts the page's CSP for it) must report no serious or critical violation
on any screen, at a laptop's width and in a 400-px-wide iframe's.

Without ``/usr/bin/chromium`` the module is skipped, except under CI, where it must run
(``.ci/run`` installs chromium).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from sms_core import ManualClock, NumberQuery, RegistrationStep
from sms_core.services import SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_core.testing.web import asgi_client
from sms_core.web import create_web_app, sign_in_token
from sms_core.web.registration_form import values_of
from sms_core.webhooks import LoopbackServer, create_app
from tests.web.conftest import (
    FAILED_PAGE,
    OPT_OUTS,
    SECRET,
    START,
    build_seats,
    build_widget,
    open_sdk,
    opted_out,
)

if TYPE_CHECKING:
    from sms_fake import SandboxCarrier

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: A laptop, and the narrowest iframe a host gives the UI.
WIDTHS = (1280, 400)

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing under CI; .ci/run installs it", pytrace=False)
    pytest.skip(
        f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from sms_fake import SandboxCarrier  # noqa: E402

#: How long an ``expect`` waits (milliseconds) before it fails, for every browser test (each
#: imports this module): several rounds of the slowest page poll (the inbox's, every 5 s) on a
#: loaded 2-core CI machine. Playwright's own 5 s is one round of it; a passing expectation
#: returns as soon as it holds, so only a failure waits this long.
EXPECT_TIMEOUT = 20_000
expect.set_options(timeout=EXPECT_TIMEOUT)


class Site:
    """The served UIs and their data: signs users in through the real sign-in link."""

    def __init__(self, url: str, clock: ManualClock, widget: SmsAdmin, seats: SmsAdmin) -> None:
        self.url = url
        self.clock = clock
        self.widget = widget
        self.seats = seats

    def sign_in(self, page: Page, mount: str = "/web", user: str = "admin") -> None:
        """Open the host's sign-in link for ``user`` in ``page``."""
        token = sign_in_token(SECRET, "acme", user, timedelta(minutes=2), now=self.clock.now())
        page.goto(f"{self.url}{mount}/signin?token={token}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("browser-site")
    clock = ManualClock(START)
    carrier = folder / "carrier.sqlite3"
    with (
        open_sdk(f"sqlite:///{folder / 'widget.sqlite3'}", "hcm_widget", clock) as widget,
        open_sdk(f"sqlite:///{folder / 'seats.sqlite3'}", "ats_seats", clock) as seats,
    ):
        build_widget(widget, carrier, clock)
        build_seats(seats, carrier)
        seats.account("acme").seats.create("admin", "Support")  # stays without a number
        app = Starlette(
            routes=[
                Mount("/web", app=create_web_app(widget, secret=SECRET)),
                Mount("/ats", app=create_web_app(seats, secret=SECRET)),
            ]
        )
        with LoopbackServer() as server, server.serving(app):
            yield Site(server.url(), clock, widget, seats)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A fresh context (no cookies) whose console errors fail the test (a CSP refusal, say).

    When the test fails, the page as it was is screenshotted into the test's tmp folder and
    the file named in the failure's report (``tests/web/conftest.py``).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    opened.on("pageerror", lambda error: errors.append(str(error)))
    # For the report hook in conftest.py: the page to screenshot should the test fail.
    request.node.stash[FAILED_PAGE] = (opened, tmp_path / "failure.png")
    yield opened
    context.close()
    assert [] == errors


def shot(page: Page, tmp_path: Path, name: str) -> Path:
    """A full-page screenshot in the test's tmp folder.

    The caret stays as it is: Playwright hides it with an injected inline ``<style>``, which
    the UI's CSP refuses (console errors, once htmx has swapped part of the page).
    """
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


class TestJourneys:
    """The seeds' main screens, end to end."""

    def test_sign_in_and_see_the_shared_number(
        self, page: Page, site: Site, tmp_path: Path
    ) -> None:
        site.sign_in(page)
        # The token left the address bar: the sign-in redirected to the first screen.
        expect(page).to_have_url(f"{site.url}/web/numbers")
        expect(page.get_by_role("heading", level=1)).to_have_text("Phone numbers")
        expect(page.locator(".badge")).to_have_text("+1")
        inactive = page.get_by_text("Cy Young (inactive)")
        expect(inactive).to_be_visible()
        assert "rgb(179, 38, 30)" == inactive.evaluate("e => getComputedStyle(e).color")
        expect(page.get_by_text("⚠ Unregistered").first).to_be_visible()
        shot(page, tmp_path, "numbers")

    def test_share_a_number_with_one_more_user(
        self, page: Page, site: Site, tmp_path: Path
    ) -> None:
        site.sign_in(page)
        shared = page.get_by_role("row").filter(has=page.locator(".badge"))
        shared.get_by_role("link", name=re.compile("^Assign users")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Assign users")
        page.get_by_label("Dee Park").check()
        shot(page, tmp_path, "assign-users")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("✔ The users were assigned to the number.")
        expect(page.locator(".badge")).to_have_text("+2")
        shot(page, tmp_path, "numbers-shared-by-three")

    def test_page_through_opt_outs(self, page: Page, site: Site, tmp_path: Path) -> None:
        site.sign_in(page)
        page.get_by_role("link", name="Opt-outs").click()
        rows = page.locator("#listing tbody tr")
        expect(rows).to_have_count(25)
        expect(rows.first).to_contain_text(opted_out(0).e164)
        shot(page, tmp_path, "optouts-1")
        page.get_by_role("link", name="Next page").click()  # htmx swaps the list in place
        expect(page).to_have_url(re.compile(r"/web/optouts\?cursor="))
        expect(rows).to_have_count(OPT_OUTS - 25)
        expect(rows.first).to_contain_text(opted_out(25).e164)
        expect(page.get_by_text("Last page")).to_be_visible()
        shot(page, tmp_path, "optouts-2")

    def test_remove_a_seat_user_after_confirming(
        self, page: Page, site: Site, tmp_path: Path
    ) -> None:
        site.sign_in(page, "/ats")
        expect(page).to_have_url(f"{site.url}/ats/seats")
        shot(page, tmp_path, "seats")
        page.get_by_role("link", name="Remove Bob Stone from Recruiting").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Remove this user?")
        page.get_by_role("button", name="Remove user").click()
        expect(page.get_by_role("status")).to_have_text(
            "✔ The user was removed from the seat's number."
        )
        expect(page.get_by_text("Bob Stone")).to_have_count(0)
        shot(page, tmp_path, "seats-after-removal")

    def test_choose_number_for_a_seat(self, page: Page, site: Site, tmp_path: Path) -> None:
        """Choose Number → area code → Generate Numbers → pick one → Complete Setup."""
        site.sign_in(page, "/ats")
        page.get_by_role("link", name="Assign a phone number to Sales").click()
        page.get_by_label("Area code").fill("512")
        page.get_by_role("button", name="Generate Numbers").click()
        choices = page.get_by_role("radio")
        expect(choices.first).to_be_checked()
        picked = choices.nth(1)
        picked.check()
        number = picked.get_attribute("value")
        shot(page, tmp_path, "seat-choose-number")
        page.get_by_label("I agree to the subscription terms").check()
        page.get_by_role("button", name="Complete Setup").click()
        expect(page.get_by_role("status")).to_have_text("✔ The seat's number is set up.")
        expect(page.get_by_role("row", name=re.compile("Sales"))).to_contain_text(str(number))
        shot(page, tmp_path, "seats-after-setup")

    def test_buy_a_shared_number_for_two_users_and_see_plus_one(
        self, page: Page, site: Site, tmp_path: Path
    ) -> None:
        """The seed's "Purchasing a New Number & Selecting Multiple Users", end to end.

        Search by area code, pick a number, tick two users, Purchase, agree to the
        subscription terms, Agree, and see ``+1``. Runs after the journeys that expect the
        fixture's single ``.badge``.
        """
        acme = site.widget.account("acme")
        acme.users.upsert("eve", first_name="Eve", last_name="Buyer")
        acme.users.upsert("fay", first_name="Fay", last_name="Buyer")
        site.sign_in(page)
        page.get_by_role("link", name="Purchase New Phone Numbers").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Purchase New Phone Numbers")
        page.get_by_label("Country").select_option("US")
        page.get_by_label("Area code").fill("718")
        page.get_by_role("button", name="Search").click()
        choice = page.get_by_role("radio").first
        expect(choice).to_be_checked()
        number = str(choice.get_attribute("value"))
        assert number.startswith("+1718")
        assert number[2:] not in page.url  # the number is in no URL
        page.get_by_label("Eve Buyer").check()
        page.get_by_label("Fay Buyer").check()
        shot(page, tmp_path, "purchase-search")
        page.get_by_role("button", name="Purchase").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Subscription terms")
        expect(page.get_by_text("starts a monthly subscription")).to_be_visible()
        assert number not in page.url
        page.get_by_label("I agree to the subscription terms").check()
        shot(page, tmp_path, "purchase-terms")
        page.get_by_role("button", name="Agree").click()
        expect(page.get_by_role("status")).to_have_text("✔ The phone number was purchased.")
        row = page.get_by_role("row").filter(has_text=number)
        expect(row.locator(".badge")).to_have_text("+1")
        expect(row).to_contain_text("Eve Buyer")
        expect(row).to_contain_text("Fay Buyer")
        shot(page, tmp_path, "numbers-after-purchase")

    def test_deactivate_a_user_and_reallocate_their_number(
        self, page: Page, site: Site, tmp_path: Path
    ) -> None:
        """The seed's "SMS Number Re-allocation", end to end.

        The host deactivates a user ("Inactive HCM users will appear in red"), and their
        number goes to an active one ("Only active HCM users will appear in the list").
        """
        acme = site.widget.account("acme")
        acme.users.upsert("gus", first_name="Gus", last_name="Leaving")
        acme.users.upsert("hal", first_name="Hal", last_name="Arriving")
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="919", limit=1))
        number = offer.number.e164
        acme.numbers.purchase("admin", number, ["gus"], accept_terms=True)
        acme.users.deactivate("gus")
        site.sign_in(page)
        row = page.get_by_role("row").filter(has_text=number)
        expect(row.get_by_text("Gus Leaving (inactive)")).to_be_visible()
        row.get_by_role("link", name=re.compile("^Re-allocate")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Re-allocate this number")
        options = page.get_by_label("Re-allocate to").locator("option")
        expect(options.filter(has_text="Gus Leaving")).to_have_count(0)
        page.get_by_label("Re-allocate to").select_option(label="Hal Arriving")
        shot(page, tmp_path, "reallocate")
        page.get_by_role("button", name="Save").click()
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("status")).to_have_text("✔ The number was re-allocated.")
        row = page.get_by_role("row").filter(has_text=number)
        expect(row).to_contain_text("Hal Arriving")
        expect(row.get_by_text("Gus Leaving")).to_have_count(0)
        assert ("hal",) == acme.numbers.get(number).line.user_ids
        shot(page, tmp_path, "numbers-after-reallocation")

    def test_keyboard_reaches_the_content(self, page: Page, site: Site) -> None:
        site.sign_in(page)
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        # The first control in the content, past the header and navigation.
        focused = page.evaluate("document.activeElement.closest('main') !== null")
        assert focused

    def test_a_400_px_iframe_needs_no_sideways_scrolling(
        self, page: Page, site: Site, tmp_path: Path
    ) -> None:
        page.set_viewport_size({"width": 400, "height": 800})
        site.sign_in(page)
        for screen in ("numbers", "optouts", "audit"):
            page.goto(f"{site.url}/web/{screen}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 400, screen
            shot(page, tmp_path, f"{screen}-400px")


def test_purchase_pages_fit_a_400_px_iframe(page: Page, site: Site, tmp_path: Path) -> None:
    """The search results and the subscription terms need no sideways scrolling."""
    page.set_viewport_size({"width": 400, "height": 800})
    site.sign_in(page)
    page.goto(f"{site.url}/web/numbers/buy?country=US&area_code=415")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shot(page, tmp_path, "purchase-search-400px")
    page.get_by_role("button", name="Purchase").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscription terms")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shot(page, tmp_path, "purchase-terms-400px")


def _violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => ({id: v.id, targets: v.nodes.map(n => n.target.join(" "))}))"""
    )
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_accessibility_violation(
    browser: Browser, site: Site, tmp_path: Path, width: int
) -> None:
    """axe-core on every screen, the confirmations and a refusal included."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    cy_line = next(
        s.line.id for s in site.widget.account("acme").numbers.list() if "cy" in s.line.user_ids
    )
    screens = {
        "numbers": "/web/numbers",
        "deactivate": f"/web/numbers/{cy_line}/deactivate",
        "reallocate": f"/web/numbers/{cy_line}/users/cy/reallocate",
        "assign": f"/web/numbers/{cy_line}/assign",
        "forwarding": f"/web/numbers/{cy_line}/forwarding",
        "optouts": "/web/optouts",
        "audit": "/web/audit",
        "registration": "/web/registration",
        "refusal": "/web/numbers/no-such-line/deactivate",
        "purchase-search": "/web/numbers/buy?country=US&area_code=415",
    }
    found = {}
    site.sign_in(page)
    for name, path in screens.items():
        page.goto(site.url + path)
        shot(page, tmp_path, f"axe-{name}-{width}")
        found[name] = _violations(page)
    site.sign_in(page, "/ats")
    page.goto(f"{site.url}/ats/seats")
    found["seats"] = _violations(page)
    seats = site.seats.account("acme").seats.list()
    numbered = next(s.seat for s in seats if s.line is not None)
    page.goto(f"{site.url}/ats/seats/{numbered.id}/assign")
    found["seats-assign"] = _violations(page)
    support = next(s.seat for s in seats if s.seat.name == "Support")
    page.goto(f"{site.url}/ats/seats/{support.id}/number?area_code=415")
    found["seats-number"] = _violations(page)
    page.goto(f"{site.url}/ats/seats/{support.id}/number?auto=1")
    found["seats-auto"] = _violations(page)
    site.sign_in(page)
    page.goto(f"{site.url}/web/numbers/buy?country=US&area_code=415")
    page.get_by_role("button", name="Purchase").click()  # the terms page is a POST's answer
    found["purchase-terms"] = _violations(page)
    context.close()
    assert {name: [] for name in found} == found


# -- Campaign registration -----------------------------------------------------------------


def _registering_account(site: Site, account_id: str) -> str:
    """A new widget account (its own, so the shared ``acme`` stays unregistered); its admin."""
    acme = site.widget.account("acme").account
    account = site.widget.create_account(
        account_id,
        name="Initech Staffing",
        provider="fake",
        provider_settings=dict(acme.provider_settings),  # the same sandbox
    )
    account.users.upsert(
        "rita", first_name="Rita", last_name="Moss", permissions=["Marketplace Admin"]
    )
    account.policy.set(
        "rita",
        privacy_policy_url="https://northwind-staffing.example.com/privacy",
        terms_and_conditions_url="https://northwind-staffing.example.com/terms",
    )
    return "rita"


def _open_registration(page: Page, site: Site, account_id: str, user: str) -> None:
    token = sign_in_token(SECRET, account_id, user, timedelta(minutes=2), now=site.clock.now())
    page.goto(f"{site.url}/web/signin?token={token}")
    page.get_by_role("link", name="Campaign registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Campaign registration")


def _fill_sample_form(page: Page) -> None:
    """Type the sample brand and campaign into the form, control by control."""
    form = values_of(sample_brand("Northwind Staffing LLC"), sample_campaign("Northwind Staffing"))
    for name, value in form.items():
        control = page.locator(f'form.registration [name="{name}"]')
        kind = control.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
        if kind == "select":
            control.select_option(value)
        elif kind == "checkbox":
            control.set_checked(value == "on")
        else:
            control.fill(value)


def _carrier(site: Site) -> SandboxCarrier:
    path = site.widget.account("acme").account.provider_settings["state_path"]
    return SandboxCarrier(str(path), clock=site.clock)


class TestRegistrationJourney:
    """Register, then watch the steps turn green as the sandbox clock advances."""

    def test_register_and_watch_the_steps_turn_green(
        self, page: Page, site: Site, tmp_path: Path
    ) -> None:
        admin = _registering_account(site, "initech")
        _open_registration(page, site, "initech", admin)
        steps = page.locator("#steps")
        for step in ("brand", "campaign", "messaging_service"):
            expect(steps.locator(f"#step-{step}")).to_contain_text("○ Not started")
        # The policy settings pre-filled the form.
        expect(page.get_by_label("Privacy Policy URL").last).to_have_value(
            "https://northwind-staffing.example.com/privacy"
        )
        _fill_sample_form(page)
        page.get_by_label("EIN").fill("123456789")
        page.get_by_role("button", name="Check the form").click()  # htmx swaps the form
        ein = page.get_by_label("EIN")
        expect(ein).to_have_attribute("aria-invalid", "true")
        expect(ein).to_have_accessible_description(re.compile("write it as 12-3456789"))
        expect(page.get_by_role("alert")).to_contain_text("The form has 1 error")
        shot(page, tmp_path, "registration-check")
        ein.fill("12-3456789")
        page.get_by_role("button", name="Check the form").click()
        expect(page.get_by_role("status")).to_contain_text("The form passes the checks.")
        page.get_by_role("button", name="Submit for registration").click()
        expect(page.get_by_role("status").first).to_contain_text("The brand was submitted")
        expect(steps.locator("#step-brand")).to_contain_text("● In progress")
        shot(page, tmp_path, "registration-brand-in-review")

        with _carrier(site) as carrier:
            carrier.advance(timedelta(hours=1))
            page.get_by_role("button", name="Refresh status").click()
            expect(steps.locator("#step-brand")).to_contain_text("✔ Approved")
            expect(steps.locator("#step-campaign")).to_contain_text("● In progress")
            green = steps.locator("#step-brand .status")
            assert "rgb(15, 107, 47)" == green.evaluate("e => getComputedStyle(e).color")
            # The scheduler syncs; the page, polling its steps, turns green without a reload.
            carrier.advance(timedelta(hours=4))
            site.widget.account("initech").registration.sync()
            expect(steps.locator("#step-campaign")).to_contain_text("✔ Approved")
            carrier.advance(timedelta(days=1))
            site.widget.account("initech").registration.sync()
        expect(steps.locator("#step-messaging_service")).to_contain_text("✔ Approved")
        expect(steps).to_contain_text("Registration complete")
        shot(page, tmp_path, "registration-complete")

    def test_a_failed_step_shows_its_reason_and_is_resubmitted(
        self, page: Page, site: Site, tmp_path: Path
    ) -> None:
        admin = _registering_account(site, "hooli")
        account = site.widget.account("hooli")
        with _carrier(site) as carrier:
            carrier.fail_next(
                "hooli", RegistrationStep.CAMPAIGN, "Sample messages lack opt-out", "30893"
            )
            account.registration.register(admin, sample_brand(), sample_campaign())
            for hours in (1, 4):
                carrier.advance(timedelta(hours=hours))
                account.registration.sync()
        _open_registration(page, site, "hooli", admin)
        campaign = page.locator("#step-campaign")
        expect(campaign).to_contain_text("✘ Failed")
        expect(campaign).to_contain_text("Sample messages lack opt-out (code 30893)")
        expect(campaign).to_contain_text("Next step:")
        shot(page, tmp_path, "registration-failed")
        page.get_by_role("button", name="Resubmit the campaign").click()
        expect(campaign).to_contain_text("● In progress")
        assert 2 == account.registration.status().campaign.attempts


@pytest.mark.parametrize("width", WIDTHS)
def test_registration_has_no_serious_accessibility_violation(
    browser: Browser, site: Site, tmp_path: Path, width: int
) -> None:
    """axe-core on the form, the form with its findings and a step in review; none too wide."""
    account_id = f"axe{width}"
    admin = _registering_account(site, account_id)
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    _open_registration(page, site, account_id, admin)
    found = {"form": _violations(page)}
    widths = {"form": page.evaluate("document.documentElement.scrollWidth")}
    page.get_by_label("Legal company name").fill("Initech")
    page.get_by_role("button", name="Check the form").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["findings"] = _violations(page)
    widths["findings"] = page.evaluate("document.documentElement.scrollWidth")
    site.widget.account(account_id).registration.register(admin, sample_brand(), sample_campaign())
    page.goto(f"{site.url}/web/registration")
    found["in review"] = _violations(page)
    widths["in review"] = page.evaluate("document.documentElement.scrollWidth")
    shot(page, tmp_path, f"axe-registration-{width}")
    context.close()
    assert {name: [] for name in found} == found
    assert {name: used for name, used in widths.items() if used > width} == {}


# -- Texting panel and mass text (sms_core/web/texting.py, mass_text.py) ----------------------

#: Sam, in Austin: 10 a.m. there at the site's clock, inside the allowed hours.
SAM = "+15125550142"
#: How long the sandbox reviews the brand, the campaign and the messaging service.
REVIEWS = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1))


def _carrier_path(site: Site) -> Path:
    return Path(site.widget.account("acme").account.provider_settings["state_path"])


def _post_webhooks(carrier: SandboxCarrier, sdk: SmsAdmin) -> list[httpx.Response]:
    """The sandbox posts its due webhooks to the webhook app, over HTTP."""
    with asgi_client(create_app(sdk), "https://sms.example.test") as hooks:
        return carrier.deliver_webhooks(hooks)


@pytest.fixture(scope="module")
def texting_site(site: Site) -> Site:
    """The site with acme's campaign approved by the sandbox, so its lines may text."""
    from sms_fake import SandboxCarrier  # noqa: PLC0415 - the sandbox is an adapter

    acme = site.widget.account("acme")
    if not any(s.line.registered for s in acme.numbers.list()):
        acme.registration.register("admin", sample_brand(), sample_campaign())
        with SandboxCarrier(_carrier_path(site)) as carrier:
            for review in REVIEWS:
                carrier.advance(review)
                acme.registration.sync()
    return site


class TestTextingJourneys:
    """The talent profile's texting panel and the mass text, in the browser."""

    def test_text_a_candidate_and_see_it_delivered(
        self, page: Page, texting_site: Site, tmp_path: Path
    ) -> None:
        """Counter as Ann types, Send, then the status turns Delivered by itself.

        The sandbox posts its signed status webhooks to the webhook app over HTTP (the
        demo's way, ``SandboxCarrier.deliver_webhooks``); the panel polls its message list.
        """
        from sms_fake import SandboxCarrier  # noqa: PLC0415 - the sandbox is an adapter

        site = texting_site
        site.sign_in(page, user="ann")
        page.get_by_role("link", name="Texting").click()
        page.get_by_label("Candidate id").fill("cand-sam")
        page.get_by_role("button", name="Open").click()
        expect(page.get_by_text("No messages with this candidate yet.")).to_be_visible()
        page.get_by_label("Candidate's mobile number").fill(SAM)
        page.get_by_label("Message", exact=True).press_sequentially("Hi Sam, free for a call? 📅")
        expect(page.locator("#check")).to_contain_text("26 / 160 characters")
        expect(page.locator("#check")).to_contain_text("1 segment (Unicode)")
        shot(page, tmp_path, "texting-composer")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("status")).to_contain_text("The text was sent")
        status = page.locator(".message .status").first
        expect(status).to_have_text("⏳ Queued")
        expect(page.locator(".message .sender").first).to_have_text("Ann Lee")
        with SandboxCarrier(_carrier_path(site)) as carrier:
            carrier.advance(timedelta(minutes=5))
            # Its own thread: the ASGI client runs an event loop, and Playwright's is running.
            with ThreadPoolExecutor(1) as thread:
                posted = thread.submit(_post_webhooks, carrier, site.widget).result()
        assert posted
        assert [204] * len(posted) == [answer.status_code for answer in posted]
        expect(status).to_have_text("✔ Delivered")  # no reload: htmx polls the list
        shot(page, tmp_path, "texting-delivered")

    def test_an_opted_out_number_is_refused_before_sending(
        self, page: Page, texting_site: Site, tmp_path: Path
    ) -> None:
        site = texting_site
        site.sign_in(page, user="ann")
        page.goto(f"{site.url}/web/texting?candidate=cand-out")
        page.get_by_label("Candidate's mobile number").fill(opted_out(4).e164)
        page.get_by_label("Message", exact=True).press_sequentially("Hello")
        expect(page.get_by_role("alert")).to_contain_text("This text would be refused:")
        expect(page.get_by_role("alert")).to_contain_text("opted out")
        shot(page, tmp_path, "texting-refused-before-sending")

    def test_a_51_recipient_mass_text_is_refused(
        self, browser: Browser, texting_site: Site, tmp_path: Path, request: pytest.FixtureRequest
    ) -> None:
        """The refusal page (409/400) replaces the form; nothing is sent.

        Its own context: chromium logs the expected 4xx answer as a console error, which the
        ``page`` fixture counts as a failure; page errors (a CSP refusal, say) still fail it.
        """
        site = texting_site
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        request.node.stash[FAILED_PAGE] = (page, tmp_path / "failure.png")
        acme = site.widget.account("acme")
        before = len(acme.messages.page("admin", limit=100).items)
        site.sign_in(page, user="ann")
        page.get_by_role("link", name="Mass text").click()
        expect(page.get_by_text("One text to up to 50 candidates.")).to_be_visible()
        page.get_by_label("Recipients, one a line").fill(
            "\n".join(f"cand-{i}, +1512555{i:04d}" for i in range(51))
        )
        page.get_by_label("Message", exact=True).fill("New shifts next week")
        shot(page, tmp_path, "mass-text-51")
        page.get_by_role("button", name="Send to all").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "a mass text can reach at most 50 candidates and 51 were selected"
        )
        expect(page.get_by_role("alert")).to_contain_text("Nothing was changed.")
        shot(page, tmp_path, "mass-text-refused")
        assert before == len(acme.messages.page("admin", limit=100).items)
        context.close()
        assert [] == errors

    def test_a_mass_text_shows_each_outcome(
        self, page: Page, texting_site: Site, tmp_path: Path
    ) -> None:
        site = texting_site
        site.sign_in(page, user="ann")
        page.goto(f"{site.url}/web/mass-text")
        page.get_by_label("Recipients, one a line").fill(
            f"cand-lee, +12125550147\ncand-out, {opted_out(5).e164}"
        )
        page.get_by_label("Message", exact=True).fill("Shifts next week")
        page.get_by_role("button", name="Send to all").click()
        expect(page.locator("#outcomes [role=status]")).to_have_text("✔ 1 of 2 sent, 1 refused.")
        rows = page.locator("#outcomes tbody tr")
        expect(rows.nth(0)).to_contain_text("✔ Sent")
        expect(rows.nth(1)).to_contain_text("⛔ Refused")
        expect(rows.nth(1)).to_contain_text("opted out")
        shot(page, tmp_path, "mass-text-outcomes")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_accessibility_violation_on_texting(
    browser: Browser, texting_site: Site, tmp_path: Path, width: int
) -> None:
    """axe-core on the texting panel (with a refusal shown) and the mass-text form and result."""
    site = texting_site
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    site.sign_in(page, user="ann")
    found = {}
    page.goto(f"{site.url}/web/texting")
    found["texting-empty"] = _violations(page)
    page.goto(f"{site.url}/web/texting?candidate=cand-sam")
    page.get_by_label("Candidate's mobile number").fill(opted_out(6).e164)
    page.get_by_label("Message", exact=True).press_sequentially("Hi")
    expect(page.get_by_role("alert")).to_be_visible()
    shot(page, tmp_path, f"axe-texting-{width}")
    found["texting"] = _violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 400)
    page.goto(f"{site.url}/web/mass-text")
    found["mass-text"] = _violations(page)
    page.get_by_label("Recipients, one a line").fill(f"cand-x, {opted_out(7).e164}")
    page.get_by_label("Message", exact=True).fill("Hi")
    page.get_by_role("button", name="Send to all").click()
    expect(page.locator("#outcomes")).to_be_visible()
    shot(page, tmp_path, f"axe-mass-text-{width}")
    found["mass-text-result"] = _violations(page)
    context.close()
    assert {name: [] for name in found} == found

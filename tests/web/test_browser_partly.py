"""The HCM seed's sentences the other browser modules checked only partly, checked whole.

``docs/web-seed-coverage.md`` marked five sentences "partly": the status after purchase
("Active"), the call forwarding a recruiter configures, the Deactivate button next to the
user, the Terms & Conditions URL pre-filling the registration form, and the zip/postal code
advice. Each journey here quotes its seed sentences (``/work/shared/seeds/hcm-widget-style.txt``)
and checks every word of them the screen shows, its colour where the seed names one, and the
new screens with axe-core at a laptop's width and a 400-px iframe's.

The server, the browser and the page come from ``test_browser.py`` (imported, so this module
has its own module-scoped server, browser and data; without chromium that import skips it).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from sms_core import NumberQuery
from sms_core.testing import sample_brand, sample_campaign
from sms_core.web import sign_in_token
from sms_core.web.registration_form import values_of
from tests.web.conftest import SECRET
from tests.web.test_browser import (  # noqa: F401 - fixtures are found by name
    REVIEWS,
    WIDTHS,
    Site,
    _carrier,
    _registering_account,
    _violations,
    browser,
    page,
    shot,
    site,
)

#: The UI's green (``--ok`` in ``sms_core/web/static/app.css``), as the browser computes it.
GREEN = "rgb(15, 107, 47)"
#: The seed's advice by the Zip/Postal Code field, word for word.
POSTAL_CODE_ADVICE = (
    "Leave the Zip/Postal Code blank. Entering a zip code may return zero results. "
    "If needed, try multiple nearby area codes."
)
#: The policy settings of this module's registering account, as the host's Table Editor saves.
PRIVACY = "https://partly-staffing.example.com/privacy"
TERMS = "https://partly-staffing.example.com/terms-and-conditions"


def _sign_in(page: Page, site: Site, account_id: str, user: str, path: str) -> None:  # noqa: F811
    """Sign ``user`` of ``account_id`` in by the host's link, then open ``path`` under ``/web``."""
    token = sign_in_token(SECRET, account_id, user, timedelta(minutes=2), now=site.clock.now())
    page.goto(f"{site.url}/web/signin?token={token}")
    page.goto(f"{site.url}/web{path}")


def _colour(locator: Locator) -> str:
    """The colour the browser computes for ``locator``'s element."""
    colour: str = locator.evaluate("e => getComputedStyle(e).color")
    return colour


def _axe(
    browser: Browser,  # noqa: F811
    site: Site,  # noqa: F811
    tmp_path: Path,
    screens: dict[str, str],
    *,
    account_id: str = "acme",
    user: str = "admin",
) -> None:
    """No serious or critical axe violation and no sideways scrolling on ``screens``.

    axe is injected, so the context lifts the page's CSP; the journeys' own pages keep it.
    """
    found: dict[str, object] = {}
    too_wide: dict[str, int] = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        opened = context.new_page()
        _sign_in(opened, site, account_id, user, "/texting")
        for name, path in screens.items():
            opened.goto(f"{site.url}/web{path}")
            shot(opened, tmp_path, f"axe-{name}-{width}")
            found[f"{name}@{width}"] = _violations(opened)
            used = int(opened.evaluate("document.documentElement.scrollWidth"))
            if used > width:
                too_wide[f"{name}@{width}"] = used
        context.close()
    assert {name: [] for name in found} == found
    assert {} == too_wide


def _fill_all_but_the_policy_urls(page: Page) -> None:  # noqa: F811
    """Type the sample brand and campaign, leaving the URLs the policy settings pre-filled."""
    form = values_of(sample_brand("Partly Staffing LLC"), sample_campaign("Partly Staffing"))
    for name, value in form.items():
        if name in ("campaign.privacy_policy_url", "campaign.terms_and_conditions_url"):
            continue
        control = page.locator(f'form.registration [name="{name}"]')
        kind = control.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
        if kind == "select":
            control.select_option(value)
        elif kind == "checkbox":
            control.set_checked(value == "on")
        else:
            control.fill(value)


def test_registered_then_bought_is_active_and_stays_green_after_a_transfer(
    page: Page,  # noqa: F811
    site: Site,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Policy URLs pre-fill the form; approved, a new number is "Active"; a transfer stays green.

    Seed (hcm-widget-style.txt): "Campaign registration requires a Privacy Policy URL and
    Terms & Conditions URL [...] If set, these values auto-populate the required fields in
    the Campaign Registration form.", "Registered: Green checkmark", "Fully registered and
    approved SMS campaigns show a status of "Active" immediately after purchase." and "The
    status shows a green checkmark when the transfer is successful."
    """
    admin = _registering_account(site, "partlyok")
    account = site.widget.account("partlyok")
    account.policy.set(admin, privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
    account.users.upsert("una", first_name="Una", last_name="Leaving")
    account.users.upsert("vic", first_name="Vic", last_name="Taking")
    _sign_in(page, site, "partlyok", admin, "/registration")
    form = page.locator("form.registration")
    expect(form.get_by_label("Privacy Policy URL")).to_have_value(PRIVACY)
    expect(form.get_by_label("Terms & Conditions URL")).to_have_value(TERMS)
    shot(page, tmp_path, "registration-prefilled")
    _fill_all_but_the_policy_urls(page)
    page.get_by_role("button", name="Check the form").click()
    expect(page.get_by_role("status")).to_contain_text("The form passes the checks.")
    page.get_by_role("button", name="Submit for registration").click()
    expect(page.get_by_role("status").first).to_contain_text("The brand was submitted")
    submitted = account.registration.status().campaign_profile
    assert submitted is not None
    assert (PRIVACY, TERMS) == (submitted.privacy_policy_url, submitted.terms_and_conditions_url)
    with _carrier(site) as carrier:
        for review in REVIEWS:
            carrier.advance(review)
            account.registration.sync()

    page.goto(f"{site.url}/web/numbers/buy?country=US&area_code=541")
    page.get_by_label("Una Leaving").check()
    number = str(page.get_by_role("radio").first.get_attribute("value"))
    page.get_by_role("button", name="Purchase").click()
    page.get_by_label("I agree to the subscription terms").check()
    page.get_by_role("button", name="Agree").click()
    expect(page.get_by_role("status")).to_have_text("✔ The phone number was purchased.")
    status = page.get_by_role("row").filter(has_text=number).locator('td[data-label="Status"]')
    expect(status).to_have_text("✔ Registered · Active")
    assert GREEN == _colour(status.locator(".status"))
    assert GREEN == _colour(status.get_by_text("✔"))  # the check mark itself
    shot(page, tmp_path, "numbers-active-after-purchase")

    account.users.deactivate("una")  # the host: Una left
    page.reload()
    row = page.get_by_role("row").filter(has_text=number)
    row.get_by_role("link", name=re.compile("^Re-allocate")).click()
    page.get_by_label("Re-allocate to").select_option(label="Vic Taking")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_have_text("✔ The number was re-allocated.")
    assert GREEN == _colour(page.get_by_role("status"))
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Vic Taking")
    status = row.locator('td[data-label="Status"]')
    expect(status).to_have_text("✔ Registered · Active")
    assert GREEN == _colour(status.locator(".status"))
    assert GREEN == _colour(status.get_by_text("✔"))
    assert ("vic",) == account.numbers.get(number).line.user_ids
    shot(page, tmp_path, "numbers-green-after-transfer")


def test_a_recruiter_and_an_admin_configure_the_call_forwarding_number(
    page: Page,  # noqa: F811
    browser: Browser,  # noqa: F811
    site: Site,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Ann opens My line from her texting panel and forwards calls; the admin changes it.

    Seed (hcm-widget-style.txt): "Call Forwarding Number: HCM users can configure a forwarding
    number for voice calls. Both the HCM user and Marketplace Admin have the ability to
    configure this number."
    """
    acme = site.widget.account("acme")
    line = next(s.line for s in acme.numbers.list() if "ann" in s.line.user_ids)
    number = line.number.e164
    site.sign_in(page, user="ann")
    expect(page).to_have_url(f"{site.url}/web/inbox")  # a recruiter's landing page
    page.get_by_role("link", name="My line").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My line")
    expect(page.locator("dl.my-line")).to_contain_text(number)
    page.get_by_role("link", name=re.compile("^Configure call forwarding")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call forwarding")
    assert number[2:] not in page.url  # the line by its id, never by its number
    page.get_by_label("Call forwarding number").fill("(206) 555-0123")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("✔ The call forwarding number was saved.")
    page.get_by_role("link", name="Back to my line").click()
    expect(page.locator("dl.my-line")).to_contain_text("+12065550123")
    shot(page, tmp_path, "my-line-forwarded")
    forwarded = acme.numbers.get(number).line.forward_to
    assert forwarded is not None
    assert "+12065550123" == forwarded.e164

    page.context.clear_cookies()
    site.sign_in(page)
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("+12065550123")
    row.get_by_role("link", name=f"Edit call forwarding of {number}").click()
    page.get_by_label("Call forwarding number").fill("+12065550188")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("✔ The call forwarding number was saved.")
    page.get_by_role("link", name="Back to the numbers").click()
    expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("+12065550188")
    shot(page, tmp_path, "numbers-forwarding-by-the-admin")

    _axe(
        browser,
        site,
        tmp_path,
        {"my-line": "/my-line", "forwarding": f"/numbers/{line.id}/forwarding"},
        user="ann",
    )
    _axe(browser, site, tmp_path, {"my-line-none": "/my-line"}, user="dee")


def test_deactivate_next_to_each_user_of_a_shared_number(
    page: Page,  # noqa: F811
    browser: Browser,  # noqa: F811
    site: Site,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Deactivate next to a user of a shared number takes them off; next to the last, the number.

    Seed (hcm-widget-style.txt): "Click the Deactivate button next to the target user." and
    "Confirm the deactivation to remove the number from the provisioned SMS list." The
    decision (``sms_core/web/numbers.py``): on a shared number the button deactivates that
    user's use of it, the number staying with the others; for its only user, the number.
    """
    acme = site.widget.account("acme")
    acme.users.upsert("kit", first_name="Kit", last_name="Staying")
    acme.users.upsert("lou", first_name="Lou", last_name="Going")
    [offer] = acme.numbers.search("admin", NumberQuery(area_code="303", limit=1))
    number = offer.number.e164
    acme.numbers.purchase("admin", number, ["kit", "lou"], accept_terms=True)
    site.sign_in(page)
    row = page.get_by_role("row").filter(has_text=number)
    users = row.locator("ul.users li")
    expect(users.filter(has_text="Lou Going").get_by_role("link", name="Deactivate")).to_have_count(
        1
    )
    expect(
        users.filter(has_text="Kit Staying").get_by_role("link", name="Deactivate")
    ).to_have_count(1)
    expect(row.get_by_role("link", name=re.compile("^Deactivate"))).to_have_count(2)
    shot(page, tmp_path, "numbers-deactivate-next-to-each-user")
    users.filter(has_text="Lou Going").get_by_role("link", name="Deactivate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Deactivate the number for this user?"
    )
    expect(page.get_by_text("takes Lou Going off")).to_be_visible()
    expect(
        page.get_by_text("The number stays active for its other users: Kit Staying.")
    ).to_be_visible()
    shot(page, tmp_path, "confirm-user-deactivation")
    page.get_by_role("link", name="Cancel").click()
    assert ("kit", "lou") == acme.numbers.get(number).line.user_ids  # Cancel changed nothing
    page.get_by_role("row").filter(has_text=number).locator("ul.users li").filter(
        has_text="Lou Going"
    ).get_by_role("link", name="Deactivate").click()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_have_text("✔ The user was removed from the number.")
    row = page.get_by_role("row").filter(has_text=number)
    expect(row.get_by_text("Lou Going")).to_have_count(0)
    expect(row.locator(".badge")).to_have_count(0)  # no longer shared
    assert ("kit",) == acme.numbers.get(number).line.user_ids

    row.locator("ul.users li").filter(has_text="Kit Staying").get_by_role(
        "link", name="Deactivate"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate this number?")
    expect(page.get_by_text("removes it from the provisioned SMS list")).to_be_visible()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_have_text(
        "✔ The number was deactivated and removed from the list."
    )
    expect(page.get_by_role("row").filter(has_text=number)).to_have_count(0)
    assert number not in {s.line.number.e164 for s in acme.numbers.list()}
    shot(page, tmp_path, "numbers-after-deactivating-the-last-user")

    shared = next(s.line for s in acme.numbers.list() if "ann" in s.line.user_ids)
    _axe(
        browser,
        site,
        tmp_path,
        {"numbers": "/numbers", "confirm-user": f"/numbers/{shared.id}/users/bob/deactivate"},
    )


def test_the_zip_code_advice_and_a_zero_result_search(
    page: Page,  # noqa: F811
    browser: Browser,  # noqa: F811
    site: Site,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The advice is the field's description; a zip code with no numbers says what to try.

    Seed (hcm-widget-style.txt): "Leave the Zip/Postal Code blank. Entering a zip code may
    return zero results. If needed, try multiple nearby area codes."
    """
    site.sign_in(page)
    page.get_by_role("link", name="Purchase New Phone Numbers").click()
    postal_code = page.get_by_label("Zip/Postal Code")
    expect(postal_code).to_be_empty()
    expect(postal_code).to_have_accessible_description(POSTAL_CODE_ADVICE)
    expect(page.get_by_text(POSTAL_CODE_ADVICE)).to_be_visible()
    page.get_by_label("Area code").fill("415")
    postal_code.fill("00000")
    page.get_by_role("button", name="Search").click()
    answer = page.get_by_role("status")
    expect(answer).to_contain_text("No numbers near postal code 00000")
    expect(answer).to_contain_text("leave the postal code blank")
    expect(answer).to_contain_text("try nearby area codes")
    expect(page.get_by_role("radio")).to_have_count(0)
    shot(page, tmp_path, "purchase-zero-results")
    page.get_by_role("link", name="Clear the Zip/Postal Code and search again").click()
    expect(page.get_by_label("Zip/Postal Code")).to_be_empty()
    expect(page.get_by_label("Area code")).to_have_value("415")
    choices = page.get_by_role("radio")
    expect(choices.first).to_be_checked()
    assert str(choices.first.get_attribute("value")).startswith("+1415")
    shot(page, tmp_path, "purchase-without-the-postal-code")

    _axe(
        browser,
        site,
        tmp_path,
        {"purchase-zero": "/numbers/buy?country=US&area_code=415&postal_code=00000"},
    )

"""Templates in a real browser: the Templates screen, and a recruiter's mass text from one.

The fixtures are :mod:`tests.web.test_browser`'s (one server and one browser for this module).
Merge fields are written as :mod:`sms_core.templating` reads them (``{candidate.first_name}``).
A refused form answers 4xx, which chromium logs as a console error, so the journeys that meet
a refusal use their own context that fails only on page errors (a CSP refusal, say), as
``test_browser``'s 51-recipient mass text does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sms_core.domain import Template
from tests.web import test_browser
from tests.web.conftest import FAILED_PAGE
from tests.web.test_browser import WIDTHS, Site, _violations, shot

# test_browser's fixtures (it skips the module without chromium, and so this one).
site = test_browser.site
browser = test_browser.browser
texting_site = test_browser.texting_site

SHIFTS = (
    "Hi {candidate.first_name}, {recruiter.first_name} at {agency.name} has shifts. "
    "Reply STOP to opt out."
)
#: In Austin: morning there at the site's clock, inside the allowed hours.
SAM, AL = "+15125550142", "+15125550143"


@pytest.fixture
def quiet_page(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A fresh context that fails the test on a page error, not on a 4xx answer's log line."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    request.node.stash[FAILED_PAGE] = (page, tmp_path / "failure.png")
    yield page
    context.close()
    assert [] == errors


@pytest.fixture(scope="module")
def shifts(texting_site: Site) -> Template:
    """The template "Shifts" of acme, saved by its admin."""
    templates = texting_site.widget.account("acme").templates
    return templates.create("admin", name="Shifts", body=SHIFTS)


class TestTemplateJourneys:
    """An admin writes templates; a recruiter sends one to several candidates."""

    def test_an_admin_adds_a_template_after_a_malformed_one_is_refused(
        self, quiet_page: Page, site: Site, tmp_path: Path
    ) -> None:
        """The counter flags the stray brace as it is typed; Add keeps the form and says where."""
        page = quiet_page
        site.sign_in(page)
        page.get_by_role("link", name="Templates").click()
        page.get_by_role("link", name="New template").click()
        page.get_by_label("Name", exact=True).fill("Interview")
        text = page.get_by_label("Text", exact=True)
        text.press_sequentially("Hi {candidate.first_name, your interview is at 10")
        check = page.locator("#check")
        expect(check).to_contain_text("This template would be refused:")
        expect(check).to_contain_text("'{' at position 4 is not a merge field")
        page.get_by_role("button", name="Add template").click()
        alert = page.get_by_role("alert").first
        expect(alert).to_contain_text("'{' at position 4 is not a merge field")
        expect(alert).to_contain_text("Nothing was saved")
        expect(page.get_by_label("Name", exact=True)).to_have_value("Interview")
        expect(page.get_by_label("Text", exact=True)).to_have_value(
            "Hi {candidate.first_name, your interview is at 10"
        )
        shot(page, tmp_path, "template-refused")
        page.get_by_label("Text", exact=True).fill("")
        page.get_by_label("Text", exact=True).press_sequentially(
            "Hi {candidate.first_name}, your interview is at 10."
        )
        expect(check).to_contain_text("Merged, each field at its longest")
        expect(check).to_contain_text("up to 1 segment")
        page.get_by_role("button", name="Add template").click()
        expect(page.get_by_role("status")).to_contain_text("The template was added.")
        expect(page.locator("#listing")).to_contain_text(
            "Hi {candidate.first_name}, your interview is at 10."
        )
        shot(page, tmp_path, "templates")

    def test_a_recruiter_picks_a_template_and_sees_each_merged_text(
        self, quiet_page: Page, texting_site: Site, shifts: Template, tmp_path: Path
    ) -> None:
        """A merge made too long refuses the whole mass text naming the recipient; then it goes."""
        page, acme = quiet_page, texting_site.widget.account("acme")
        before = len(acme.messages.page("admin", limit=100).items)
        texting_site.sign_in(page, user="ann")
        page.get_by_role("link", name="Mass text").click()
        page.get_by_label("Template").select_option(label="Shifts")
        page.get_by_role("button", name="Use template").click()
        expect(page.get_by_label("Message: the template Shifts")).to_have_value(SHIFTS)
        expect(page.locator("#check")).to_contain_text("Merged, each field at its longest")
        recipients = page.get_by_label("Recipients, one a line")
        recipients.fill(
            f"cand-sam, {SAM}, candidate.first_name=Sam\n"
            f"cand-al, {AL}, candidate.first_name={'A' * 104}"
        )
        page.get_by_role("button", name="Send to all").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text(f"recipient 2 ({AL})")
        expect(alert).to_contain_text("Nothing was changed.")
        shot(page, tmp_path, "mass-text-template-refused")
        assert before == len(acme.messages.page("admin", limit=100).items)
        page.goto(f"{texting_site.url}/web/mass-text?template={shifts.id}")
        page.get_by_label("Recipients, one a line").fill(
            f"cand-sam, {SAM}, candidate.first_name=Sam\ncand-al, {AL}, candidate.first_name=Al"
        )
        page.get_by_role("button", name="Send to all").click()
        expect(page.locator("#outcomes [role=status]")).to_have_text("✔ 2 of 2 sent.")
        rows = page.locator("#outcomes tbody tr")
        for row, name in ((rows.nth(0), "Sam"), (rows.nth(1), "Al")):
            expect(row.locator("[data-label=Text]")).to_have_text(
                f"Hi {name}, Ann at Acme Staffing has shifts. Reply STOP to opt out."
            )
            expect(row).to_contain_text("✔ Sent")
        shot(page, tmp_path, "mass-text-template-outcomes")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_accessibility_violation_on_templates(
    browser: Browser, texting_site: Site, shifts: Template, tmp_path: Path, width: int
) -> None:
    """axe-core on the Templates screens (a refusal included) and the template choices."""
    site = texting_site
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = {}
    site.sign_in(page)
    screens = {
        "templates": "/web/templates",
        "template-new": "/web/templates/new",
        "template-edit": f"/web/templates/{shifts.id}/edit",
        "template-delete": f"/web/templates/{shifts.id}/delete",
    }
    for name, path in screens.items():
        page.goto(site.url + path)
        shot(page, tmp_path, f"axe-{name}-{width}")
        found[name] = _violations(page)
    page.goto(f"{site.url}/web/templates/new")
    page.get_by_label("Name", exact=True).fill("Broken")
    page.get_by_label("Text", exact=True).fill("Hi }")
    page.get_by_role("button", name="Add template").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    found["template-refused"] = _violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 400)
    site.sign_in(page, user="ann")
    page.goto(f"{site.url}/web/texting?candidate=cand-sam&template={shifts.id}")
    shot(page, tmp_path, f"axe-texting-template-{width}")
    found["texting-template"] = _violations(page)
    page.goto(f"{site.url}/web/mass-text?template={shifts.id}")
    found["mass-text-template"] = _violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 400)
    context.close()
    assert {name: [] for name in found} == found

"""Browser checks of the web UI's polish: htmx under the strict CSP, swaps in place.

The fixtures are :mod:`tests.web.test_browser`'s (one server and one browser for this module;
the ``page`` fixture fails a test on any console error, a CSP refusal included).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web import test_browser
from tests.web.test_browser import (
    Site,
    _fill_sample_form,
    _open_registration,
    _registering_account,
)

# test_browser's fixtures (it skips the module without chromium, and so this one).
site = test_browser.site
browser = test_browser.browser
page = test_browser.page

#: Every screen whose page runs htmx (all do: base.html loads it).
HTMX_PAGES = ("/web/numbers", "/web/optouts", "/web/audit", "/web/registration", "/web/texting")


class TestHtmxUnderTheCsp:
    @pytest.mark.parametrize("path", HTMX_PAGES)
    def test_htmx_injects_no_style(self, page: Page, site: Site, path: str) -> None:
        """The htmx 2 script adds an inline ``<style>`` for its indicators unless told not to.

        ``htmx.config.includeIndicatorStyles`` (https://htmx.org/reference/#config) is false
        through base.html's ``htmx-config`` meta; app.css styles ``.htmx-indicator``. The CSP
        (``style-src 'self'``) would refuse the inline style and log it as a console error,
        which the ``page`` fixture fails the test on.
        """
        site.sign_in(page)
        page.goto(site.url + path)
        page.wait_for_function("() => window.htmx !== undefined")
        assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
        assert 0 == page.locator("style").count()
        hidden = page.evaluate(
            "() => { const e = document.createElement('span'); e.className = 'htmx-indicator';"
            " document.body.append(e); const shown = getComputedStyle(e).display;"
            " e.remove(); return shown; }"
        )
        assert "none" == hidden  # app.css hides an indicator until a request runs

    def test_check_the_form_swaps_it_in_place(self, page: Page, site: Site) -> None:
        """Check the form: the findings show without loading the page again."""
        admin = _registering_account(site, "vandelay")
        _open_registration(page, site, "vandelay", admin)
        _fill_sample_form(page)
        page.get_by_label("EIN").fill("123456789")
        page.evaluate("() => { window.notReloaded = true; }")
        page.get_by_role("button", name="Check the form").click()
        ein = page.get_by_label("EIN")
        expect(ein).to_have_attribute("aria-invalid", "true")
        expect(ein).to_have_accessible_description(re.compile("write it as 12-3456789"))
        expect(page.get_by_role("alert")).to_contain_text("The form has 1 error")
        assert page.evaluate("() => window.notReloaded === true"), "the page was loaded again"
        assert 1 == page.locator("#registration-form").count()
        assert 0 == page.locator("style").count()
        # What was typed stays, and the checked form still submits.
        ein.fill("12-3456789")
        page.get_by_role("button", name="Check the form").click()
        expect(page.get_by_role("status")).to_contain_text("The form passes the checks.")
        assert page.evaluate("() => window.notReloaded === true")
        page.get_by_role("button", name="Submit for registration").click()
        expect(page.get_by_role("status").first).to_contain_text("The brand was submitted")

"""The mass text's live progress in a real browser: "k of M done", then the totals.

One uvicorn server (the widget's UI at ``/web``) and one browser for this module; the browser
and page fixtures are :mod:`tests.web.test_browser`'s (a console error, a CSP refusal say,
fails a test). The sandbox adapter holds the texts to two candidates at the carrier's door
(:class:`tests.web.test_mass_text.HeldAdapter`), so the page is seen half-way, with the
refusal settled and the held texts not, whatever the machine's speed; then the test lets them
go and the page, polling on its own, shows the totals. Nothing here waits on the wall clock:
Playwright's ``expect`` waits for what the page shows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from starlette.applications import Starlette
from starlette.routing import Mount

from sms_core import ManualClock
from sms_core.services import SmsAdmin
from sms_core.web import create_web_app, sign_in_token
from sms_core.webhooks import LoopbackServer
from tests.web import test_browser
from tests.web.conftest import SECRET, START, build_widget, opted_out
from tests.web.test_browser import WIDTHS, _violations, shot
from tests.web.test_mass_text import HELD, HELD_TOO, HeldAdapter, finish_mass_texts
from tests.web.test_texting import register

# test_browser's fixtures (it skips the module without chromium, and so this one).
browser = test_browser.browser
page = test_browser.page

#: Half-way: the opted-out candidate is refused, the two held texts are not settled.
RECIPIENTS = f"cand-out, {opted_out(8).e164}\ncand-lee, {HELD}\ncand-kim, {HELD_TOO}"
HALF_WAY = "⏳ 1 of 3 done."
TOTALS = "✔ 2 of 3 sent, 1 refused."


class HeldSite:
    """The served UI, its SDK and the adapter holding the texts."""

    def __init__(self, url: str, clock: ManualClock, adapter: HeldAdapter) -> None:
        self.url = url
        self.clock = clock
        self.adapter = adapter

    def sign_in(self, page: Page, user: str = "ann") -> None:
        """Open the host's sign-in link for ``user``."""
        token = sign_in_token(SECRET, "acme", user, timedelta(minutes=2), now=self.clock.now())
        page.goto(f"{self.url}/web/signin?token={token}")

    def hold(self) -> None:
        """Hold the next texts to the held candidates (after the last mass text ended)."""
        finish_mass_texts()
        self.adapter.holding.clear()
        self.adapter.let_go.clear()


@pytest.fixture(scope="module")
def held_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeldSite]:
    folder = tmp_path_factory.mktemp("mass-progress-site")
    clock = ManualClock(START)
    adapter = HeldAdapter()
    with SmsAdmin.open(
        f"sqlite:///{folder / 'widget.sqlite3'}",
        host="hcm_widget",
        clock=clock,
        plugins=[adapter],
        rng=random.Random(7),
        webhook_base_url="https://sms.example.test/webhooks",
    ) as widget:
        build_widget(widget, folder / "carrier.sqlite3", clock)
        register(widget, folder / "carrier.sqlite3")
        app = Starlette(routes=[Mount("/web", app=create_web_app(widget, secret=SECRET))])
        with LoopbackServer() as server, server.serving(app):
            yield HeldSite(server.url(), clock, adapter)
            adapter.let_go.set()
            finish_mass_texts()


def _send_mass_text(page: Page, site: HeldSite) -> None:
    site.sign_in(page)
    page.get_by_role("link", name="Mass text").click()
    page.get_by_label("Recipients, one a line").fill(RECIPIENTS)
    page.get_by_label("Message", exact=True).fill("Shifts next week")
    page.get_by_role("button", name="Send to all").click()


class TestLiveProgress:
    def test_each_outcome_as_it_settles_then_the_totals(
        self, page: Page, held_site: HeldSite, tmp_path: Path
    ) -> None:
        """Half-way the bar and the words say 1 of 3; let go, the same page shows the totals."""
        site = held_site
        site.hold()
        _send_mass_text(page, site)
        status = page.locator("#outcomes [role=status]")
        expect(status).to_have_text(HALF_WAY)
        assert site.adapter.holding.is_set()
        bar = page.locator("#mass-run progress")
        expect(bar).to_have_attribute("value", "1")
        expect(bar).to_have_attribute("max", "3")
        rows = page.locator("#outcomes tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("⛔ Refused")
        expect(rows.nth(0)).to_contain_text("opted out")
        expect(rows.nth(1)).to_contain_text("⌛ Waiting")
        expect(rows.nth(2)).to_contain_text("⌛ Waiting")
        refused = rows.nth(0).locator(".status")
        assert "rgb(179, 38, 30)" == refused.evaluate("e => getComputedStyle(e).color")
        shot(page, tmp_path, "mass-text-half-way")
        page.evaluate("() => { window.notReloaded = true; }")
        site.adapter.let_go.set()
        expect(status).to_have_text(TOTALS)  # the page polled on its own, no reload
        assert page.evaluate("() => window.notReloaded === true"), "the page was loaded again"
        expect(bar).to_have_attribute("value", "3")
        expect(rows).to_have_count(3)
        expect(rows.nth(1)).to_contain_text("✔ Sent")
        expect(rows.nth(2)).to_contain_text("✔ Sent")
        assert 0 == page.locator("#mass-run[hx-trigger]").count()  # it stopped asking
        shot(page, tmp_path, "mass-text-totals")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_accessibility_violation_while_sending(
    browser: Browser, held_site: HeldSite, tmp_path: Path, width: int
) -> None:
    """axe-core on the mass text half-way and finished, in a laptop and a 400-px iframe."""
    site = held_site
    site.hold()
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    _send_mass_text(page, site)
    status = page.locator("#outcomes [role=status]")
    expect(status).to_have_text(HALF_WAY)
    shot(page, tmp_path, f"axe-mass-text-half-way-{width}")
    found = {"half-way": _violations(page)}
    assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 400)
    site.adapter.let_go.set()
    expect(status).to_have_text(TOTALS)
    shot(page, tmp_path, f"axe-mass-text-totals-{width}")
    found["totals"] = _violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 400)
    context.close()
    assert {name: [] for name in found} == found

"""Send later, the Scheduled screen and consent on the texting panel, in a real browser.

The server, the browser and the page come from ``test_browser.py`` (imported, so this module
gets its own module-scoped server and data; where chromium is missing, that import skips this
module too). Acme's campaign is approved by the sandbox first (``texting_site``), so Ann may
text. The site's clock starts on Tuesday 2026-03-10 at 15:00 UTC and the opt-outs move it half
an hour: 10:30 a.m. in Austin (Sam), 5:30 a.m. in Honolulu (Noa, quiet hours until 8 a.m.,
18:00 UTC). Quiet hours run on the SDK's clock (the sandbox's own clock runs its reviews and
deliveries): moving it and calling ``run_scheduled_sends()`` is what ``smsadmin serve
--schedule-every`` does in the background; the sandbox then delivers the text and posts its
status webhooks, as in ``test_browser.py``'s texting journey. The browser runs in New York's
time zone (daylight time from 2026-03-08, so UTC-04:00 on the site's day): Send later reads the
typed time there, as the page's script tells the server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sms_core import NEXT_ALLOWED
from sms_fake import SandboxCarrier
from tests.web.conftest import FAILED_PAGE
from tests.web.test_browser import (  # noqa: F401 - fixtures are found by name
    WIDTHS,
    Site,
    _carrier_path,
    _post_webhooks,
    _violations,
    browser,
    shot,
    site,
    texting_site,
)

#: Sam, in Austin; Noa, in Honolulu (quiet hours at the site's clock).
SAM = "+15125550142"
NOA = "+18085550100"
#: 8 a.m. in Honolulu that day: the first moment Noa may be texted.
NOA_MORNING = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
#: Midnight in Austin that night (CDT): quiet hours for Sam.
AUSTIN_MIDNIGHT = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)


#: What htmx logs when leaving the page cuts its message-list poll short: not an error.
_LEFT_MID_POLL = ("htmx:sendAbort", "htmx:afterRequest")


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:  # noqa: F811
    """``test_browser.page``, except that a poll cut short by leaving the panel is no error.

    These journeys leave the texting panel (Send later, Send when allowed, a link) while it
    polls its message list every 2 s; chromium then aborts the poll in flight, which htmx logs.
    Any other console error (a CSP refusal, a failed request) and any page error still fail.
    """
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="America/New_York"
    )
    context.set_default_timeout(10_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith(_LEFT_MID_POLL)
            else None
        ),
    )
    opened.on("pageerror", lambda error: errors.append(str(error)))
    request.node.stash[FAILED_PAGE] = (opened, tmp_path / "failure.png")
    yield opened
    context.close()
    assert [] == errors


def _open_panel(page: Page, served: Site, candidate: str) -> None:
    """Sign Ann in and open the candidate's texting panel from the navigation."""
    served.sign_in(page, user="ann")
    page.get_by_role("link", name="Texting").click()
    page.get_by_label("Candidate id").fill(candidate)
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", name="New text")).to_be_visible()


class TestScheduledJourneys:
    """A recruiter schedules, lists, cancels, and sends when quiet hours allow."""

    def test_schedule_for_later_see_it_listed_and_cancel_it(
        self,
        page: Page,
        texting_site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        served = texting_site
        due = (served.clock.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
        _open_panel(page, served, "cand-sam")
        page.get_by_label("Candidate's mobile number").fill(SAM)
        page.get_by_label("Message", exact=True).fill("Are you free for a call this afternoon?")
        # The script says the time typed is the recruiter's own, and tells the server its offset.
        typed = due - timedelta(hours=4)  # New York's daylight time on the site's day
        page.get_by_label("Date and time (your time)").fill(f"{typed:%Y-%m-%dT%H:%M}")
        expect(
            page.get_by_text("Read in your own time zone (UTC-04:00 on that date)")
        ).to_be_visible()
        shot(page, tmp_path, "texting-send-later")
        page.get_by_role("button", name="Schedule", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("The text was scheduled")
        # Back on the panel, listed with its Cancel: due in UTC and in the recruiter's time.
        waiting = page.locator(".waiting tbody tr").filter(has_text="free for a call")
        expect(waiting).to_contain_text(
            f"{due:%Y-%m-%d %H:%M} {typed:%Y-%m-%d %H:%M} your time (UTC-04:00)"
        )
        expect(waiting.get_by_role("link", name=re.compile("^Cancel the text due"))).to_be_visible()
        page.get_by_role("link", name="Scheduled", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Scheduled texts")
        row = page.locator("#listing tbody tr").filter(has_text="free for a call")
        expect(row).to_contain_text(f"{due:%Y-%m-%d %H:%M}")
        expect(row).to_contain_text("cand-sam")
        expect(row.locator(".status")).to_have_text("🕓 Waiting")
        shot(page, tmp_path, "scheduled-list")
        row.get_by_role("link", name=re.compile("^Cancel the text to cand-sam")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this scheduled text")
        expect(page.get_by_text("Once cancelled, it is never sent.")).to_be_visible()
        shot(page, tmp_path, "scheduled-confirm-cancel")
        page.get_by_role("button", name="Cancel the text").click()
        expect(page.get_by_role("status")).to_have_text(
            "✔ The scheduled text was cancelled; it will not be sent."
        )
        expect(row.locator(".status")).to_have_text("⊘ Cancelled")
        expect(row.get_by_role("link", name=re.compile("^Cancel"))).to_have_count(0)
        shot(page, tmp_path, "scheduled-cancelled")
        [cancelled] = [
            s
            for s in served.widget.account("acme").scheduled.list_page("admin").items
            if s.body.startswith("Are you free")
        ]
        assert "cancelled" == cancelled.state.value

    def test_in_quiet_hours_send_when_allowed_and_see_it_sent(
        self,
        page: Page,
        texting_site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """The check refuses now and offers the next allowed time; when it comes, it goes."""
        served = texting_site
        _open_panel(page, served, "cand-noa")
        page.get_by_label("Candidate's mobile number").fill(NOA)
        page.get_by_label("Message", exact=True).press_sequentially("Aloha Noa, shifts open")
        expect(page.get_by_role("alert")).to_contain_text("This text would be refused:")
        expect(page.locator("#check")).to_contain_text(
            f"It goes at {NOA_MORNING:%Y-%m-%d %H:%M} UTC"
        )
        shot(page, tmp_path, "texting-quiet-hours-send-when-allowed")
        page.get_by_role("button", name="Send when allowed").click()
        expect(page.get_by_role("status")).to_contain_text("The text was scheduled")
        page.goto(f"{served.url}/web/scheduled")
        row = page.locator("#listing tbody tr").filter(has_text="Aloha Noa")
        expect(row).to_contain_text(f"{NOA_MORNING:%Y-%m-%d %H:%M} when quiet hours allow")
        expect(row.locator(".status")).to_have_text("🕓 Waiting")
        # 8 a.m. in Honolulu: the background run (serve --schedule-every) sends it.
        served.clock.current = NOA_MORNING + timedelta(minutes=1)
        reports = served.widget.run_scheduled_sends()
        assert 1 == len(reports["acme"].sent)
        page.reload()
        expect(row.locator(".status")).to_have_text("✔ Sent")
        shot(page, tmp_path, "scheduled-sent")
        row.get_by_role("link", name="cand-noa").click()
        message = page.locator(".message").filter(has_text="Aloha Noa, shifts open")
        expect(message.locator(".sender")).to_have_text("Ann Lee")
        expect(message.locator(".status")).to_have_text("⏳ Queued")
        # The sandbox delivers it and posts its signed status webhooks, as for any text.
        with SandboxCarrier(_carrier_path(served)) as carrier:
            carrier.advance(timedelta(minutes=5))
            # Its own thread: the ASGI client runs an event loop, and Playwright's is running.
            with ThreadPoolExecutor(1) as thread:
                posted = thread.submit(_post_webhooks, carrier, served.widget).result()
        assert [204] * len(posted) == [answer.status_code for answer in posted]
        expect(message.locator(".status")).to_have_text("✔ Delivered")  # the panel polls
        shot(page, tmp_path, "texting-sent-when-allowed")

    def test_consent_is_shown_refused_and_recorded(
        self,
        page: Page,
        texting_site: Site,  # noqa: F811
        tmp_path: Path,
    ) -> None:
        """With consent required, the check refuses a number without it until it is recorded."""
        served = texting_site
        acme = served.widget.account("acme")
        acme.policy.set_consent_required("admin", True)
        try:
            _open_panel(page, served, "cand-lee")
            expect(page.get_by_text("No number for this candidate yet")).to_be_visible()
            page.get_by_label("Candidate's mobile number").fill("+12125550147")
            page.get_by_label("Message", exact=True).press_sequentially("Hello Lee")
            expect(page.get_by_role("alert")).to_contain_text("This text would be refused:")
            expect(page.get_by_role("alert")).to_contain_text("consent")
            shot(page, tmp_path, "texting-consent-refused")
            page.get_by_text("Record consent given outside texting").click()
            page.get_by_label("Number the consent covers").fill("+12125550147")
            page.get_by_label("How they gave it").select_option(label="On a signed paper form")
            page.get_by_label("Evidence").fill("Signed form, New York office drawer 2")
            page.get_by_role("button", name="Record consent").click()
            expect(page.get_by_role("status")).to_have_text(
                "✔ The candidate's consent was recorded."
            )
            page.get_by_label("Candidate's mobile number").fill("+12125550147")
            page.get_by_label("Message", exact=True).press_sequentially("Hello Lee")
            expect(page.locator("#check")).to_contain_text("9 / 160 characters")
            expect(page.get_by_role("alert")).to_have_count(0)
            page.get_by_role("button", name="Send", exact=True).click()
            expect(page.get_by_role("status")).to_contain_text("The text was sent")
            expect(page.get_by_text(re.compile(r"Given .* on a signed paper form"))).to_be_visible()
            shot(page, tmp_path, "texting-consent-recorded")
        finally:
            acme.policy.set_consent_required("admin", False)


def test_no_serious_accessibility_violation_on_scheduling(
    browser: Browser,  # noqa: F811
    texting_site: Site,  # noqa: F811
    tmp_path: Path,
) -> None:
    """axe-core on the Scheduled list, the cancel confirmation and the panel's new parts."""
    served = texting_site
    acme = served.widget.account("acme")
    # Midnight in Austin: quiet hours, so the check offers "Send when allowed"; Sam's consent
    # is on record, so the consent rule (checked first) lets the quiet-hours refusal show.
    served.clock.current = max(served.clock.now(), AUSTIN_MIDNIGHT)
    acme.consent.record("ann", SAM, source="verbal", evidence="Phone call")
    waiting = acme.scheduled.schedule(
        "ann", to=SAM, body="Checked by axe", at=NEXT_ALLOWED, candidate_id="cand-axe"
    )
    acme.policy.set_consent_required("admin", True)
    found = {}
    try:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
            page = context.new_page()
            served.sign_in(page, user="ann")
            for name, path in {
                "scheduled": "/web/scheduled?everyone=1",
                "confirm-cancel": f"/web/scheduled/{waiting.id}/cancel",
            }.items():
                page.goto(served.url + path)
                shot(page, tmp_path, f"axe-{name}-{width}")
                found[f"{name}-{width}"] = _violations(page)
                assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 400)
            # The panel's waiting list, its times in UTC and local time as after Send later.
            page.goto(f"{served.url}/web/texting?candidate=cand-axe&utc_offset=240")
            expect(page.locator(".waiting tbody tr")).to_contain_text("your time (UTC-04:00)")
            page.get_by_text("Record consent given outside texting").click()
            page.get_by_label("Candidate's mobile number").fill(SAM)
            page.get_by_label("Message", exact=True).press_sequentially("Hi")
            expect(page.get_by_role("button", name="Send when allowed")).to_be_visible()
            shot(page, tmp_path, f"axe-texting-later-consent-{width}")
            found[f"texting-{width}"] = _violations(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 400)
            context.close()
    finally:
        acme.policy.set_consent_required("admin", False)
    assert {name: [] for name in found} == found

"""The recruiter's Inbox in a real browser: a candidate replies, the recruiter reads it.

The server, the browser and the page come from ``test_browser.py`` (imported, so this module
gets its own module-scoped server and browser, and its own data; where chromium is missing,
that import skips this module too). The candidate's reply comes the way a carrier's does:
the sandbox injects the inbound text and posts its signed webhook to the webhook app over
HTTP, as the texting journey's delivery reports do.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sms_core import PhoneNumber
from sms_fake import SandboxCarrier
from tests.web import test_browser
from tests.web.test_browser import WIDTHS, Site, _carrier_path, _post_webhooks, _violations, shot

# test_browser's fixtures (it skips the module without chromium, and so this one).
site = test_browser.site
texting_site = test_browser.texting_site
browser = test_browser.browser
page = test_browser.page

#: Ivy, in Austin (10 a.m. at the site's clock, inside the allowed hours), texted by Ann.
IVY = "+15125550188"


def _ann_line(site: Site) -> str:
    return next(
        s.line.number.e164
        for s in site.widget.account("acme").numbers.list()
        if "ann" in s.line.user_ids
    )


def _reply(site: Site, sender: str, body: str) -> None:
    """``sender`` texts Ann's line; the sandbox posts the webhook to the webhook app."""
    with SandboxCarrier(_carrier_path(site)) as carrier:
        carrier.inject_inbound_text(
            "acme", PhoneNumber.parse(sender), PhoneNumber.parse(_ann_line(site)), body
        )
        # Its own thread: the ASGI client runs an event loop, and Playwright's is running.
        with ThreadPoolExecutor(1) as thread:
            posted = thread.submit(_post_webhooks, carrier, site.widget).result()
    assert posted
    assert all(answer.status_code < 300 for answer in posted)


def test_a_reply_shows_unread_then_reading_it_clears_the_badge(
    page: Page,
    texting_site: Site,
    tmp_path: Path,
) -> None:
    """Ann lands on her inbox; Ivy's reply shows as 1 unread; opening it reads it.

    The navigation's count comes without a reload (htmx polls it every 5 seconds); the row
    names the candidate, the line and the reply's first words; the texting panel shows the
    reply and, having shown it, leaves nothing unread.
    """
    site = texting_site
    site.widget.account("acme").messages.send(
        "ann", candidate_id="cand-ivy", to=IVY, body="Can you start Monday?"
    )
    site.sign_in(page, user="ann")
    expect(page).to_have_url(f"{site.url}/web/inbox")
    inbox_link = page.get_by_role("link", name=re.compile(r"^Inbox"))
    expect(inbox_link).to_have_text("Inbox")
    expect(page.get_by_text("No candidate has texted your line yet.")).to_be_visible()
    _reply(site, IVY, "Yes, Monday works for me")
    expect(inbox_link).to_have_text("Inbox ✉ 1 unread")  # polled, no reload
    page.reload()
    row = page.locator("#listing tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("cand-ivy")
    expect(row).to_contain_text(_ann_line(site))
    expect(row).to_contain_text("Yes, Monday works for me")
    expect(row.locator(".status")).to_have_text("✉ 1 unread")
    shot(page, tmp_path, "inbox-unread")
    row.get_by_role("link", name="cand-ivy").click()
    expect(page).to_have_url(f"{site.url}/web/texting?candidate=cand-ivy")
    expect(page.locator(".message.in .body")).to_have_text("Yes, Monday works for me")
    expect(inbox_link).to_have_text("Inbox")  # read: the badge is gone
    shot(page, tmp_path, "inbox-opened")
    inbox_link.click()
    expect(page.locator("#listing tbody tr .status")).to_have_text("✔ Read")
    assert 0 == site.widget.account("acme").inbox.unread_count("ann")
    # Bob shares the line and has not read it.
    assert 1 == site.widget.account("acme").inbox.unread_count("bob")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_accessibility_violation_on_the_inbox(
    browser: Browser,
    texting_site: Site,
    tmp_path: Path,
    width: int,
) -> None:
    """axe-core on Bob's inbox with an unread and a read thread, and on an opened thread."""
    site = texting_site
    _reply(site, "+15125550199", "Is the night shift still open?")
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    site.sign_in(page, user="bob")
    page.goto(f"{site.url}/web/inbox")
    expect(page.locator("#listing tbody tr").first).to_be_visible()
    shot(page, tmp_path, f"axe-inbox-{width}")
    found = {"inbox": _violations(page)}
    assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 400)
    page.locator("#listing tbody tr a").first.click()
    expect(page.locator(".message").first).to_be_visible()
    found["inbox-thread"] = _violations(page)
    context.close()
    assert {name: [] for name in found} == found

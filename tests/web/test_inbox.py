"""The Inbox screen over HTTP: the list, paging, unread counts, opening a thread, refusals.

Ann and Bob share acme's 415 number (``tests/web/conftest.py``), registered here so Ann may
text. Candidates' replies come the way a carrier's do: the sandbox injects the inbound text
and posts its signed webhook to the webhook app over HTTP.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from sms_core import ManualClock, PhoneNumber
from sms_core.services import SmsAdmin
from sms_core.testing.web import asgi_client
from sms_core.web.views import PAGE_SIZE
from sms_core.webhooks import create_app
from sms_fake import SandboxCarrier
from tests.web.conftest import csrf_of, mounted, signed_in
from tests.web.test_texting import register

SAM = "+15125550142"  # Austin, texted by Ann as cand-sam
NOA = "+15125550177"  # Austin, texts Ann's line first: no candidate id


def line_of(admin: SmsAdmin, user: str, account: str = "acme") -> str:
    """The number of the line ``user`` is on."""
    return next(
        s.line.number.e164 for s in admin.account(account).numbers.list() if user in s.line.user_ids
    )


def text_in(
    admin: SmsAdmin, tmp_path: Path, sender: str, to: str, body: str, account: str = "acme"
) -> None:
    """The candidate ``sender`` texts ``to``; the sandbox posts the webhook to the app."""
    with SandboxCarrier(tmp_path / "carrier.sqlite3") as carrier:
        carrier.inject_inbound_text(account, PhoneNumber.parse(sender), PhoneNumber.parse(to), body)
        with asgi_client(create_app(admin), "https://sms.example.test") as hooks:
            posted = carrier.deliver_webhooks(hooks)
    assert posted
    assert all(r.status_code < 300 for r in posted)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def thread_link(html: str, label: str) -> str:
    """The link of the inbox row whose candidate is ``label``."""
    found = re.search(rf'href="(/web/inbox/threads/[^"]+)">{re.escape(label)}</a>', html)
    assert found, html
    return found.group(1)


@pytest.fixture
def replied(widget: SmsAdmin, clock: ManualClock, tmp_path: Path) -> str:
    """Ann texted Sam (cand-sam), who replied twice; then Noa texted first. The line's number."""
    register(widget, tmp_path / "carrier.sqlite3")
    line = line_of(widget, "ann")
    widget.account("acme").messages.send(
        "ann", candidate_id="cand-sam", to=SAM, body="Hi Sam, free for a call?"
    )
    for sender, body in (
        (SAM, "Yes"),
        (SAM, "After five works best for me, thanks"),
        (NOA, "Hello"),
    ):
        clock.advance(timedelta(minutes=1))
        text_in(widget, tmp_path, sender, line, body)
    return line


@pytest.fixture
def ann(widget: SmsAdmin, clock: ManualClock, replied: str) -> httpx.Client:
    return signed_in(widget, clock, "ann")


class TestList:
    """The user's threads, newest reply first, with the candidate, line, last words and unread."""

    def test_rows(self, ann: httpx.Client, replied: str) -> None:
        html = ann.get("/web/inbox").text
        text = words(html)
        assert text.index("Unknown candidate") < text.index("cand-sam")
        assert f"cand-sam {SAM} {replied}" in text
        assert "Candidate · 2026-03-10 15:32 UTC After five works best for me, thanks" in text
        assert '<span aria-hidden="true">✉</span> 2 unread' in html
        assert '<span aria-hidden="true">✉</span> 1 unread' in html
        assert 'class="status status-unread"' in html

    def test_navigation_total_in_words_polled(self, ann: httpx.Client) -> None:
        """Every page's Inbox link says 3 unread and polls the small fragment, no script."""
        for page in ("/web/texting", "/web/optouts", "/web/inbox"):
            nav = ann.get(page).text.split("</nav>")[0]
            assert "Inbox ✉ 3 unread" in words(nav), page
        fragment = ann.get("/web/inbox/unread").text
        assert "3 unread" in words(fragment)
        assert 'hx-trigger="every 5s"' in fragment
        assert "<script" not in fragment

    def test_unread_only(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        widget.account("acme").inbox.mark_read("ann", line_of(widget, "ann"), NOA)
        text = words(ann.get("/web/inbox", params={"unread": "1"}).text)
        assert "cand-sam" in text
        assert "Unknown candidate" not in text
        assert "Inbox ✉ 2 unread" in text

    def test_an_answer_shows_and_reads(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        """Ann's answer is the thread's last message, and marks Sam's replies read for her."""
        widget.account("acme").messages.send("ann", candidate_id="cand-sam", to=SAM, body="Great")
        text = words(ann.get("/web/inbox").text)
        assert "Answered · 2026-03-10 15:33 UTC Great ✔ Read" in text
        assert "Inbox ✉ 1 unread" in text

    def test_long_message_cut_to_first_words(
        self, ann: httpx.Client, widget: SmsAdmin, tmp_path: Path, clock: ManualClock, replied: str
    ) -> None:
        clock.advance(timedelta(minutes=1))
        body = " ".join(f"w{index}" for index in range(30))
        text_in(widget, tmp_path, SAM, replied, body)
        text = words(ann.get("/web/inbox").text)
        assert "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 …" in text
        assert "w12" not in text

    def test_empty(self, widget: SmsAdmin, clock: ManualClock, replied: str) -> None:
        """Dee is on no line: no thread, no count."""
        text = words(signed_in(widget, clock, "dee").get("/web/inbox").text)
        assert "No candidate has texted your line yet." in text
        assert "unread" not in text.split("Sign out")[1].split("Inbox")[1][:20]

    def test_no_phone_number_in_any_link(self, ann: httpx.Client, replied: str) -> None:
        html = ann.get("/web/inbox").text
        for target in re.findall(r'(?:href|action|hx-get|hx-post)="([^"]+)"', html):
            for number in (SAM, NOA, replied):
                assert number[2:] not in target, target


class TestPaging:
    """More threads than a page: 25, then the rest behind Next page."""

    def test_two_pages(
        self, widget: SmsAdmin, clock: ManualClock, tmp_path: Path, replied: str
    ) -> None:
        for index in range(PAGE_SIZE):
            clock.advance(timedelta(seconds=10))
            text_in(widget, tmp_path, f"+1512555{2000 + index:04d}", replied, f"Reply {index}")
        ann = signed_in(widget, clock, "ann")
        first = ann.get("/web/inbox").text
        assert PAGE_SIZE == first.count('href="/web/inbox/threads/')
        assert "Reply 24" in first
        assert "cand-sam" not in first
        [following] = re.findall(r'href="(/web/inbox\?cursor=[^"]+)" rel="next"', first)
        second = ann.get(following.replace("&amp;", "&")).text
        assert 2 == second.count('href="/web/inbox/threads/')
        assert "cand-sam" in second
        assert "Last page" in second
        assert 400 == ann.get("/web/inbox", params={"cursor": "forged"}).status_code


class TestOpening:
    """Opening a thread goes to the texting panel, which marks read what it shows."""

    def test_opening_marks_read(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        link = thread_link(ann.get("/web/inbox").text, "cand-sam")
        answer = ann.get(link, follow_redirects=False)
        assert (303, "/web/texting?candidate=cand-sam") == (
            answer.status_code,
            answer.headers["location"],
        )
        panel = words(ann.get(answer.headers["location"]).text)
        assert "After five works best for me, thanks" in panel
        assert "Inbox ✉ 1 unread" in panel
        assert "✔ Read" in words(ann.get("/web/inbox").text)
        # Bob shares the line: his replies stay unread.
        assert 3 == widget.account("acme").inbox.unread_count("bob")

    def test_a_thread_without_a_candidate_id(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        """Noa texted first: the panel opens on that thread, marks it read, and answers in it."""
        link = thread_link(ann.get("/web/inbox").text, "Unknown candidate")
        location = ann.get(link, follow_redirects=False).headers["location"]
        assert location.startswith("/web/texting?thread=")
        html = ann.get(location).text
        assert f"Messages with {NOA}" in words(html)
        assert "Hello" in html
        assert f'value="{NOA}"' in html
        assert 'hx-get="/web/texting/messages?thread=' in html
        assert 2 == widget.account("acme").inbox.unread_count("ann")
        key = re.findall(r'name="idempotency_key" value="(\w+)"', html)[0]
        sent = ann.post(
            "/web/texting/send",
            data={
                "csrf_token": csrf_of(ann, "/web/inbox"),
                "candidate": "",
                "thread": location.split("thread=")[1],
                "idempotency_key": key,
                "to": NOA,
                "body": "Hi Noa, who is this?",
            },
        )
        assert 303 == sent.status_code
        assert sent.headers["location"].startswith("/web/texting?thread=")
        assert "Hi Noa, who is this?" in ann.get(sent.headers["location"]).text

    def test_another_users_thread_is_refused(
        self, widget: SmsAdmin, clock: ManualClock, ann: httpx.Client
    ) -> None:
        """Dee is on no line: Ann's thread is not in her inbox, opened or polled (404)."""
        link = thread_link(ann.get("/web/inbox").text, "cand-sam")
        dee = signed_in(widget, clock, "dee")
        assert 404 == dee.get(link).status_code
        message_id = link.rsplit("/", 1)[1]
        assert 404 == dee.get("/web/texting", params={"thread": message_id}).status_code
        assert 404 == dee.get("/web/texting/messages", params={"thread": message_id}).status_code
        assert 3 == widget.account("acme").inbox.unread_count("ann")

    def test_another_accounts_thread_is_refused(
        self, widget: SmsAdmin, clock: ManualClock, tmp_path: Path, ann: httpx.Client
    ) -> None:
        """Globex's reply's id, tried from Ann's session, is not found; nothing is marked."""
        register(widget, tmp_path / "carrier.sqlite3", "globex")
        text_in(widget, tmp_path, SAM, line_of(widget, "boss", "globex"), "Hi", "globex")
        globex = widget.account("globex")
        [thread] = globex.inbox.threads_page("boss").items
        for path in (f"/web/inbox/threads/{thread.last_message.id}", "/web/inbox/threads/nope"):
            assert 404 == ann.get(path).status_code
        assert 404 == ann.get("/web/texting", params={"thread": thread.last_message.id}).status_code
        assert 1 == globex.inbox.unread_count("boss")


class TestSignedOut:
    """Without a session the inbox, its count and its threads are refused."""

    @pytest.mark.parametrize("path", ["/web/inbox", "/web/inbox/unread", "/web/inbox/threads/x"])
    def test_refused(self, widget: SmsAdmin, path: str) -> None:
        answer = asgi_client(mounted(widget)).get(path)
        assert 401 == answer.status_code
        assert "unread" not in answer.text

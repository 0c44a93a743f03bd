"""The Texting panel over HTTP: views, actions, refusals, live status (mass text: test_mass_text).

Ann and Bob share acme's 415 number (``tests/web/conftest.py``); the tests mark it registered,
as attaching it to the approved campaign does, so they may text. The sandbox carrier's delivery
reports reach the webhook app over HTTP (``SandboxCarrier.deliver_webhooks``), and the panel's
polled fragment then shows the new status. Quiet hours follow the candidate's area code: at the
fixtures' 15:00 UTC it is 7 a.m. in Honolulu (808), before the 8 a.m. the federal rule allows.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sms_core import ManualClock, OptOutSource, PhoneNumber
from sms_core.domain import DeliveryStatus, Message
from sms_core.services import SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_core.testing.web import asgi_client
from sms_core.webhooks import create_app
from tests.web.conftest import csrf_of, opted_out, signed_in

SAM = "+15125550142"  # Austin: 9 a.m. at the fixtures' time
NOA = "+18085550100"  # Honolulu: 5 a.m., quiet hours


#: How long the sandbox reviews the brand, the campaign and the messaging service.
REVIEWS = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1))


def register(admin: SmsAdmin, carrier_path: Path, account_id: str = "acme") -> None:
    """Register the account's brand and campaign; the sandbox approves them and the lines attach.

    The sandbox's clock is its own: the SDK's (the quiet hours' clock) does not move.
    """
    from sms_fake import SandboxCarrier  # noqa: PLC0415 - the sandbox is an adapter

    account = admin.account(account_id)
    actor = "admin" if account_id == "acme" else "boss"
    account.registration.register(actor, sample_brand(), sample_campaign())
    with SandboxCarrier(carrier_path) as carrier:
        for review in REVIEWS:
            carrier.advance(review)
            account.registration.sync()
    assert all(s.line.registered for s in account.numbers.list())


@pytest.fixture
def ann(widget: SmsAdmin, clock: ManualClock, tmp_path: Path) -> httpx.Client:
    """Ann, on the shared registered line, signed in."""
    register(widget, tmp_path / "carrier.sqlite3")
    return signed_in(widget, clock, "ann")


#: The composer's idempotency key field (absent when the user cannot text).
KEY_FIELD = r'name="idempotency_key" value="(\w+)"'


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _field(html: str, name: str) -> str:
    """The first value of the form field ``name`` on the page."""
    found: list[str] = re.findall(rf'name="{name}" value="([^"]*)"', html)
    return found[0]


def _send(
    client: httpx.Client, candidate: str, to: str, body: str, key: str | None = None
) -> httpx.Response:
    panel = client.get("/web/texting", params={"candidate": candidate}).text
    return client.post(
        "/web/texting/send",
        data={
            "csrf_token": _field(panel, "csrf_token"),
            "candidate": candidate,
            "to": to,
            "body": body,
            "idempotency_key": key or "".join(re.findall(KEY_FIELD, panel)),
        },
    )


def user_reads(admin: SmsAdmin, client: httpx.Client, path: str) -> tuple[str, list[str]]:
    """The page at ``path``, and each statement that read users while it was made."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split()))

    sa.event.listen(admin.database.engine, "before_cursor_execute", record)
    try:
        answer = client.get(path)
    finally:
        sa.event.remove(admin.database.engine, "before_cursor_execute", record)
    assert 200 == answer.status_code, answer.text
    return answer.text, [text for text in statements if "FROM users " in f"{text} "]


def _messages(admin: SmsAdmin) -> list[Message]:
    return list(admin.account("acme").messages.page("admin").items)


class TestPanel:
    def test_without_a_candidate_the_form_names_one(self, ann: httpx.Client) -> None:
        html = ann.get("/web/texting").text
        assert '<label for="candidate">Candidate id</label>' in html
        assert 'id="composer"' not in html

    def test_send_shows_the_message_and_its_status_becomes_delivered(
        self, ann: httpx.Client, widget: SmsAdmin, tmp_path: Path
    ) -> None:
        """Queued on sending; delivered once the sandbox posts its status webhooks."""
        from sms_fake import SandboxCarrier  # noqa: PLC0415 - the sandbox is an adapter

        answer = _send(ann, "cand-sam", SAM, "Hi Sam, free for a call?")
        assert 303 == answer.status_code, answer.text
        assert "/web/texting?candidate=cand-sam&done=sent" == answer.headers["location"]
        html = ann.get(answer.headers["location"]).text
        assert "The text was sent" in html
        [message] = _messages(widget)
        assert message.status is DeliveryStatus.QUEUED
        fragment = ann.get("/web/texting/messages", params={"candidate": "cand-sam"}).text
        assert "Ann Lee" in _text(fragment)
        assert "Hi Sam, free for a call?" in fragment
        assert '<span aria-hidden="true">⏳</span> Queued' in fragment
        # The panel's thread names the line; the composer is prefilled with Sam's number.
        line = next(
            s.line for s in widget.account("acme").numbers.list() if "ann" in s.line.user_ids
        )
        assert f"Line {line.number.e164} ↔ {SAM}" in _text(html)
        assert f'value="{SAM}"' in html
        # The carrier delivers, then posts its signed status webhooks to the webhook app.
        with SandboxCarrier(tmp_path / "carrier.sqlite3") as carrier:
            carrier.advance(timedelta(minutes=5))
            with asgi_client(create_app(widget), "https://sms.example.test") as hooks:
                posted = carrier.deliver_webhooks(hooks)
        assert posted
        assert all(r.status_code < 300 for r in posted)
        fragment = ann.get("/web/texting/messages", params={"candidate": "cand-sam"}).text
        assert '<span aria-hidden="true">✔</span> Delivered' in fragment
        # The fragment polls itself: htmx, no inline script.
        assert 'hx-trigger="every 2s"' in fragment
        assert "<script" not in fragment

    def test_a_double_submitted_form_sends_once(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        first = _send(ann, "cand-sam", SAM, "Once only", key="k-1")
        second = _send(ann, "cand-sam", SAM, "Once only", key="k-1")
        assert (303, 303) == (first.status_code, second.status_code)
        assert 1 == len(_messages(widget))

    def test_no_phone_number_in_any_link(self, ann: httpx.Client) -> None:
        _send(ann, "cand-sam", SAM, "Hi")
        html = ann.get("/web/texting", params={"candidate": "cand-sam"}).text
        for target in re.findall(r'(?:href|action|hx-get|hx-post)="([^"]+)"', html):
            assert "5125550142" not in target, target

    def test_the_newest_page_first_then_older_ones(
        self, ann: httpx.Client, clock: ManualClock
    ) -> None:
        for index in range(27):
            clock.advance(timedelta(seconds=1))
            assert 303 == _send(ann, "cand-sam", SAM, f"Text number {index}").status_code
        html = ann.get("/web/texting", params={"candidate": "cand-sam"}).text
        # The newest 25, oldest to newest down the thread.
        assert "Text number 1<" not in html
        assert html.index("Text number 2<") < html.index("Text number 26<")
        [older] = re.findall(r'href="([^"]+)">Older messages', html)
        html = ann.get(older.replace("&amp;", "&")).text
        assert "Text number 0<" in html
        assert "Text number 1<" in html
        assert "Text number 2<" not in html
        assert "Newest messages" in html
        # The poll keeps to the page shown.
        assert "cursor=" in re.findall(r'hx-get="(/web/texting/messages[^"]+)"', html)[0]

    def test_a_forged_cursor_is_refused(self, ann: httpx.Client) -> None:
        answer = ann.get("/web/texting", params={"candidate": "cand-sam", "cursor": "bogus"})
        assert 400 == answer.status_code
        assert "cannot continue the newest history list" in answer.text

    def test_the_senders_are_named_in_one_read(
        self, ann: httpx.Client, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        """The polled list reads users as often with two senders as with one."""
        bob = signed_in(widget, clock, "bob")
        _send(ann, "cand-sam", SAM, "From Ann")
        fragment, alone = user_reads(widget, ann, "/web/texting/messages?candidate=cand-sam")
        assert "Ann Lee" in _text(fragment)
        _send(bob, "cand-sam", SAM, "From Bob")
        fragment, both = user_reads(widget, ann, "/web/texting/messages?candidate=cand-sam")
        assert "Ann Lee" in _text(fragment)
        assert "Bob Stone" in _text(fragment)
        assert len(alone) == len(both), both


class TestComposerCheck:
    """The check runs the send's own checks and shows the refusal before Send; nothing is sent."""

    def _check(self, client: httpx.Client, to: str, body: str) -> httpx.Response:
        csrf = csrf_of(client, "/web/texting?candidate=cand-x")
        return client.post("/web/texting/check", data={"csrf_token": csrf, "to": to, "body": body})

    def test_the_counter(self, ann: httpx.Client) -> None:
        html = self._check(ann, "", "Hello").text
        assert "5 / 160 characters" in _text(html)
        assert "1 segment (GSM-7)" in _text(html)
        unicode = self._check(ann, "", "Shifts next week 📅").text
        assert "(Unicode)" in unicode
        assert "Sent as Unicode because of: 📅" in unicode
        long = self._check(ann, "", "x" * 161).text
        assert "161 / 160 characters" in _text(long)
        assert "1 over the limit" in long

    def test_over_the_limit_with_a_number_is_the_sends_refusal(self, ann: httpx.Client) -> None:
        html = self._check(ann, SAM, "x" * 170).text
        assert "This text would be refused:" in html
        assert "at most 160 can be sent; shorten it by 10" in html

    def test_opted_out_is_shown_before_sending(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        html = self._check(ann, opted_out(3).e164, "Hello").text
        assert "This text would be refused:" in html
        assert "opted out" in html
        assert [] == _messages(widget)

    def test_quiet_hours_are_shown_before_sending(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        html = self._check(ann, NOA, "Hello").text
        assert "This text would be refused:" in html
        assert "quiet hours" in html.lower() or "allowed" in html
        assert [] == _messages(widget)

    def test_a_fine_text_has_no_refusal(self, ann: httpx.Client) -> None:
        assert "refused" not in self._check(ann, SAM, "Hello").text

    def test_the_check_needs_the_csrf_token(self, ann: httpx.Client) -> None:
        answer = ann.post("/web/texting/check", data={"to": SAM, "body": "Hi"})
        assert 403 == answer.status_code


class TestSendRefusals:
    def test_opted_out_shows_the_typed_error_and_sends_nothing(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = _send(ann, "cand-o", opted_out(1).e164, "Hello")
        assert 409 == answer.status_code
        assert "opted out" in answer.text
        assert "Nothing was changed." in answer.text
        assert [] == _messages(widget)

    def test_a_carrier_refusal_says_the_text_is_kept_as_failed(
        self, ann: httpx.Client, widget: SmsAdmin, tmp_path: Path
    ) -> None:
        """The carrier's own opt-out list refuses it (21610); the SDK stores the text failed.

        So the page must not say "Nothing was changed": the text is in the history.
        """
        from sms_fake import SandboxCarrier  # noqa: PLC0415 - the sandbox is an adapter

        [line] = [s.line for s in widget.account("acme").numbers.list() if "ann" in s.line.user_ids]
        with SandboxCarrier(tmp_path / "carrier.sqlite3") as carrier:
            carrier.opt_out("acme", line.number, PhoneNumber.parse(SAM))
        answer = _send(ann, "cand-sam", SAM, "Hello")
        assert 502 == answer.status_code
        assert "kept in the history as failed" in answer.text
        assert "Nothing was changed" not in answer.text
        [message] = _messages(widget)
        assert DeliveryStatus.FAILED is message.status

    def test_a_lost_carrier_answer_is_no_refusal(self, ann: httpx.Client, tmp_path: Path) -> None:
        """A send whose answer was lost is kept (unknown, looked up later), not an error page."""
        from sms_fake import SandboxCarrier  # noqa: PLC0415 - the sandbox is an adapter

        with SandboxCarrier(tmp_path / "carrier.sqlite3") as carrier:
            carrier.time_out_next_send("acme")
        assert 303 == _send(ann, "cand-sam", SAM, "Hello").status_code

    def test_quiet_hours_refused(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        answer = _send(ann, "cand-noa", NOA, "Hello")
        assert 409 == answer.status_code
        assert [] == _messages(widget)

    def test_an_invalid_number(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        answer = _send(ann, "cand-x", "555-01", "Hello")
        assert 400 == answer.status_code
        assert [] == _messages(widget)

    def test_without_csrf_nothing_is_sent(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        answer = ann.post("/web/texting/send", data={"candidate": "c", "to": SAM, "body": "Hi"})
        assert 403 == answer.status_code
        assert [] == _messages(widget)

    def test_a_user_on_no_line_sees_why_and_cannot_send(
        self, web: httpx.Client, widget: SmsAdmin, tmp_path: Path
    ) -> None:
        """The admin (Dana) is on no line: the panel says so instead of a composer."""
        register(widget, tmp_path / "carrier.sqlite3")
        html = web.get("/web/texting", params={"candidate": "cand-sam"}).text
        assert "You cannot text:" in html
        assert "is on no line" in html
        assert 'id="composer"' not in html
        assert 409 <= _send(web, "cand-sam", SAM, "Hi").status_code < 500
        assert [] == _messages(widget)

    def test_a_user_without_view_permission_cannot_read_history(
        self, ann: httpx.Client, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        """Cy is inactive in the HCM, which lets inactive users neither text nor read."""
        _send(ann, "cand-sam", SAM, "Private")
        cy = signed_in(widget, clock, "cy")
        for path in ("/web/texting", "/web/texting/messages"):
            answer = cy.get(path, params={"candidate": "cand-sam"})
            assert 403 == answer.status_code
            assert "Private" not in answer.text
            assert "inactive" in answer.text

    def test_another_accounts_candidate_shows_nothing_of_it(
        self, ann: httpx.Client, widget: SmsAdmin, tmp_path: Path
    ) -> None:
        """Globex's candidate id in acme's session finds acme's (no) messages, not globex's."""
        register(widget, tmp_path / "carrier.sqlite3", "globex")
        widget.account("globex").messages.send(
            "boss", candidate_id="cand-g", to=SAM, body="Globex secret"
        )
        html = ann.get("/web/texting", params={"candidate": "cand-g"}).text
        assert "Globex secret" not in html
        assert "No messages with this candidate yet." in html


def test_opted_out_fixture_is_in_force(widget: SmsAdmin) -> None:
    """The refusals above rest on these opt-outs (recorded by the host in the fixture)."""
    page = widget.account("acme").optouts.page("admin", limit=5)
    assert page.items[0].source is OptOutSource.HOST
    assert PhoneNumber.parse(opted_out(0).e164) == page.items[0].number


def test_each_refusal_words_what_it_left_behind() -> None:
    """Only a carrier's refusal leaves something: the text, kept as failed."""
    from sms_core.exceptions import (  # noqa: PLC0415 - only this test needs them
        InactiveUserError,
        PermissionDeniedError,
        ProviderTimeoutError,
        RecipientOptedOutError,
    )
    from sms_core.web.views import outcome_of  # noqa: PLC0415

    assert "Nothing was changed." == outcome_of(InactiveUserError("inactive"))
    assert "Nothing was changed." == outcome_of(
        PermissionDeniedError("no", actor_id="ann", action="send_message")
    )
    refused = outcome_of(RecipientOptedOutError("21610", provider="fake", code="21610"))
    assert "kept in the history as failed" in refused
    lost = outcome_of(ProviderTimeoutError("lost", provider="fake"))
    assert "may have been done" in lost
    assert "Nothing was changed" not in refused + lost

"""Send later, the Scheduled screen and consent on the texting panel, over HTTP.

Ann and Bob share acme's registered 415 line (``tests/web/test_texting.py``'s ``ann``). The
fixtures' clock is Tuesday 2026-03-10 15:00 UTC: 10 a.m. in Austin (Sam, allowed) and 5 a.m.
in Honolulu (Noa, quiet hours until 8 a.m. there, 18:00 UTC). Times on the form are UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_core import NEXT_ALLOWED, AuditAction, ManualClock, ScheduledState
from sms_core.domain import ScheduledSend
from sms_core.exceptions import InvalidFieldError
from sms_core.services import SmsAdmin
from sms_core.web.scheduled import UTC_OFFSET_MAX, scheduled_at, utc_offset
from tests.web.conftest import signed_in
from tests.web.test_texting import KEY_FIELD, NOA, SAM, _field, _text, register, user_reads

#: 18:30 UTC on the fixtures' day: a time Sam may be texted.
LATER = "2026-03-10T18:30"
#: 8 a.m. in Honolulu: the first moment Noa may be texted.
NOA_MORNING = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


@pytest.fixture
def ann(widget: SmsAdmin, clock: ManualClock, tmp_path: Path) -> httpx.Client:
    """Ann, on the shared registered line, signed in."""
    register(widget, tmp_path / "carrier.sqlite3")
    return signed_in(widget, clock, "ann")


def _schedule(
    client: httpx.Client,
    to: str,
    body: str,
    *,
    send_at: str = "",
    when: str = "",
    candidate: str = "cand-sam",
    key: str | None = None,
    utc_offset: str = "",
) -> httpx.Response:
    """Press "Send later" (``send_at``) or "Send when allowed" (``when="allowed"``).

    ``utc_offset`` is what the page's script fills in (empty: no script ran).
    """
    panel = client.get("/web/texting", params={"candidate": candidate}).text
    return client.post(
        "/web/texting/schedule",
        data={
            "csrf_token": _field(panel, "csrf_token"),
            "candidate": candidate,
            "to": to,
            "body": body,
            "send_at": send_at,
            "when": when,
            "idempotency_key": key or "".join(re.findall(KEY_FIELD, panel)),
            "utc_offset": utc_offset,
        },
    )


def _rows(admin: SmsAdmin, account: str = "acme") -> list[ScheduledSend]:
    viewer = "admin" if account == "acme" else "boss"
    return list(admin.account(account).scheduled.list_page(viewer).items)


def _words(page: str) -> str:
    """The page's text, as read: tags dropped, entities unescaped."""
    return unescape(_text(page))


def _csrf(client: httpx.Client) -> str:
    return _field(client.get("/web/scheduled").text, "csrf_token")


class TestSendLater:
    """The composer's "Send later" and "Send when allowed"."""

    def test_the_composer_says_the_time_zone(self, ann: httpx.Client) -> None:
        html = ann.get("/web/texting", params={"candidate": "cand-sam"}).text
        """Without the script (as here), the time is read in UTC and the page says so."""
        label = '<label for="send_at">Date and time <span id="send-at-zone">(UTC)</span></label>'
        assert label in html
        assert 'type="datetime-local"' in html
        assert "Read in UTC" in html
        assert '<input type="hidden" name="utc_offset" value="" id="utc_offset">' in html
        assert 'formaction="/web/texting/schedule"' in html

    def test_send_later_schedules_at_the_time_read_in_utc(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = _schedule(ann, SAM, "Call at 2?", send_at=LATER)
        assert 303 == answer.status_code, answer.text
        assert "/web/texting?candidate=cand-sam&done=scheduled" == answer.headers["location"]
        assert "The text was scheduled" in ann.get(answer.headers["location"]).text
        [row] = _rows(widget)
        assert (datetime(2026, 3, 10, 18, 30, tzinfo=UTC), "ann", "cand-sam") == (
            row.due_at.astimezone(UTC),
            row.user_id,
            row.candidate_id,
        )
        assert (ScheduledState.PENDING, False) == (row.state, row.when_allowed)
        assert [] == list(widget.account("acme").messages.page("admin").items)

    def test_a_double_submitted_form_schedules_once(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        first = _schedule(ann, SAM, "Once", send_at=LATER, key="k-later")
        second = _schedule(ann, SAM, "Once", send_at=LATER, key="k-later")
        assert (303, 303) == (first.status_code, second.status_code)
        assert 1 == len(_rows(widget))

    @pytest.mark.parametrize(
        ("send_at", "words"),
        [
            ("", "send_at '' cannot be used"),
            ("tomorrow", "send_at 'tomorrow' cannot be used"),
            ("2026-03-10T18:30+02:00", "send_at '2026-03-10T18:30+02:00' cannot be used"),
            ("2026-03-10T14:00", "past"),
        ],
    )
    def test_a_missing_bad_or_past_time_is_refused(
        self, ann: httpx.Client, widget: SmsAdmin, send_at: str, words: str
    ) -> None:
        answer = _schedule(ann, SAM, "Hi", send_at=send_at)
        assert 400 == answer.status_code
        assert words in _words(answer.text)
        assert "Nothing was changed." in answer.text
        assert [] == _rows(widget)

    def test_a_time_in_quiet_hours_is_refused_with_the_next_allowed_time(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = _schedule(ann, NOA, "Aloha", send_at="2026-03-10T16:00")
        assert 409 == answer.status_code
        assert "quiet hours" in answer.text.lower()
        assert [] == _rows(widget)

    def test_quiet_hours_offer_send_when_allowed_in_the_check(self, ann: httpx.Client) -> None:
        csrf = _csrf(ann)
        quiet = ann.post("/web/texting/check", data={"csrf_token": csrf, "to": NOA, "body": "Hi"})
        assert "This text would be refused:" in quiet.text
        assert 'name="when" value="allowed"' in quiet.text
        assert "It goes at 2026-03-10 18:00 UTC" in _text(quiet.text)
        allowed = ann.post("/web/texting/check", data={"csrf_token": csrf, "to": SAM, "body": "Hi"})
        assert 'value="allowed"' not in allowed.text

    def test_send_when_allowed_schedules_for_the_next_allowed_time(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = _schedule(ann, NOA, "Aloha", when="allowed", candidate="cand-noa")
        assert 303 == answer.status_code, answer.text
        [row] = _rows(widget)
        assert (NOA_MORNING, True) == (row.due_at.astimezone(UTC), row.when_allowed)

    def test_without_csrf_nothing_is_scheduled(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        answer = ann.post("/web/texting/schedule", data={"to": SAM, "body": "Hi", "send_at": LATER})
        assert 403 == answer.status_code
        assert [] == _rows(widget)

    def test_an_opted_out_number_is_refused_now(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        from tests.web.conftest import opted_out  # noqa: PLC0415 - one use

        answer = _schedule(ann, opted_out(3).e164, "Hi", send_at=LATER)
        assert 409 == answer.status_code
        assert "opted out" in answer.text
        assert [] == _rows(widget)

    def test_send_with_a_time_typed_sends_nothing(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        """Enter in the time field submits with Send (the form's first button): refused."""
        panel = ann.get("/web/texting", params={"candidate": "cand-sam"}).text
        answer = ann.post(
            "/web/texting/send",
            data={
                "csrf_token": _field(panel, "csrf_token"),
                "candidate": "cand-sam",
                "to": SAM,
                "body": "Meant for later",
                "send_at": LATER,
                "idempotency_key": "".join(re.findall(KEY_FIELD, panel)),
            },
        )
        assert 400 == answer.status_code
        assert "press Schedule (under Send later)" in answer.text
        assert [] == list(widget.account("acme").messages.page("admin").items)
        assert [] == _rows(widget)


class TestLocalTime:
    """Send later in the recruiter's own time zone, as the browser gave its offset."""

    @pytest.mark.parametrize(
        ("offset", "typed", "local"),
        [
            # New York on 2026-03-10 (daylight time since 03-08): getTimezoneOffset() is 240.
            ("240", "2026-03-10T14:30", "2026-03-10 14:30 your time (UTC-04:00)"),
            # India, east of UTC by 5:30: the offset is negative.
            ("-330", "2026-03-11T00:00", "2026-03-11 00:00 your time (UTC+05:30)"),
            ("0", "2026-03-10T18:30", "2026-03-10 18:30 your time (UTC+00:00)"),
        ],
    )
    def test_the_typed_time_is_local_and_shown_in_utc_and_local(
        self, ann: httpx.Client, widget: SmsAdmin, offset: str, typed: str, local: str
    ) -> None:
        answer = _schedule(ann, SAM, "Call at 2?", send_at=typed, utc_offset=offset)
        assert 303 == answer.status_code, answer.text
        assert (
            f"/web/texting?candidate=cand-sam&done=scheduled&utc_offset={offset}"
            == answer.headers["location"]
        )
        [row] = _rows(widget)
        assert datetime(2026, 3, 10, 18, 30, tzinfo=UTC) == row.due_at.astimezone(UTC)
        words = _words(ann.get(answer.headers["location"]).text)
        assert f"2026-03-10 18:30 {local}" in words

    def test_without_the_offset_the_time_is_utc_and_shown_in_utc_only(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = _schedule(ann, SAM, "Call at 2?", send_at=LATER, utc_offset="")
        assert "/web/texting?candidate=cand-sam&done=scheduled" == answer.headers["location"]
        [row] = _rows(widget)
        assert datetime(2026, 3, 10, 18, 30, tzinfo=UTC) == row.due_at.astimezone(UTC)
        words = _words(ann.get(answer.headers["location"]).text)
        assert "2026-03-10 18:30" in words
        assert "your time" not in words

    @pytest.mark.parametrize("offset", ["841", "-841", "9999", "1.5", "abc", "+", "300 "])
    def test_an_offset_out_of_bounds_or_not_minutes_is_refused(
        self, ann: httpx.Client, widget: SmsAdmin, offset: str
    ) -> None:
        """More than 14 hours either way, or not whole minutes: refused, nothing stored."""
        answer = _schedule(ann, SAM, "Hi", send_at=LATER, utc_offset=offset.replace(" ", "x"))
        assert 400 == answer.status_code
        assert "utc_offset" in _words(answer.text)
        assert "from -840 to 840" in _words(answer.text)
        assert "Nothing was changed." in answer.text
        assert [] == _rows(widget)

    def test_the_bounds_are_accepted(self) -> None:
        assert (840, -840, None) == (utc_offset("840"), utc_offset("-840"), utc_offset(" "))
        assert datetime(2026, 3, 10, 4, 30, tzinfo=UTC) == scheduled_at("2026-03-10T18:30", -840)

    def test_a_bad_offset_on_the_panel_is_refused(self, ann: httpx.Client) -> None:
        answer = ann.get("/web/texting", params={"candidate": "cand-sam", "utc_offset": "901"})
        assert 400 == answer.status_code
        assert "utc_offset '901' cannot be used" in _words(answer.text)

    def test_a_local_time_past_the_calendars_end_is_the_typed_refusal(self) -> None:
        with pytest.raises(InvalidFieldError) as refused:
            scheduled_at("9999-12-31T23:59", 840)
        assert "send_at" == refused.value.field
        assert "your local time" in str(refused.value)


class TestReadingTheTime:
    """``scheduled_at``: the form's ``datetime-local`` value, read in UTC."""

    def test_a_local_time_is_utc(self) -> None:
        assert datetime(2026, 3, 10, 18, 30, tzinfo=UTC) == scheduled_at(" 2026-03-10T18:30 ")

    def test_seconds_are_kept(self) -> None:
        assert datetime(2026, 3, 10, 18, 30, 5, tzinfo=UTC) == scheduled_at("2026-03-10T18:30:05")

    @settings(max_examples=300, deadline=None)
    @given(
        st.one_of(st.text(max_size=40), st.datetimes().map(lambda d: d.isoformat())),
        st.one_of(st.none(), st.integers(-UTC_OFFSET_MAX, UTC_OFFSET_MAX)),
    )
    def test_any_text_is_a_utc_time_or_the_typed_refusal(
        self, value: str, offset: int | None
    ) -> None:
        """Whatever a form sends, at any offset: a UTC time, or the refusal naming the field."""
        refused: str | None = None
        try:
            moment = scheduled_at(value, offset)
        except InvalidFieldError as err:
            refused = err.field
        else:
            assert timedelta(0) == moment.utcoffset()
        assert refused in (None, "send_at")


@pytest.fixture
def two_scheduled(ann: httpx.Client, widget: SmsAdmin) -> tuple[ScheduledSend, ScheduledSend]:
    """Ann's text to Sam at 18:30 and Bob's to Noa when allowed (18:00)."""
    acme = widget.account("acme")
    anns = acme.scheduled.schedule(
        "ann", to=SAM, body="Ann's", at=datetime(2026, 3, 10, 18, 30, tzinfo=UTC),
        candidate_id="cand-sam",
    )  # fmt: skip
    bobs = acme.scheduled.schedule("bob", to=NOA, body="Bob's", at=NEXT_ALLOWED)
    return anns, bobs


class TestScheduledScreen:
    """The list: a recruiter's own by default, everyone's for an admin; paged; states in words."""

    def test_a_recruiter_sees_their_own_then_everyones(
        self, ann: httpx.Client, two_scheduled: tuple[ScheduledSend, ScheduledSend]
    ) -> None:
        html = _words(ann.get("/web/scheduled").text)
        assert "Showing yours." in html
        assert "Ann's" in html
        assert "Bob's" not in html
        assert "2026-03-10 18:30" in html
        assert "🕓 Waiting" in html
        everyone = _words(ann.get("/web/scheduled", params={"everyone": "1"}).text)
        assert "Bob Stone" in everyone
        assert "Bob's" in everyone
        assert "when quiet hours allow" in everyone
        # Soonest first: Bob's 18:00 before Ann's 18:30.
        assert everyone.index("Bob's") < everyone.index("Ann's")

    def test_the_schedulers_are_named_in_one_read(
        self, ann: httpx.Client, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        """The list reads users as often with two schedulers as with one."""
        acme = widget.account("acme")
        acme.scheduled.schedule("ann", to=SAM, body="Ann's", at=NEXT_ALLOWED)
        page, alone = user_reads(widget, ann, "/web/scheduled?everyone=1")
        assert "Ann Lee" in _words(page)
        acme.scheduled.schedule("bob", to=NOA, body="Bob's", at=NEXT_ALLOWED)
        page, both = user_reads(widget, ann, "/web/scheduled?everyone=1")
        assert "Bob Stone" in _words(page)
        assert "Ann Lee" in _words(page)
        assert len(alone) == len(both), both

    def test_an_admin_sees_everyones(
        self,
        widget: SmsAdmin,
        clock: ManualClock,
        two_scheduled: tuple[ScheduledSend, ScheduledSend],
    ) -> None:
        admin = signed_in(widget, clock)
        html = _words(admin.get("/web/scheduled").text)
        assert "Showing everyone's." in html
        assert "Ann's" in html
        assert "Bob's" in html
        assert "Showing yours." in _text(admin.get("/web/scheduled?mine=1").text)

    def test_the_navigation_links_it(self, ann: httpx.Client) -> None:
        html = ann.get("/web/scheduled").text
        assert '<a href="/web/scheduled" aria-current="page">Scheduled</a>' in html
        assert "No scheduled texts." in html

    def test_pages(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        start = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
        for minute in range(26):
            acme.scheduled.schedule(
                "ann", to=SAM, body=f"n{minute}", at=start + timedelta(minutes=minute)
            )
        first = ann.get("/web/scheduled").text
        assert 25 == first.count("<tr>") - 1
        [next_link] = re.findall(r'href="(/web/scheduled\?mine=1&amp;cursor=[^"]+)"', first)
        second = ann.get(next_link.replace("&amp;", "&")).text
        assert ">n25<" in second
        assert "Last page" in second

    def test_a_forged_cursor_is_refused(self, ann: httpx.Client) -> None:
        answer = ann.get("/web/scheduled", params={"cursor": "forged"})
        assert 400 == answer.status_code


class TestCancel:
    """Cancel after confirming; the service's refusals shown; another account's id is none."""

    def test_cancel_after_confirming(
        self,
        ann: httpx.Client,
        widget: SmsAdmin,
        two_scheduled: tuple[ScheduledSend, ScheduledSend],
    ) -> None:
        anns, _ = two_scheduled
        listed = ann.get("/web/scheduled").text
        assert f'href="/web/scheduled/{anns.id}/cancel"' in listed
        confirm = ann.get(f"/web/scheduled/{anns.id}/cancel")
        assert 200 == confirm.status_code
        assert "cand-sam" in confirm.text
        assert "2026-03-10 18:30 UTC" in _text(confirm.text)
        assert f'action="/web/scheduled/{anns.id}/cancel"' in confirm.text
        assert ScheduledState.PENDING is _rows(widget)[1].state  # confirming changed nothing
        answer = ann.post(f"/web/scheduled/{anns.id}/cancel", data={"csrf_token": _csrf(ann)})
        assert 303 == answer.status_code, answer.text
        assert "/web/scheduled?done=cancelled" == answer.headers["location"]
        html = _text(ann.get(answer.headers["location"]).text)
        assert "The scheduled text was cancelled" in html
        assert "⊘ Cancelled" in html
        assert f"/web/scheduled/{anns.id}/cancel" not in ann.get("/web/scheduled").text
        [entry] = [
            e
            for e in widget.account("acme").audit.page(viewer_id="admin").items
            if e.action is AuditAction.CANCEL_SCHEDULED_SEND
        ]
        assert "ann" == entry.actor_id

    def test_a_cancelled_one_cannot_be_cancelled_again(
        self, ann: httpx.Client, two_scheduled: tuple[ScheduledSend, ScheduledSend]
    ) -> None:
        anns, _ = two_scheduled
        csrf = _csrf(ann)
        assert (
            303
            == ann.post(f"/web/scheduled/{anns.id}/cancel", data={"csrf_token": csrf}).status_code
        )
        again = ann.post(f"/web/scheduled/{anns.id}/cancel", data={"csrf_token": csrf})
        assert 409 == again.status_code
        assert "cannot be cancelled: it is cancelled" in again.text

    def test_a_sent_one_cannot_be_cancelled(
        self,
        ann: httpx.Client,
        widget: SmsAdmin,
        clock: ManualClock,
        two_scheduled: tuple[ScheduledSend, ScheduledSend],
    ) -> None:
        anns, _ = two_scheduled
        clock.advance(timedelta(hours=4))
        report = widget.account("acme").scheduled.run_due()
        assert anns.id in [row.id for row in report.sent]
        html = _words(ann.get("/web/scheduled").text)
        assert "✔ Sent" in html
        refused = ann.post(f"/web/scheduled/{anns.id}/cancel", data={"csrf_token": _csrf(ann)})
        assert 409 == refused.status_code
        assert "cannot be cancelled: it is sent" in refused.text
        assert "Nothing was changed." in refused.text

    def test_a_recruiter_cannot_cancel_anothers(
        self,
        ann: httpx.Client,
        widget: SmsAdmin,
        two_scheduled: tuple[ScheduledSend, ScheduledSend],
    ) -> None:
        _, bobs = two_scheduled
        refused = ann.post(f"/web/scheduled/{bobs.id}/cancel", data={"csrf_token": _csrf(ann)})
        assert 403 == refused.status_code
        assert (
            ScheduledState.PENDING is widget.account("acme").scheduled.get("admin", bobs.id).state
        )

    def test_an_admin_cancels_anyones(
        self,
        widget: SmsAdmin,
        clock: ManualClock,
        two_scheduled: tuple[ScheduledSend, ScheduledSend],
    ) -> None:
        _, bobs = two_scheduled
        admin = signed_in(widget, clock)
        answer = admin.post(f"/web/scheduled/{bobs.id}/cancel", data={"csrf_token": _csrf(admin)})
        assert 303 == answer.status_code, answer.text
        assert (
            ScheduledState.CANCELLED is widget.account("acme").scheduled.get("admin", bobs.id).state
        )

    def test_without_csrf_nothing_is_cancelled(
        self,
        ann: httpx.Client,
        widget: SmsAdmin,
        two_scheduled: tuple[ScheduledSend, ScheduledSend],
    ) -> None:
        anns, _ = two_scheduled
        assert 403 == ann.post(f"/web/scheduled/{anns.id}/cancel").status_code
        assert (
            ScheduledState.PENDING is widget.account("acme").scheduled.get("admin", anns.id).state
        )

    def test_another_accounts_id_is_not_found(
        self, ann: httpx.Client, widget: SmsAdmin, tmp_path: Path
    ) -> None:
        register(widget, tmp_path / "carrier.sqlite3", "globex")
        theirs = widget.account("globex").scheduled.schedule(
            "boss", to=SAM, body="Globex's", at=NOA_MORNING
        )
        assert 404 == ann.get(f"/web/scheduled/{theirs.id}/cancel").status_code
        posted = ann.post(f"/web/scheduled/{theirs.id}/cancel", data={"csrf_token": _csrf(ann)})
        assert 404 == posted.status_code
        assert "Globex's" not in _words(ann.get("/web/scheduled?everyone=1").text)
        assert ScheduledState.PENDING is _rows(widget, "globex")[0].state


@pytest.fixture
def consent_on(ann: httpx.Client, widget: SmsAdmin) -> httpx.Client:
    """Acme requires consent before a first text; Ann signed in."""
    widget.account("acme").policy.set_consent_required("admin", True)
    return ann


def _check(client: httpx.Client, to: str) -> str:
    return _words(
        client.post(
            "/web/texting/check", data={"csrf_token": _csrf(client), "to": to, "body": "Hi"}
        ).text
    )


def _record(client: httpx.Client, number: str, source: str, evidence: str) -> httpx.Response:
    return client.post(
        "/web/texting/consent",
        data={
            "csrf_token": _csrf(client),
            "candidate": "cand-sam",
            "number": number,
            "source": source,
            "evidence": evidence,
        },
    )


class TestOnThePanel:
    """The texting panel lists the candidate's texts still waiting, each with its Cancel."""

    def test_the_candidates_waiting_texts_with_cancel(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        acme = widget.account("acme")
        long_body = "Your interview with Northwind is confirmed for Thursday, bring two forms of ID"
        bobs = acme.scheduled.schedule(
            "bob", to=SAM, body=long_body, at=datetime(2026, 3, 10, 19, 0, tzinfo=UTC),
            candidate_id="cand-sam",
        )  # fmt: skip
        anns = acme.scheduled.schedule(
            "ann", to=SAM, body="Call at 2?", at=datetime(2026, 3, 10, 18, 30, tzinfo=UTC),
            candidate_id="cand-sam",
        )  # fmt: skip
        gone = acme.scheduled.schedule(
            "ann", to=SAM, body="Never mind", at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC),
            candidate_id="cand-sam",
        )  # fmt: skip
        acme.scheduled.cancel("ann", gone.id)
        acme.scheduled.schedule(
            "ann", to=NOA, body="Not Sam's", at=NEXT_ALLOWED, candidate_id="cand-noa"
        )
        html = ann.get("/web/texting", params={"candidate": "cand-sam"}).text
        words = _words(html)
        section = words[words.index("Scheduled texts") : words.index("New text")]
        # Soonest first: due time, sender, the body's first words, state.
        assert section.index("2026-03-10 18:30") < section.index("2026-03-10 19:00")
        assert "Ann Lee" in section
        assert "Bob Stone" in section
        assert "Call at 2?" in section
        assert "Your interview with Northwind is confirmed for Thursday,…" in section
        assert long_body not in section
        assert 2 == section.count("🕓 Waiting")
        assert "Never mind" not in section
        assert "Not Sam's" not in section
        for row in (anns, bobs):
            assert f'href="/web/scheduled/{row.id}/cancel"' in html
        # The link leads to the Scheduled screen's confirmation, which cancels it.
        confirm = ann.get(f"/web/scheduled/{anns.id}/cancel")
        assert "Call at 2?" in confirm.text
        answer = ann.post(f"/web/scheduled/{anns.id}/cancel", data={"csrf_token": _csrf(ann)})
        assert 303 == answer.status_code, answer.text
        html = ann.get("/web/texting", params={"candidate": "cand-sam"}).text
        assert f"/web/scheduled/{anns.id}/cancel" not in html
        assert f"/web/scheduled/{bobs.id}/cancel" in html

    def test_none_waiting_says_so(self, ann: httpx.Client) -> None:
        html = _words(ann.get("/web/texting", params={"candidate": "cand-sam"}).text)
        assert "No texts to this candidate are waiting to be sent." in html


class TestConsent:
    """The candidate's consent on the panel, its refusal before Send, and recording it."""

    def test_nothing_is_shown_when_the_account_does_not_require_it(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        widget.account("acme").messages.send("ann", candidate_id="cand-sam", to=SAM, body="Hi")
        html = ann.get("/web/texting", params={"candidate": "cand-sam"}).text
        assert 'id="consent-heading"' not in html
        assert "This text would be refused" not in _check(ann, SAM)

    def test_the_refusal_is_shown_before_send(self, consent_on: httpx.Client) -> None:
        words = _check(consent_on, SAM)
        assert "This text would be refused:" in words
        assert "consent" in words.lower()
        assert 'value="allowed"' not in words  # only quiet hours wait for a time

    def test_no_consent_recorded_then_recorded_and_shown(
        self, consent_on: httpx.Client, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        acme = widget.account("acme")
        # Sam's consent, then a text: the panel knows Sam's number from the thread.
        acme.consent.record("ann", SAM, source="verbal", evidence="Call on 3 March")
        acme.messages.send("ann", candidate_id="cand-sam", to=SAM, body="Hi Sam")
        other = "+15125550143"
        page = _words(consent_on.get("/web/texting", params={"candidate": "cand-sam"}).text)
        given = (
            f"Given {clock.now():%Y-%m-%d %H:%M} UTC verbally, to a recruiter, recorded by Ann Lee"
        )
        assert f"✔ {given}: Call on 3 March" in page
        assert "This text would be refused" in _check(consent_on, other)
        answer = _record(consent_on, other, "paper", "Signed form in the Austin office")
        assert 303 == answer.status_code, answer.text
        assert "/web/texting?candidate=cand-sam&done=consent" == answer.headers["location"]
        assert "The candidate's consent was recorded." in _words(
            consent_on.get(answer.headers["location"]).text
        )
        [made] = acme.consent.of("admin", other)
        assert ("paper", "ann", "cand-sam") == (
            made.source.value,
            made.recorded_by,
            made.candidate_id,
        )
        assert "This text would be refused" not in _check(consent_on, other)
        assert any(
            e.action is AuditAction.RECORD_CONSENT and e.actor_id == "ann"
            for e in acme.audit.page(viewer_id="admin").items
        )

    def test_a_candidate_without_a_record_says_so(
        self, consent_on: httpx.Client, widget: SmsAdmin
    ) -> None:
        # Before the rule, Ann texted Sam: the panel knows the number; there is no record.
        widget.account("acme").policy.set_consent_required("admin", False)
        widget.account("acme").messages.send("ann", candidate_id="cand-sam", to=SAM, body="Hi")
        widget.account("acme").policy.set_consent_required("admin", True)
        page = _words(consent_on.get("/web/texting", params={"candidate": "cand-sam"}).text)
        assert f"✘ No consent recorded for {SAM}." in page
        assert "Record consent given outside texting" in page

    def test_a_new_candidate_has_no_number_yet(self, consent_on: httpx.Client) -> None:
        page = _words(consent_on.get("/web/texting", params={"candidate": "cand-new"}).text)
        assert "No number for this candidate yet" in page

    @pytest.mark.parametrize(
        ("source", "evidence", "words"),
        [
            ("text_keyword", "START", "cannot be recorded by a user"),
            ("fax", "x", "cannot be recorded by a user"),
            ("paper", "   ", "needs evidence"),
        ],
    )
    def test_a_bad_record_is_refused_and_nothing_is_stored(
        self, consent_on: httpx.Client, widget: SmsAdmin, source: str, evidence: str, words: str
    ) -> None:
        answer = _record(consent_on, SAM, source, evidence)
        assert 400 == answer.status_code
        assert words in _words(answer.text)
        assert [] == widget.account("acme").consent.of("admin", SAM)

    def test_recording_needs_the_csrf_token(
        self, consent_on: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = consent_on.post(
            "/web/texting/consent", data={"number": SAM, "source": "paper", "evidence": "x"}
        )
        assert 403 == answer.status_code
        assert [] == widget.account("acme").consent.of("admin", SAM)

"""The Mass text screen over HTTP: the POST starts it, the page polls its progress fragment.

The mass text runs in a thread of the web app (:mod:`sms_core.web.mass_runs`); a test waits for
it by joining that thread (:func:`finish_mass_texts`), never by sleeping. To see a mass text
half-way, the sandbox adapter holds the texts to :data:`HELD` until the test lets them go
(:class:`HeldAdapter`); the refusals are reported before any carrier call, so once a held
call has begun, the refused recipients are settled and the held ones are not.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest

from sms_core import (
    ManualClock,
    MassSendResult,
    OutboundMessage,
    Recipient,
    RecipientOutcome,
    RecipientStatus,
    SendReceipt,
    hookimpl,
)
from sms_core.domain import Account
from sms_core.exceptions import NotFoundError, TooManyRecipientsError, WebRequestError
from sms_core.segments import analyze
from sms_core.services import SmsAdmin
from sms_core.web.mass_runs import THREAD_NAME, MassRuns, RunState
from sms_fake import FakeAdapter
from tests.web.conftest import build_widget, opted_out, signed_in
from tests.web.test_texting import NOA, SAM, _field, _messages, _text, register

#: Candidates whose texts the held adapter keeps at the carrier's door until let go.
HELD, HELD_TOO = "+12125550147", "+12125550148"


class HeldAdapter(FakeAdapter):
    """The sandbox adapter; a text to :data:`HELD` or :data:`HELD_TOO` waits until :attr:`let_go`.

    It waits at most 30 s, so a test that fails cannot hang.

    :attr:`holding` is set when such a text has reached the carrier's door.
    """

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.let_go = threading.Event()

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Hold the texts to the held candidates; send the others at once."""
        if message.recipient.e164 in (HELD, HELD_TOO):
            self.holding.set()
            self.let_go.wait(timeout=30)
        return super().sms_send_message(account, message)


def finish_mass_texts() -> None:
    """Wait for every mass text the web apps run to end (joined, at most 30 s each)."""
    for thread in threading.enumerate():
        if thread.name.startswith(THREAD_NAME):
            thread.join(timeout=30)
            assert not thread.is_alive(), f"{thread.name} did not finish"


@pytest.fixture
def ann(widget: SmsAdmin, clock: ManualClock, tmp_path: Path) -> Iterator[httpx.Client]:
    """Ann, on the shared registered line, signed in; her mass texts finished at the end."""
    register(widget, tmp_path / "carrier.sqlite3")
    client = signed_in(widget, clock, "ann")
    yield client
    finish_mass_texts()  # before the SDK closes
    client.close()


@pytest.fixture
def held(tmp_path: Path, clock: ManualClock) -> Iterator[tuple[SmsAdmin, HeldAdapter]]:
    """The widget's accounts on a sandbox adapter that holds the texts to :data:`HELD`."""
    adapter = HeldAdapter()
    with SmsAdmin.open(
        f"sqlite:///{tmp_path / 'held.sqlite3'}",
        host="hcm_widget",
        clock=clock,
        plugins=[adapter],
        webhook_base_url="https://sms.example.test/webhooks",
    ) as admin:
        build_widget(admin, tmp_path / "carrier.sqlite3", clock)
        register(admin, tmp_path / "carrier.sqlite3")
        yield admin, adapter
        adapter.let_go.set()
        finish_mass_texts()


def form_of(client: httpx.Client, page: str = "/web/mass-text") -> dict[str, str]:
    """The form's hidden fields, as the page drew them."""
    html = client.get(page).text
    return {name: _field(html, name) for name in ("csrf_token", "idempotency_key")}


def post(client: httpx.Client, recipients: str, body: str, **fields: str) -> httpx.Response:
    """Send the mass-text form (a fresh one unless ``fields`` gives its hidden fields)."""
    data = {**(fields or form_of(client)), "recipients": recipients, "body": body}
    return client.post("/web/mass-text", data=data)


def run_path(answer: httpx.Response) -> str:
    """Where the POST sent the browser: the page of the mass text it started."""
    assert 303 == answer.status_code, answer.text
    location = answer.headers["location"]
    assert re.fullmatch(r"/web/mass-text\?run=[0-9a-f]{32}", location), location
    return location


def fragment_path(page: str) -> str:
    """The progress fragment of the mass text whose page is ``page``."""
    return "/web/mass-text/runs/" + page.rsplit("=", 1)[1]


class TestForm:
    def test_the_form_says_the_cap(self, ann: httpx.Client) -> None:
        html = ann.get("/web/mass-text").text
        assert "One text to up to 50 candidates." in html
        assert 'id="outcomes"' not in html  # nothing sent yet, no progress shown

    def test_a_page_with_no_such_run_is_not_found(self, ann: httpx.Client) -> None:
        answer = ann.get("/web/mass-text", params={"run": "0" * 32})
        assert 404 == answer.status_code
        assert "this mass text is not known here" in answer.text


class TestOutcomes:
    def test_each_recipient_outcome_and_the_totals(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        recipients = "\n".join(
            [f"cand-sam, {SAM}", f"cand-o, {opted_out(2).e164}", f"cand-noa, {NOA}", "", "555-01"]
        )
        page = run_path(post(ann, recipients, "New shifts next week"))
        finish_mass_texts()
        html = ann.get(page).text
        text = _text(html)
        assert "✔ 1 of 4 sent, 3 refused." in text
        assert "cand-sam +15125550142 ✔ Sent" in text
        assert 3 == text.count("⛔ Refused")
        assert "opted out" in text
        assert '<progress max="4" value="4"' in html
        assert "mass-text/runs/" not in html  # finished: the page stops asking
        assert 1 == len(_messages(widget))

    def test_the_finished_fragment_stops_the_polling(self, ann: httpx.Client) -> None:
        page = run_path(post(ann, f"cand-sam, {SAM}", "Hi"))
        finish_mass_texts()
        fragment = ann.get(fragment_path(page))
        assert 200 == fragment.status_code
        assert fragment.text.lstrip().startswith('<div id="mass-run">')
        assert '<p id="mass-count" hx-swap-oob="innerHTML">' in fragment.text
        assert "✔ 1 of 1 sent." in _text(fragment.text)
        assert "<html" not in fragment.text  # a fragment, not a page

    def test_a_finished_mass_text_offers_a_fresh_form(self, ann: httpx.Client) -> None:
        fields = form_of(ann)
        page = run_path(post(ann, f"cand-sam, {SAM}", "Hi", **fields))
        finish_mass_texts()
        html = ann.get(page).text
        assert fields["idempotency_key"] != _field(html, "idempotency_key")
        assert SAM not in html.split('id="mass-text"', 1)[1]  # the form is empty


class TestLiveProgress:
    """Half-way, the page shows the settled recipients and "k of M done"; then the totals."""

    def test_half_way_then_the_totals(
        self, held: tuple[SmsAdmin, HeldAdapter], clock: ManualClock
    ) -> None:
        admin, adapter = held
        ann = signed_in(admin, clock, "ann")
        recipients = f"cand-out, {opted_out(3).e164}\ncand-lee, {HELD}\ncand-kim, {HELD_TOO}"
        page = run_path(post(ann, recipients, "Shifts next week"))
        assert adapter.holding.wait(timeout=30)
        running = ann.get(fragment_path(page)).text
        assert "⏳ 1 of 3 done." in _text(running)  # the refusal; the held text is not settled
        assert 'hx-trigger="every 1s"' in running
        assert '<progress max="3" value="1"' in running
        assert "cand-out +12065550003 ⛔ Refused" in _text(running)
        assert "opted out" in running
        # The held texts wait in their places, in words and an icon, until settled.
        assert f"cand-lee {HELD} ⌛ Waiting" in _text(running)
        assert f"cand-kim {HELD_TOO} ⌛ Waiting" in _text(running)
        shown = ann.get(page).text
        assert '<p id="mass-count" role="status" aria-live="polite" aria-atomic="true">' in shown
        assert "1 of 3 done." in _text(shown)
        # Still running: the form keeps the mass text's key, so sending again adds nothing.
        assert _field(shown, "idempotency_key") == _field(ann.get(page).text, "idempotency_key")
        adapter.let_go.set()
        finish_mass_texts()
        done = ann.get(fragment_path(page)).text
        assert "✔ 2 of 3 sent, 1 refused." in _text(done)
        assert "mass-text/runs/" not in done
        assert '<progress max="3" value="3"' in done
        assert "Waiting" not in done
        assert f"cand-lee {HELD} ✔ Sent" in _text(done)
        ann.close()

    def test_the_browser_going_away_stops_nothing(
        self, held: tuple[SmsAdmin, HeldAdapter], clock: ManualClock
    ) -> None:
        """The page is never asked again; the mass text still reaches everyone, once."""
        admin, adapter = held
        ann = signed_in(admin, clock, "ann")
        run_path(post(ann, f"cand-lee, {HELD}\ncand-sam, {SAM}", "Hi"))
        ann.close()  # the browser went away
        assert adapter.holding.wait(timeout=30)
        adapter.let_go.set()
        finish_mass_texts()
        sent = _messages(admin)
        assert {HELD, SAM} == {message.recipient.e164 for message in sent}
        assert 2 == len(sent)

    def test_sending_the_form_again_while_it_runs_shows_the_same_run(
        self, held: tuple[SmsAdmin, HeldAdapter], clock: ManualClock
    ) -> None:
        """A second POST with a running mass text's key starts nothing; none is texted twice."""
        admin, adapter = held
        ann = signed_in(admin, clock, "ann")
        fields = form_of(ann)
        recipients = f"cand-lee, {HELD}\ncand-sam, {SAM}"
        first = run_path(post(ann, recipients, "Hi", **fields))
        assert adapter.holding.wait(timeout=30)
        fields["csrf_token"] = form_of(ann)["csrf_token"]
        assert first == run_path(post(ann, recipients, "Hi", **fields))
        adapter.let_go.set()
        finish_mass_texts()
        again = run_path(post(ann, recipients, "Hi", **fields))
        assert first != again
        finish_mass_texts()
        assert "✔ 2 of 2 sent." in _text(ann.get(again).text)
        assert 2 == len(_messages(admin))  # the retry found both reached already
        ann.close()


class TestRefusals:
    def test_51_recipients_are_refused_and_nothing_is_sent(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        recipients = "\n".join(f"cand-{i}, +1512555{i:04d}" for i in range(51))
        answer = post(ann, recipients, "Hello all")
        assert 400 <= answer.status_code < 500
        assert "a mass text can reach at most 50 candidates and 51 were selected" in answer.text
        assert "deselect 1" in answer.text
        assert "Nothing was changed." in answer.text
        assert not any(t.name.startswith(THREAD_NAME) for t in threading.enumerate())
        assert [] == _messages(widget)

    def test_a_body_over_the_limit_is_refused_at_once(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = post(ann, f"cand-sam, {SAM}", "x" * 161)
        assert 400 == answer.status_code
        assert [] == _messages(widget)

    def test_without_csrf_nothing_is_sent(self, ann: httpx.Client, widget: SmsAdmin) -> None:
        answer = ann.post("/web/mass-text", data={"recipients": SAM, "body": "Hi"})
        assert 403 == answer.status_code
        assert [] == _messages(widget)

    def test_an_inactive_user_is_refused(self, widget: SmsAdmin, clock: ManualClock) -> None:
        cy = signed_in(widget, clock, "cy")
        answer = post(cy, SAM, "Hi")
        assert 403 == answer.status_code
        assert [] == _messages(widget)

    def test_a_refusal_found_while_sending_is_shown_on_the_page(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        """The form's key sent again with another body: refused whole in the background, shown."""
        fields = form_of(ann)
        run_path(post(ann, f"cand-sam, {SAM}", "Hi", **fields))
        finish_mass_texts()
        page = run_path(post(ann, f"cand-sam, {SAM}", "Another text", **fields))
        finish_mass_texts()
        html = ann.get(page).text
        text = _text(html)
        assert "⛔ Not sent:" in text
        assert "idempotency key" in text
        assert "Nothing was changed." in text
        assert "mass-text/runs/" not in html
        # The form keeps what was typed, to correct and send again.
        assert "Another text" in html.split('id="mass-text"', 1)[1]
        assert 1 == len(_messages(widget))

    def test_another_users_mass_text_is_not_readable(
        self, ann: httpx.Client, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        """Bob (same account) and Gil (globex) get a 404 for Ann's run; nothing of it shows."""
        page = run_path(post(ann, f"cand-sam, {SAM}", "Private words"))
        finish_mass_texts()
        bob = signed_in(widget, clock, "bob")
        gil = signed_in(widget, clock, "boss", account="globex")
        for other in (bob, gil):
            for path in (page, fragment_path(page)):
                answer = other.get(path)
                assert 404 == answer.status_code, path
                assert SAM not in answer.text
        assert 200 == ann.get(fragment_path(page)).status_code


class _Messages:
    """A stand-in for ``AccountAdmin.messages`` whose ``send_mass`` does as told."""

    def __init__(self, outcome: Exception | None, gate: threading.Event) -> None:
        self.outcome = outcome
        self.gate = gate

    def send_mass(
        self,
        actor_id: str,
        recipients: Sequence[Recipient],
        body: str,
        *,
        idempotency_key: str | None,
        progress: object,
    ) -> MassSendResult:
        assert self.gate.wait(timeout=30)
        if self.outcome is not None:
            raise self.outcome
        return MassSendResult(outcomes=[], segments=analyze(body))


class _Account:
    """A stand-in for an ``AccountAdmin``: its id and its messages."""

    def __init__(self, outcome: Exception | None, gate: threading.Event) -> None:
        self.account = type("A", (), {"id": "acme"})()
        self.messages = _Messages(outcome, gate)


def _start(runs: MassRuns, account: _Account) -> str:
    return runs.start(
        account,  # type: ignore[arg-type]
        "ann",
        [Recipient(candidate_id=None, number=SAM)],
        "Hi",
        recipients=SAM,
        idempotency_key=None,
    )


class TestRunsInTheBackground:
    """The web app's mass texts are bounded, and their errors are kept and logged."""

    def test_a_refusal_is_kept_for_the_page(self) -> None:
        gate = threading.Event()
        gate.set()
        runs = MassRuns()
        refusal = TooManyRecipientsError(
            "a mass text needs at least one recipient", count=0, cap=50
        )
        run_id = _start(runs, _Account(refusal, gate))
        finish_mass_texts()
        view = runs.get("acme", "ann", run_id)
        assert (RunState.REFUSED, "a mass text needs at least one recipient") == (
            view.state,
            view.error,
        )
        assert "Nothing was changed." == view.left_behind
        assert view.recipients == SAM  # the form keeps what was typed

    def test_an_unexpected_error_is_logged_and_shown(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        gate = threading.Event()
        gate.set()
        runs = MassRuns()
        with caplog.at_level(logging.ERROR, logger="sms_core.web.mass_runs"):
            run_id = _start(runs, _Account(RuntimeError("the store went away"), gate))
            finish_mass_texts()
        view = runs.get("acme", "ann", run_id)
        assert RunState.STOPPED is view.state
        assert "send the form again to reach the rest" in (view.error or "")
        [record] = caplog.records
        assert "stopped unexpectedly" in record.getMessage()
        assert record.exc_info is not None
        assert SAM not in record.getMessage()

    def test_no_more_than_max_running_at_once(self) -> None:
        gate = threading.Event()
        runs = MassRuns(max_running=2)
        account = _Account(None, gate)
        _start(runs, account)
        _start(runs, account)
        with pytest.raises(WebRequestError, match="2 mass texts are being sent"):
            _start(runs, account)
        gate.set()
        finish_mass_texts()
        again = _start(runs, account)  # room again once they ended
        finish_mass_texts()
        assert RunState.DONE is runs.get("acme", "ann", again).state

    def test_a_run_that_cannot_start_holds_no_place(
        self, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """No thread to be had: refused, nothing sent, logged, and the slot is free again."""
        gate = threading.Event()
        gate.set()
        runs = MassRuns(max_running=1)
        account = _Account(None, gate)

        def no_thread(self: threading.Thread) -> None:
            raise RuntimeError("can't start new thread")

        with monkeypatch.context() as patched, caplog.at_level(logging.ERROR):
            patched.setattr(threading.Thread, "start", no_thread)
            with pytest.raises(WebRequestError, match="could not start the mass text"):
                _start(runs, account)
        assert "could not start" in caplog.records[0].getMessage()
        started = _start(runs, account)
        finish_mass_texts()
        assert RunState.DONE is runs.get("acme", "ann", started).state

    def test_finished_runs_past_keep_are_forgotten(self) -> None:
        gate = threading.Event()
        gate.set()
        runs = MassRuns(keep=2)
        account = _Account(None, gate)
        first = _start(runs, account)
        finish_mass_texts()
        later = []
        for _ in range(3):
            later.append(_start(runs, account))
            finish_mass_texts()
        with pytest.raises(NotFoundError, match="not known here"):
            runs.get("acme", "ann", first)
        assert RunState.DONE is runs.get("acme", "ann", later[-1]).state


def test_rows_put_each_outcome_in_its_recipient_s_place() -> None:
    """Outcomes settle in any order; each row keeps its recipient's place, a repeat in turn."""
    from sms_core.web.mass_runs import RunView  # noqa: PLC0415

    sam, lee = (Recipient(candidate_id=c, number=n) for c, n in (("s", SAM), ("l", HELD)))
    settled = (
        RecipientOutcome(recipient=lee, status=RecipientStatus.SENT),
        RecipientOutcome(recipient=sam, status=RecipientStatus.REFUSED, reason="twice"),
    )
    view = RunView(
        id="r",
        state=RunState.RUNNING,
        total=3,
        to=(sam, lee, sam),
        outcomes=settled,
        recipients="",
        body="",
        idempotency_key=None,
    )
    assert [(sam, settled[1]), (lee, settled[0]), (sam, None)] == view.rows


def test_outcome_words_cover_every_status() -> None:
    """Every recipient status has its words, icon and colour on the screen."""
    from sms_core.web.mass_text import OUTCOMES  # noqa: PLC0415

    assert set(RecipientStatus) == set(OUTCOMES)
    assert all(icon and words and css for icon, words, css in OUTCOMES.values())

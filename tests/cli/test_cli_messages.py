from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import httpx
import pytest

from sms_core import DeliveryStatus, ManualClock, NumberQuery, PhoneNumber, WebhookKind
from sms_core.cli.testing import SmsadminRunner
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_core.testing.processes import ServerProcess
from sms_fake import SandboxCarrier

from .conftest import WholeReads
from .test_cli_demo import serve_until_logged, smsadmin_script

#: A Tuesday afternoon in every US time zone: quiet hours allow texting everyone.
START = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
#: The sandbox's review times: a brand takes an hour, a campaign four, a service a day.
REVIEWS = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1))
SAM, LEE, KIM = "+12065550142", "+12125550147", "+13125550123"
BODY = "Hi Sam, are you free for a call about the forklift role?"
#: Under the HCM widget's 160 characters, but UCS-2 (the emoji): two segments.
SPLIT_BODY = (
    "Hi! Three new warehouse shifts next week 📅 Reply YES and I will send the details today."
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def cli(installed: None, clock: ManualClock) -> SmsadminRunner:
    """``smsadmin`` whose SDK sees the test's clock, not the wall clock."""
    return SmsadminRunner(clock=clock)


@pytest.fixture
def carrier(environment: Path) -> Iterator[SandboxCarrier]:
    """The sandbox carrier of the commands (its own clock, moved by ``advance``)."""
    with SandboxCarrier(environment / "sandbox-carrier.sqlite3") as opened:
        yield opened


def open_sdk(environment: Path, clock: ManualClock, host: str) -> SmsAdmin:
    return SmsAdmin.open(f"sqlite:///{environment / 'smsadmin.sqlite3'}", host=host, clock=clock)


def register(account: AccountAdmin, carrier: SandboxCarrier, admin: str) -> None:
    """Register the account's campaign and let the carrier approve it."""
    account.registration.register(admin, sample_brand(), sample_campaign())
    for review in REVIEWS:
        carrier.advance(review)
        account.registration.sync()


@attrs.frozen
class Lines:
    """The registered lines of the widget account: Ada's own, and Ben and Cleo's shared."""

    ada: str
    shared: str


@pytest.fixture
def acme(
    widget: SmsadminRunner, environment: Path, clock: ManualClock, carrier: SandboxCarrier
) -> Iterator[AccountAdmin]:
    """The widget account through the SDK, its campaign approved."""
    with open_sdk(environment, clock, "hcm_widget") as sdk:
        account = sdk.account("acme")
        register(account, carrier, "u-admin")
        yield account


@pytest.fixture
def lines(acme: AccountAdmin, carrier: SandboxCarrier) -> Lines:
    """Ada on her own registered number; Ben and Cleo sharing one."""
    offers = acme.numbers.search("u-admin", NumberQuery(area_code="415", limit=2))
    acme.numbers.purchase("u-admin", offers[0].number, ["u-ada"], accept_terms=True)
    acme.numbers.purchase("u-admin", offers[1].number, ["u-ben", "u-cleo"], accept_terms=True)
    assert all(summary.line.registered for summary in acme.numbers.list())
    for summary in acme.numbers.list():  # the carrier's "registration pending" events
        for event in carrier.collect_webhooks(subject_sid=summary.line.provider_ref):
            acme.webhooks.handle(WebhookKind.EVENTS, event)
    return Lines(ada=offers[0].number.e164, shared=offers[1].number.e164)


def reply(acme: AccountAdmin, carrier: SandboxCarrier, sender: str, line: str, body: str) -> None:
    """The candidate texts a line; the carrier's signed webhook is applied."""
    carrier.inject_inbound_text("acme", PhoneNumber.parse(sender), PhoneNumber.parse(line), body)
    [request] = carrier.collect_webhooks()
    acme.webhooks.handle(WebhookKind.MESSAGES, request)


def row(output: str, text: str) -> str:
    """The line of ``output`` that shows ``text``."""
    return next(line for line in output.splitlines() if text in line)


@pytest.mark.usefixtures("lines")
class TestSend:
    """smsadmin send."""

    def test_send(self, widget: SmsadminRunner, carrier: SandboxCarrier, lines: Lines) -> None:
        """The text goes from the user's line; encoding, segments and status are shown."""
        result = widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", BODY)

        assert "Encoding: GSM-7, 1 segment (56 septets)" in result.stdout
        assert "Warning" not in result.stdout
        assert f"{lines.ada} → {SAM}  ↗ queued" in result.stdout
        assert [BODY] == [message.body for message in carrier.messages("acme")]

    def test_split_warning(self, widget: SmsadminRunner) -> None:
        """A body that splits says so before it goes."""
        result = widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", SPLIT_BODY)

        assert "Encoding: UCS-2, 2 segments" in result.stdout
        assert "UCS-2 because of 📅" in result.stdout
        assert "Warning: this text splits into 2 segments" in result.stdout

    def test_idempotency_key(self, widget: SmsadminRunner, carrier: SandboxCarrier) -> None:
        """The same key again sends nothing and says so."""
        args = ("--as", "u-ada", "send", "--to", SAM, "--body", BODY, "--key", "req-1")
        first = widget.ok(*args).stdout

        again = widget.ok(*args).stdout

        assert "already sent" not in first
        assert "already sent with key 'req-1': nothing was sent again" in again
        assert 1 == len(carrier.messages("acme"))

    def test_carrier_refusal_leads_with_the_reason(
        self, widget: SmsadminRunner, carrier: SandboxCarrier, lines: Lines
    ) -> None:
        """A text the carrier refuses names the reason first, the carrier's code beside it."""
        carrier.opt_out("acme", PhoneNumber.parse(lines.ada), PhoneNumber.parse(SAM))
        result = widget.refused("--as", "u-ada", "send", "--to", SAM, "--body", BODY)
        assert result.stderr.startswith("Error: opted out: fake error 21610: ")

    def test_too_long(self, widget: SmsadminRunner, carrier: SandboxCarrier) -> None:
        """Over the host's 160 characters is refused, naming the limit."""
        result = widget.refused("--as", "u-ada", "send", "--to", SAM, "--body", "x" * 161)

        assert "160" in result.stderr
        assert [] == carrier.messages("acme")

    def test_invalid_number(self, widget: SmsadminRunner) -> None:
        """A number that is not one is refused by value."""
        result = widget.refused("--as", "u-ada", "send", "--to", "555-01", "--body", BODY)

        assert "'555-01'" in result.stderr

    def test_user_without_line(self, widget: SmsadminRunner) -> None:
        """A user on no line cannot text."""
        widget.ok("users", "upsert", "u-dana", "--first", "Dana", "--last", "Kim")

        widget.refused("--as", "u-dana", "send", "--to", SAM, "--body", BODY)

    def test_opted_out(
        self,
        widget: SmsadminRunner,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        lines: Lines,
    ) -> None:
        """A candidate who texted STOP to any line is refused on every line."""
        reply(acme, carrier, SAM, lines.shared, "STOP")
        before = len(carrier.messages("acme"))

        result = widget.refused("--as", "u-ada", "send", "--to", SAM, "--body", BODY)

        assert "STOP" in result.stderr
        assert before == len(carrier.messages("acme"))

    def test_quiet_hours(
        self, widget: SmsadminRunner, clock: ManualClock, carrier: SandboxCarrier
    ) -> None:
        """At 2 a.m. in New York the text waits; the error says until when."""
        clock.advance(timedelta(hours=11))  # 06:00 UTC

        result = widget.refused("--as", "u-ada", "send", "--to", LEE, "--body", BODY)

        assert "quiet hours" in result.stderr
        assert "next allowed" in result.stderr
        assert [] == carrier.messages("acme")


class TestUnregistered:
    """Texting before the campaign is approved."""

    def test_unregistered_line(self, widget: SmsadminRunner) -> None:
        """A line that is not on an approved campaign cannot text."""
        [number] = widget.offered("--area-code", "415", "--limit", "1")
        widget.ok("numbers", "purchase", number, "--user", "u-ada", "--accept-terms")

        result = widget.refused("--as", "u-ada", "send", "--to", SAM, "--body", BODY)

        assert number in result.stderr


@pytest.mark.usefixtures("lines")
class TestSendMass:
    """smsadmin send-mass."""

    def test_numbers(self, widget: SmsadminRunner, carrier: SandboxCarrier) -> None:
        """Each recipient is sent or refused on its own; a progress bar and a table report it."""
        result = widget.ok(
            "--as", "u-ben", "send-mass", "--body", BODY,
            "--to", SAM, "--to", LEE, "--to", "555-01",
        )  # fmt: skip

        out = result.stdout
        assert re.search(r"Sending .* 3/3", out)
        assert "✔ sent" in row(out, SAM)
        assert "↗ queued" in row(out, LEE)
        assert "⊘ refused" in row(out, "555-01")
        assert "'555-01' is not a valid phone number" in row(out, "555-01")
        assert "✔ 2 sent, 1 refused, 0 failed" in out
        assert {SAM, LEE} == {message.recipient.e164 for message in carrier.messages("acme")}

    def test_file(
        self,
        widget: SmsadminRunner,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        lines: Lines,
        tmp_path: Path,
    ) -> None:
        """A CSV file names candidates; opted-out and carrier-refused ones are reported."""
        reply(acme, carrier, LEE, lines.ada, "stop")
        carrier.opt_out("acme", PhoneNumber.parse(lines.shared), PhoneNumber.parse(KIM))
        recipients = tmp_path / "recipients.csv"
        recipients.write_text(
            f"candidate_id,number\ncand-sam,{SAM}\ncand-lee,{LEE}\ncand-kim,{KIM}\n",
            encoding="utf-8",
        )

        out = widget.ok("--as", "u-ben", "send-mass", "--body", BODY, "--file", str(recipients))
        output = out.stdout

        assert "cand-sam" in row(output, SAM)
        assert "✔ sent" in row(output, SAM)
        assert "⊘ refused" in row(output, LEE)
        assert "✘ failed" in row(output, KIM)
        assert "✔ 1 sent, 1 refused, 1 failed" in output

    def test_split_warning(self, widget: SmsadminRunner) -> None:
        """The segment warning comes before the mass text goes."""
        result = widget.ok("--as", "u-ben", "send-mass", "--body", SPLIT_BODY, "--to", SAM)

        assert "Warning: this text splits into 2 segments" in result.stdout

    def test_over_the_cap(self, widget: SmsadminRunner, carrier: SandboxCarrier) -> None:
        """More recipients than the host's 50 are refused whole."""
        numbers = [f"+1212555{n:04d}" for n in range(100, 151)]
        args = [arg for number in numbers for arg in ("--to", number)]

        result = widget.refused("--as", "u-ben", "send-mass", "--body", BODY, *args)

        assert "50" in result.stderr
        assert [] == carrier.messages("acme")

    def test_recipients_needed_once(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """--to and --file together, or neither, is a usage error."""
        recipients = tmp_path / "recipients.csv"
        recipients.write_text(f"candidate_id,number\nc1,{SAM}\n", encoding="utf-8")

        widget.misused("--as", "u-ben", "send-mass", "--body", BODY)
        widget.misused(
            "--as", "u-ben", "send-mass", "--body", BODY, "--to", SAM, "--file", str(recipients)
        )

    def test_file_without_header(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """A file without the header line is a usage error that shows the expected header."""
        recipients = tmp_path / "recipients.csv"
        recipients.write_text(f"{SAM}\n{LEE}\n", encoding="utf-8")

        result = widget.misused(
            "--as", "u-ben", "send-mass", "--body", BODY, "--file", str(recipients)
        )

        assert "candidate_id,number" in result.output


#: The bodies the paging tests send, in order.
BODIES = ("First", "Second", "Third")


@pytest.mark.usefixtures("lines")
class TestThreadAndHistory:
    """smsadmin thread and history."""

    def test_thread(
        self,
        widget: SmsadminRunner,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        lines: Lines,
    ) -> None:
        """Both directions, oldest first, with who sent each and its status."""
        widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", BODY, "--candidate", "cand-7")
        reply(acme, carrier, SAM, lines.ada, "Yes, Friday works")

        out = widget.ok("thread", lines.ada, SAM).stdout

        assert f"{lines.ada} ↔ {SAM}" in out
        assert "→" in row(out, "Ada Lee")
        assert "↗ queued" in row(out, "Ada Lee")
        assert "↙ received" in row(out, "Yes, Friday works")
        assert "candidate" in row(out, "Yes, Friday works")
        assert out.index("Ada Lee") < out.index("Yes, Friday works")

    def test_history(self, widget: SmsadminRunner, lines: Lines) -> None:
        """One thread per line number the candidate was texted from, with each sender."""
        widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", BODY, "--candidate", "cand-7")
        widget.ok("--as", "u-ben", "send", "--to", SAM, "--body", "Hi!", "--candidate", "cand-7")
        widget.ok("--as", "u-cleo", "send", "--to", SAM, "--body", "Hey", "--candidate", "cand-7")

        out = widget.ok("history", "cand-7").stdout

        assert f"{lines.ada} ↔ {SAM}" in out
        assert f"{lines.shared} ↔ {SAM}" in out
        assert "Ben Ortiz" in row(out, "Hi!")
        assert "Cleo Park" in row(out, "Hey")
        assert out.index(lines.shared) < out.index(lines.ada)  # the latest thread first

    def test_delivery_error(
        self, widget: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """A text the network could not deliver shows its status and the carrier's error."""
        carrier.mark_recipient(PhoneNumber.parse(SAM), "30003")
        widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", BODY, "--candidate", "cand-7")
        carrier.advance(timedelta(minutes=5))
        for request in carrier.collect_webhooks():
            acme.webhooks.handle(WebhookKind.STATUS, request)

        out = widget.ok("history", "cand-7").stdout

        assert "✘ undelivered" in row(out, "Ada Lee")
        assert "unreachable (30003)" in row(out, "Ada Lee")

    def test_nothing_yet(self, widget: SmsadminRunner, lines: Lines) -> None:
        """Without messages, a hint instead of an empty table."""
        assert "Hint: no messages with candidate 'nobody'" in widget.ok("history", "nobody").stdout
        assert "Hint: no messages between" in widget.ok("thread", lines.ada, SAM).stdout

    def test_invalid_number(self, widget: SmsadminRunner, lines: Lines) -> None:
        """A thread with a number that is not one is refused by value."""
        assert "'555-01'" in widget.refused("thread", lines.ada, "555-01").stderr

    def test_pages(self, widget: SmsadminRunner, lines: Lines) -> None:
        """--limit shows a page and the cursor of the next; --cursor shows the rest."""
        for body in BODIES:
            widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", body, "--candidate", "c7")
        for listing in (["thread", lines.ada, SAM], ["history", "c7"]):
            out = widget.ok(*listing, "--limit", "2").stdout
            assert ["First", "Second"] == [b for b in BODIES if b in out]
            cursor = out.split("--cursor ", 1)[1].split()[0]
            rest = widget.ok(*listing, "--limit", "2", "--cursor", cursor).stdout
            assert ["Third"] == [b for b in BODIES if b in rest]
            assert "--cursor" not in rest

    def test_names_only_the_senders_shown(
        self, widget: SmsadminRunner, lines: Lines, whole_reads: WholeReads
    ) -> None:
        """A history and a thread read the names of the users they show, not every user's."""
        widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", BODY, "--candidate", "cand-7")
        widget.ok("--as", "u-ben", "send", "--to", SAM, "--body", "Hi!", "--candidate", "cand-7")

        history, reads = whole_reads(widget, "history", "cand-7")
        assert "Ada Lee" in row(history, "Hi Sam")
        assert "Ben Ortiz" in row(history, "Hi!")
        assert [] == reads
        thread, reads = whole_reads(widget, "thread", lines.shared, SAM)
        assert "Ben Ortiz" in row(thread, "Hi!")
        assert [] == reads

    def test_cursor_of_another_list(self, widget: SmsadminRunner, lines: Lines) -> None:
        """A thread's cursor does not continue a history; a made-up one is refused by value."""
        for body in ("First", "Second"):
            widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", body, "--candidate", "c7")
        out = widget.ok("thread", lines.ada, SAM, "--limit", "1").stdout
        cursor = out.split("--cursor ", 1)[1].split()[0]
        assert "another list" in widget.refused("history", "c7", "--cursor", cursor).stderr
        assert "'nonsense'" in widget.refused("history", "c7", "--cursor", "nonsense").stderr


@pytest.mark.usefixtures("lines")
class TestOptOuts:
    """smsadmin optouts [list] [--all] and optouts lift."""

    @pytest.fixture
    def stopped(
        self, widget: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, lines: Lines
    ) -> SmsadminRunner:
        """Sam texted STOP to Ada's line."""
        reply(acme, carrier, SAM, lines.ada, "Stop")
        return widget

    def test_none(self, widget: SmsadminRunner) -> None:
        """Without opt-outs, a hint."""
        assert "Hint: no number has opted out" in widget.ok("optouts").stdout

    def test_list(self, stopped: SmsadminRunner, lines: Lines) -> None:
        """The opt-out shows when, how, the keyword, the line, and that it blocks."""
        out = stopped.ok("optouts").stdout

        line = row(out, SAM)
        assert "keyword" in line
        assert "Stop" in line
        assert lines.ada in line
        assert "⊘ blocks texts" in line
        assert out == stopped.ok("optouts", "list").stdout

    def test_pages(
        self, stopped: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, lines: Lines
    ) -> None:
        """--limit shows the oldest opt-outs and a cursor; --cursor continues after them."""
        reply(acme, carrier, LEE, lines.ada, "Stop")
        out = stopped.ok("optouts", "--limit", "1").stdout
        assert (True, False) == (SAM in out, LEE in out)
        cursor = out.split("--cursor ", 1)[1].split()[0]
        rest = stopped.ok("optouts", "list", "--limit", "1", "--cursor", cursor).stdout
        assert (False, True, False) == (SAM in rest, LEE in rest, "--cursor" in rest)

    def test_lift(self, stopped: SmsadminRunner) -> None:
        """An admin lifts it with a reason; --all still shows it, with who and why."""
        result = stopped.ok("optouts", "lift", SAM, "--reason", "Consent by email")

        assert f"✔ {SAM} may be texted again" in result.stdout
        assert "Hint: no number has opted out" in stopped.ok("optouts").stdout
        lifted = row(stopped.ok("optouts", "--all").stdout, SAM)
        assert "by Morgan Reyes: Consent by email" in lifted
        assert "lift_opt_out" in stopped.ok("audit").stdout
        # The SDK no longer blocks; the carrier keeps its own block until the candidate's START.
        sent = stopped.refused("--as", "u-ada", "send", "--to", SAM, "--body", BODY)
        assert "at the carrier" in sent.stderr

    def test_needs_a_viewer(self, stopped: SmsadminRunner, monkeypatch: pytest.MonkeyPatch) -> None:
        """Listing names its viewer with --as; without one it is a usage error (13.10)."""
        monkeypatch.delenv("SMS_ACTOR")

        result = stopped.misused("optouts", "--all")

        assert "--as" in result.stderr
        assert SAM in stopped.ok("--as", "u-ada", "optouts", "--all").stdout

    def test_names_only_who_lifted(self, stopped: SmsadminRunner, whole_reads: WholeReads) -> None:
        """Lifting and the list read the name of the admin who lifted, not every user's."""
        lifted, reads = whole_reads(stopped, "optouts", "lift", SAM, "--reason", "By email")
        assert "by Morgan Reyes: By email" in row(lifted, SAM)
        assert [] == reads
        listed, reads = whole_reads(stopped, "optouts", "--all")
        assert "by Morgan Reyes: By email" in row(listed, SAM)
        assert [] == reads

    def test_lift_needs_reason(self, stopped: SmsadminRunner) -> None:
        """No reason is a usage error; a blank one is refused, and the block stays."""
        stopped.misused("optouts", "lift", SAM)
        stopped.refused("optouts", "lift", SAM, "--reason", "  ")

        assert "⊘ blocks texts" in row(stopped.ok("optouts").stdout, SAM)

    def test_lift_needs_admin(self, stopped: SmsadminRunner) -> None:
        """A recruiter cannot override the candidate's STOP."""
        stopped.refused("--as", "u-ada", "optouts", "lift", SAM, "--reason", "asked me")

        assert "⊘ blocks texts" in row(stopped.ok("optouts").stdout, SAM)

    def test_lift_without_opt_out(self, widget: SmsadminRunner) -> None:
        """Lifting a number that never opted out is refused by value."""
        assert LEE in widget.refused("optouts", "lift", LEE, "--reason", "x").stderr


class TestSeatAllowance:
    """seats list shows what texting used of the allowance."""

    def test_remaining_goes_down(
        self,
        seats: SmsadminRunner,
        environment: Path,
        clock: ManualClock,
        carrier: SandboxCarrier,
    ) -> None:
        """A text from a seat's number uses one message of its monthly allowance."""
        with open_sdk(environment, clock, "ats_seats") as sdk:
            register(sdk.account("acme"), carrier, "u-admin")
        seats.ok("seats", "auto-assign", "Seat 1", "--accept-terms")
        seats.ok(
            "users", "upsert", "u-eli", "--first", "Eli", "--last", "Brooks",
            "--permission", "Candidate Profile",
        )  # fmt: skip
        seats.ok("seats", "assign", "Seat 1", "u-eli")

        seats.ok("--as", "u-eli", "send", "--to", SAM, "--body", BODY)

        listed = seats.ok("seats", "list").stdout
        assert "999 / 1,000" in row(listed, "Seat 1")
        assert "1,000 / 1,000" in row(listed, "Seat 2")


class TestServe:
    """smsadmin serve."""

    def test_serves_webhooks(
        self, widget: SmsadminRunner, environment: Path, carrier: SandboxCarrier
    ) -> None:
        """Serves the webhook app under uvicorn on loopback until interrupted, then exits 0."""
        command = [smsadmin_script(), "serve", "--port", "0"]
        with ServerProcess(command, env={**os.environ, "PYTHONUNBUFFERED": "1"}) as server:
            url = server.wait_listening()
            carrier.inject_inbound_text(
                "acme",
                PhoneNumber.parse(SAM),
                _any_number(widget),
                "STOP",
                webhook_url=f"{url}/webhooks/acme/messages",
            )
            with httpx.Client() as client:
                [response] = carrier.deliver_webhooks(client)
                forged = client.post(f"{url}/webhooks/acme/messages", content=b"{}")
        logged = server.output()

        assert 204 == response.status_code
        assert 403 == forged.status_code
        assert 0 == server.returncode
        assert SAM in widget.ok("optouts").stdout
        assert "refused messages webhook for account 'acme': WebhookSignatureError" in logged
        assert SAM not in logged

    def test_public_url_is_configured_by_the_background_sync(
        self,
        widget: SmsadminRunner,
        environment: Path,
        clock: ManualClock,
        carrier: SandboxCarrier,
    ) -> None:
        """``--public-url`` is also the base the sync configures: what is set is what verifies."""
        with open_sdk(environment, clock, "hcm_widget") as sdk:
            account = sdk.account("acme")
            account.registration.register("u-admin", sample_brand(), sample_campaign())
            carrier.advance(REVIEWS[0])
            account.registration.sync()
        carrier.advance(REVIEWS[1])
        public = "https://sms.example.test/webhooks"
        serve_until_logged(
            ["--sync-every", "0.2", "--public-url", public], "synced the registrations of acme"
        )

        # The sandbox keeps the messaging service's webhook URLs in its own state file.
        with closing(sqlite3.connect(environment / "sandbox-carrier.sqlite3")) as state:
            configured = state.execute(
                "SELECT sms_url, status_callback_url FROM registrations WHERE step = ?",
                ("messaging_service",),
            ).fetchall()
        assert [(f"{public}/acme/messages", f"{public}/acme/status")] == configured

    def test_syncs_registrations_in_the_background(
        self,
        widget: SmsadminRunner,
        environment: Path,
        clock: ManualClock,
        carrier: SandboxCarrier,
    ) -> None:
        """With the brand's review over, serve submits the campaign with no one asking."""
        with open_sdk(environment, clock, "hcm_widget") as sdk:
            sdk.account("acme").registration.register("u-admin", sample_brand(), sample_campaign())
        carrier.advance(REVIEWS[0])
        returncode = serve_until_logged(["--sync-every", "0.2"], "synced the registrations of acme")

        assert 0 == returncode
        with open_sdk(environment, clock, "hcm_widget") as sdk:
            registration = sdk.account("acme").registration.status()
        assert "approved" == registration.brand.status.value
        assert "in_progress" == registration.campaign.status.value

    def test_reconciles_in_the_background(
        self,
        widget: SmsadminRunner,
        environment: Path,
        clock: ManualClock,
        carrier: SandboxCarrier,
        lines: Lines,
    ) -> None:
        """A text whose send answer was lost is looked up by serve, with no one asking."""
        carrier.time_out_next_send("acme")
        with open_sdk(environment, clock, "hcm_widget") as sdk:
            lost = sdk.account("acme").messages.send("u-ada", candidate_id=None, to=SAM, body=BODY)
        returncode = serve_until_logged(
            ["--sync-every", "0", "--reconcile-every", "0.2"], "reconciled 1 texts of account acme"
        )

        assert 0 == returncode
        with open_sdk(environment, clock, "hcm_widget") as sdk:
            settled = sdk.account("acme").messages.get("u-ada", lost.message.id)
        # Found at the carrier, as far as the sandbox's own clock has taken it by now.
        assert DeliveryStatus.UNKNOWN == lost.message.status
        assert settled.status in {
            DeliveryStatus.QUEUED,
            DeliveryStatus.SENT,
            DeliveryStatus.DELIVERED,
        }
        assert settled.provider_message_id is not None


def _any_number(widget: SmsadminRunner) -> PhoneNumber:
    """Buy a number for Ada (no registration needed to receive texts)."""
    [number] = widget.offered("--area-code", "415", "--limit", "1")
    widget.ok("numbers", "purchase", number, "--user", "u-ada", "--accept-terms")
    return PhoneNumber.parse(number)

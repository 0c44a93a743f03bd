"""``smsadmin scheduled``: add, list, cancel and run-due; ``smsadmin serve`` sends due texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sms_core import ManualClock, NumberQuery, ScheduledState
from sms_core.cli.testing import SmsadminRunner
from sms_core.services import SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import SandboxCarrier

from .conftest import WholeReads
from .test_cli_demo import serve_until_logged
from .test_cli_messages import row

#: A Tuesday afternoon in every US time zone: quiet hours allow texting everyone.
START = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
#: The sandbox's review times: a brand takes an hour, a campaign four, a service a day.
REVIEWS = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1))
#: A candidate in Seattle (Pacific time).
SAM = "+12065550142"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def cli(installed: None, clock: ManualClock) -> SmsadminRunner:
    """``smsadmin`` whose SDK sees the test's clock, not the wall clock."""
    return SmsadminRunner(clock=clock)


@pytest.fixture
def ada(widget: SmsadminRunner, environment: Path, clock: ManualClock) -> None:
    """Ada's registered line in account ``acme``; commands act as Ada."""
    with (
        SandboxCarrier(environment / "sandbox-carrier.sqlite3") as carrier,
        SmsAdmin.open(
            f"sqlite:///{environment / 'smsadmin.sqlite3'}", host="hcm_widget", clock=clock
        ) as sdk,
    ):
        account = sdk.account("acme")
        account.registration.register("u-admin", sample_brand(), sample_campaign())
        for review in REVIEWS:
            carrier.advance(review)
            account.registration.sync()
        [offer] = account.numbers.search("u-admin", NumberQuery(area_code="415", limit=1))
        account.numbers.purchase("u-admin", offer.number, ["u-ada"], accept_terms=True)


def scheduled_id(output: str) -> str:
    """The id a ``scheduled add`` confirmed."""
    [line] = [line for line in output.splitlines() if line.startswith("✔ Scheduled ")]
    return line.split()[2]


@pytest.mark.usefixtures("ada")
class TestScheduled:
    """Scheduling from the command line, then sending when due."""

    def test_add_then_run_due(self, widget: SmsadminRunner, clock: ManualClock) -> None:
        """Added for an hour later: nothing is due before, one text is sent after."""
        at = (START + timedelta(hours=1)).isoformat()
        added = widget.ok(
            "--as", "u-ada", "scheduled", "add", "--to", SAM, "--body", "Hi", "--at", at
        ).stdout
        assert "✔ Scheduled " in added
        assert "2026-03-10 20:00 UTC" in added
        assert "no scheduled text is due" in widget.ok("scheduled", "run-due").stdout
        clock.advance(timedelta(hours=1))
        assert "1 sent, 0 refused" in widget.ok("scheduled", "run-due").stdout
        listed = widget.ok("scheduled", "--state", "sent").stdout
        assert scheduled_id(added) in listed
        assert "message " in listed

    def test_when_allowed_and_cancel(self, widget: SmsadminRunner) -> None:
        """Added for the next allowed time (now), listed, cancelled; then never sent."""
        added = widget.ok(
            "--as", "u-ada", "scheduled", "add", "--to", SAM, "--body", "Hi", "--when-allowed"
        ).stdout
        assert "(when allowed)" in added
        ident = scheduled_id(added)
        assert ident in widget.ok("scheduled", "list").stdout
        cancelled = widget.ok("--as", "u-ada", "scheduled", "cancel", ident).stdout
        assert f"Cancelled {ident}" in cancelled
        assert "no scheduled text is due" in widget.ok("scheduled", "run-due").stdout
        refused = widget.refused("--as", "u-ada", "scheduled", "cancel", ident)
        assert "it is cancelled" in refused.stderr
        trail = widget.ok("audit", "--action", "cancel_scheduled_send", "--number", SAM).stdout
        assert "cancel_scheduled_send" in trail
        assert ident in trail

    def test_names_only_who_scheduled(
        self, widget: SmsadminRunner, clock: ManualClock, whole_reads: WholeReads
    ) -> None:
        """Adding, listing, cancelling and sending read the schedulers' names, not everyone's."""
        at = (START + timedelta(hours=1)).isoformat()
        add = ("--as", "u-ada", "scheduled", "add", "--to", SAM, "--at", at, "--body")
        added, reads = whole_reads(widget, *add, "Hi Noa")
        assert "Ada Lee" in row(added, "Hi Noa")
        assert [] == reads
        listed, reads = whole_reads(widget, "scheduled", "list")
        assert "Ada Lee" in row(listed, "Hi Noa")
        assert [] == reads
        cancel = ("--as", "u-ada", "scheduled", "cancel", scheduled_id(added))
        cancelled, reads = whole_reads(widget, *cancel)
        assert "Ada Lee" in row(cancelled, "Hi Noa")
        assert [] == reads
        widget.ok(*add, "Hello Noa")
        clock.advance(timedelta(hours=1))
        sent, reads = whole_reads(widget, "scheduled", "run-due")
        assert "Ada Lee" in row(sent, "Hello Noa")
        assert [] == reads

    @pytest.mark.parametrize(
        "when",
        [[], ["--at", "2026-03-10T20:00", "--when-allowed"], ["--at", "2026-03-10T20:00"]],
    )
    def test_bad_time(self, widget: SmsadminRunner, when: list[str]) -> None:
        """Neither, both, or a time without its offset: a usage error, nothing stored."""
        result = widget.run("--as", "u-ada", "scheduled", "add", "--to", SAM, "--body", "Hi", *when)
        assert 2 == result.exit_code, result.output
        assert "no scheduled texts" in widget.ok("scheduled").stdout

    def test_state_in_any_case_and_a_wrong_one_refused(self, widget: SmsadminRunner) -> None:
        """``--state`` takes a state in any case; another word is a usage error naming them."""
        widget.ok(
            "--as", "u-ada", "scheduled", "add", "--to", SAM, "--body", "Hi", "--when-allowed"
        )
        assert "Hi" in widget.ok("scheduled", "--state", "PENDING").stdout
        assert "no scheduled texts" in widget.ok("scheduled", "list", "--state", "sent").stdout
        result = widget.run("scheduled", "list", "--state", "later")
        assert 2 == result.exit_code, result.output
        assert "'later' is not one of 'pending', 'claimed'" in " ".join(result.output.split())

    def test_send_later(self, widget: SmsadminRunner) -> None:
        """``smsadmin send --when-allowed`` schedules instead of sending now."""
        added = widget.ok(
            "--as", "u-ada", "send", "--to", SAM, "--body", "Hi", "--when-allowed", "--key", "k1"
        ).stdout
        assert "(when allowed)" in added
        assert "1 sent" in widget.ok("scheduled", "run-due").stdout

    def test_refused_now(self, widget: SmsadminRunner) -> None:
        """A time in the past is refused by the SDK with the usual error."""
        result = widget.refused(
            "--as", "u-ada", "scheduled", "add", "--to", SAM, "--body", "Hi",
            "--at", "2026-03-10T18:00Z",
        )  # fmt: skip
        assert "in the past" in result.stderr


@pytest.mark.usefixtures("ada")
class TestServe:
    """``smsadmin serve`` sends due scheduled texts in the background."""

    def test_sends_in_the_background(
        self, widget: SmsadminRunner, environment: Path, clock: ManualClock
    ) -> None:
        """A due text is taken by serve's pass, with no one asking (the server's own clock)."""
        widget.ok(
            "--as",
            "u-ada",
            "scheduled",
            "add",
            "--to",
            SAM,
            "--body",
            "Hi",
            "--at",
            START.isoformat(),
        )
        returncode = serve_until_logged(
            ["--sync-every", "0", "--reconcile-every", "0", "--schedule-every", "0.2"],
            "scheduled texts of account acme",
        )
        assert 0 == returncode
        with SmsAdmin.open(
            f"sqlite:///{environment / 'smsadmin.sqlite3'}", host="hcm_widget", clock=clock
        ) as sdk:
            [row] = sdk.account("acme").scheduled.list_page("u-admin").items
        # Sent or refused depends on the wall clock's quiet hours; taken, it is not pending.
        assert row.state in {ScheduledState.SENT, ScheduledState.REFUSED}

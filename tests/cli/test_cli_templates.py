"""smsadmin templates: add, edit, list, show, remove, and send from a CSV or JSON file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sms_core import ManualClock, NumberQuery
from sms_core.cli.testing import SmsadminRunner
from sms_fake import SandboxCarrier

from .test_cli_messages import START, open_sdk, register

SAM, LEE = "+12065550142", "+12125550147"
OFFER = "{recruiter.first_name} at {agency.name}: hi {candidate.first_name}, a {job.title} shift?"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def cli(installed: None, clock: ManualClock) -> SmsadminRunner:
    """``smsadmin`` whose SDK sees the test's clock."""
    return SmsadminRunner(clock=clock)


@pytest.fixture
def carrier(environment: Path) -> Iterator[SandboxCarrier]:
    with SandboxCarrier(environment / "sandbox-carrier.sqlite3") as opened:
        yield opened


@pytest.fixture
def ada_line(
    widget: SmsadminRunner, environment: Path, clock: ManualClock, carrier: SandboxCarrier
) -> str:
    """The widget account's campaign approved, and Ada on her own registered number."""
    with open_sdk(environment, clock, "hcm_widget") as sdk:
        account = sdk.account("acme")
        register(account, carrier, "u-admin")
        [offer] = account.numbers.search("u-admin", NumberQuery(area_code="415", limit=1))
        account.numbers.purchase("u-admin", offer.number, ["u-ada"], accept_terms=True)
        return offer.number.e164


class TestManaging:
    """Templates are added, changed, listed, shown and removed; refusals name the problem."""

    def test_add_list_show_edit_remove(self, widget: SmsadminRunner) -> None:
        """The lifecycle through the commands, as an admin."""
        added = widget.ok("templates", "add", "Shift offer", "--body", OFFER).stdout
        assert "template 'Shift offer' saved" in added
        listed = widget.ok("templates").stdout
        assert "Shift offer" in listed
        widget.ok("templates", "edit", "Shift offer", "--name", "Offer")
        shown = widget.ok("templates", "show", "Offer").stdout
        assert "{candidate.first_name}" in shown
        widget.ok("templates", "remove", "Offer")
        assert "no templates yet" in widget.ok("templates", "list").stdout

    def test_unknown_field_refused(self, widget: SmsadminRunner) -> None:
        """A misspelt field is refused naming it; nothing is saved."""
        result = widget.refused("templates", "add", "Bad", "--body", "Hi {candidate.name}")
        assert "{candidate.name} at position 4 is not a merge field" in result.stderr
        assert "no templates yet" in widget.ok("templates").stdout

    def test_over_the_hosts_limit_refused(self, widget: SmsadminRunner) -> None:
        """The HCM widget allows 160 characters: a body that can pass them is refused."""
        body = "x" * 130 + "{job.title}"
        result = widget.refused("templates", "add", "Long", "--body", body)
        assert "170 characters and the limit is 160" in result.stderr


@pytest.mark.usefixtures("ada_line")
class TestSending:
    """``templates send`` renders the template per recipient from a file."""

    def test_send_from_csv(
        self, widget: SmsadminRunner, carrier: SandboxCarrier, tmp_path: Path
    ) -> None:
        """Each candidate gets their own text; a --value fills a field for everyone."""
        widget.ok("templates", "add", "Offer", "--body", OFFER)
        file = tmp_path / "recipients.csv"
        file.write_text(
            f"candidate_id,number,candidate.first_name\nc1,{SAM},Sam\nc2,{LEE},Lee\n",
            encoding="utf-8",
        )
        result = widget.ok(
            "--as", "u-ada", "templates", "send", "Offer", "--file", str(file),
            "--value", "job.title=forklift",
        )  # fmt: skip
        assert "Encoding: GSM-7, 1 segment" in result.stdout
        assert "2 sent, 0 refused, 0 failed" in result.stdout
        assert {
            SAM: "Ada at Acme Staffing: hi Sam, a forklift shift?",
            LEE: "Ada at Acme Staffing: hi Lee, a forklift shift?",
        } == {str(message.recipient): message.body for message in carrier.messages("acme")}

    def test_too_long_merge_refuses_all_from_json(
        self, widget: SmsadminRunner, carrier: SandboxCarrier, tmp_path: Path
    ) -> None:
        """Lee's long title takes his text past 160: the error names him, nobody is texted."""
        widget.ok("templates", "add", "Offer", "--body", OFFER)
        file = tmp_path / "recipients.json"
        rows = [
            {"number": SAM, "candidate.first_name": "Sam", "job.title": "forklift"},
            {"number": LEE, "candidate.first_name": "Leonardo " * 6, "job.title": "overnight " * 9},
        ]
        file.write_text(json.dumps(rows), encoding="utf-8")
        result = widget.refused("--as", "u-ada", "templates", "send", "Offer", "--file", str(file))
        assert f"recipient 2 ({LEE})" in result.stderr
        assert [] == carrier.messages("acme")

"""smsadmin consent: record, list, show, and the rule requiring a record before a first text."""

from __future__ import annotations

import pytest

from sms_core.cli.testing import SmsadminRunner
from sms_core.services import AccountAdmin
from sms_fake import SandboxCarrier

from . import test_cli_messages as messages
from .conftest import WholeReads
from .test_cli_messages import BODY, LEE, SAM, Lines, reply, row

# The texting tests' account, with its campaign approved and its lines, on the test's clock.
acme = messages.acme
carrier = messages.carrier
cli = messages.cli
clock = messages.clock
lines = messages.lines


@pytest.mark.usefixtures("lines")
class TestConsent:
    """smsadmin consent [list] | show | record | require."""

    def test_none(self, widget: SmsadminRunner) -> None:
        """Without records, a hint and the rule (off by default)."""
        out = widget.ok("--as", "u-ada", "consent").stdout
        assert "Hint: no consent recorded" in out
        assert "Consent required before the first text: off" in out

    def test_record_and_list(
        self, widget: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, lines: Lines
    ) -> None:
        """A recruiter records consent; the list shows it, and a START beside an opt-out."""
        result = widget.ok(
            "--as", "u-ada", "consent", "record", SAM,
            "--source", "web_form", "--evidence", "Apply form #812", "--candidate", "c-7",
        )  # fmt: skip
        assert f"✔ Recorded the consent of {SAM}" in result.stdout
        reply(acme, carrier, LEE, lines.ada, "STOP")
        reply(acme, carrier, LEE, lines.ada, "START")
        reply(acme, carrier, SAM, lines.ada, "STOP")
        out = widget.ok("--as", "u-ada", "consent", "list").stdout
        sam = row(out, SAM)
        for shown in ("web_form", "Ada Lee", "c-7", "Apply form #812", "⊘ opted out"):
            assert shown in sam
        lee = row(out, LEE)
        assert "text_keyword" in lee
        assert f"keyword (to {lines.ada})" in lee
        assert "⊘" not in lee
        assert out.index(LEE) < out.index(SAM)  # newest first
        assert "record_consent" in widget.ok("audit").stdout

    def test_text_is_shown_as_typed(self, widget: SmsadminRunner) -> None:
        """Evidence and a candidate id that look like Rich markup are printed, not rendered."""
        widget.ok(
            "--as", "u-ada", "consent", "record", SAM, "--source", "paper",
            "--evidence", "[red]binder[/red]", "--candidate", "[b]c-7",
        )  # fmt: skip
        line = row(widget.ok("--as", "u-ada", "consent").stdout, SAM)
        assert "[red]binder[/red]" in line
        assert "[b]c-7" in line

    def test_show(self, widget: SmsadminRunner) -> None:
        """A number's records, oldest first; a number without any gets a hint."""
        for evidence in ("Paper form, binder 3", "Said yes on the phone"):
            widget.ok(
                "--as", "u-ada", "consent", "record", SAM, "--source", "paper",
                "--evidence", evidence,
            )  # fmt: skip
        out = widget.ok("--as", "u-ada", "consent", "show", SAM).stdout
        assert out.index("binder 3") < out.index("on the phone")
        assert (
            f"Hint: {LEE} has no consent record"
            in widget.ok("--as", "u-ada", "consent", "show", LEE).stdout
        )

    def test_names_only_who_recorded(self, widget: SmsadminRunner, whole_reads: WholeReads) -> None:
        """Recording, listing and showing read the recorders' names, not every user's."""
        record = ("consent", "record", SAM, "--source", "paper", "--evidence", "Binder 3")
        recorded, reads = whole_reads(widget, "--as", "u-ada", *record)
        assert "Ada Lee" in row(recorded, SAM)
        assert [] == reads
        for listing in (["consent", "list"], ["consent", "show", SAM]):
            shown, reads = whole_reads(widget, "--as", "u-ben", *listing)
            assert "Ada Lee" in row(shown, SAM)
            assert [] == reads

    def test_bad_source_is_a_usage_error(self, widget: SmsadminRunner) -> None:
        """Only the sources a user records are offered."""
        result = widget.misused(
            "--as", "u-ada", "consent", "record", SAM,
            "--source", "text_keyword", "--evidence", "x",
        )  # fmt: skip
        assert "--source" in result.stderr

    def test_blank_evidence_refused(self, widget: SmsadminRunner) -> None:
        """Blank evidence is the SDK's refusal, with its fix."""
        result = widget.refused(
            "--as", "u-ada", "consent", "record", SAM, "--source", "verbal", "--evidence", " "
        )
        assert "needs evidence" in result.stderr

    def test_require(self, widget: SmsadminRunner) -> None:
        """An admin turns the rule on; a first text without a record is refused with the fix."""
        assert "off" in widget.ok("consent", "require").stdout
        refused = widget.refused("--as", "u-ada", "consent", "require", "on")
        assert "Marketplace Admin" in refused.stderr or "permission" in refused.stderr.lower()
        assert "not required" in row(widget.ok("policy", "show").stdout, "Consent before")
        out = widget.ok("--as", "u-admin", "consent", "require", "on").stdout
        assert "Consent required before the first text: on" in out
        assert "not required" not in row(widget.ok("policy", "show").stdout, "Consent before")
        sent = widget.refused("--as", "u-ada", "send", "--to", SAM, "--body", BODY)
        assert f"{SAM} has no consent record" in sent.stderr
        assert "smsadmin consent record" in sent.stderr
        widget.ok(
            "--as", "u-ada", "consent", "record", SAM, "--source", "verbal",
            "--evidence", "Phone screen: yes",
        )  # fmt: skip
        widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", BODY)
        assert "set_consent_required" in widget.ok("audit").stdout

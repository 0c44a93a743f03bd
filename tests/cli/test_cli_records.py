"""smsadmin export and smsadmin erase."""

# The texting fixtures imported from test_cli_messages are parameters of the tests, by name.
# ruff: noqa: F811

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sms_core.cli.testing import SmsadminRunner
from sms_core.services import AccountAdmin
from sms_fake import SandboxCarrier

# The texting fixtures: a widget account with registered lines, on the test's clock.
from .test_cli_messages import (  # noqa: F401 - fixtures, used by name
    SAM,
    Lines,
    acme,
    carrier,
    cli,
    clock,
    lines,
    reply,
)


def _texted(widget: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
    widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", "Forklift shift, Dock 4?")
    reply(acme, carrier, SAM, line, "Yes, Dock 4 works")


class TestExport:
    """smsadmin export."""

    def test_csv_to_a_file(
        self,
        widget: SmsadminRunner,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        lines: Lines,
        environment: Path,
    ) -> None:
        """The file holds every message; the command says how many; no partial file stays."""
        _texted(widget, acme, carrier, lines.ada)
        target = environment / "messages.csv"
        result = widget.ok("export", "--kind", "messages", "--output", str(target))
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
        assert [("outbound", SAM), ("inbound", SAM)] == [
            (row["direction"], row["candidate_number"]) for row in rows
        ]
        assert "Exported 2 messages records" in result.stdout
        assert ["messages.csv"] == [p.name for p in environment.iterdir() if "messages" in p.name]

    def test_jsonl_to_standard_output_with_a_range(
        self, widget: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, lines: Lines
    ) -> None:
        """JSON Lines on stdout, the summary on stderr, the range applied."""
        _texted(widget, acme, carrier, lines.ada)
        result = widget.ok("export", "--kind", "audit", "--format", "jsonl")
        actions = [json.loads(line)["action"] for line in result.stdout.splitlines()]
        assert "purchase" in actions
        assert actions[-1] == "export"
        assert "Exported" in result.stderr
        empty = widget.ok("export", "--since", "2020-01-01", "--until", "2020-02-01T00:00")
        [header] = empty.stdout.splitlines()
        assert header.startswith("id,created_at,updated_at,direction,")

    def test_consent_records(
        self, widget: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, lines: Lines
    ) -> None:
        """--kind consent writes the records, with whether each number opted out since."""
        widget.ok(
            "--as", "u-ada", "consent", "record", SAM, "--source", "paper", "--evidence", "Binder 3"
        )
        reply(acme, carrier, SAM, lines.ada, "STOP")
        result = widget.ok("export", "--kind", "consent", "--format", "jsonl")
        [record] = [json.loads(line) for line in result.stdout.splitlines()]
        assert (SAM, "paper", "u-ada", "Binder 3", True) == (
            record["number"],
            record["source"],
            record["recorded_by"],
            record["evidence"],
            record["opted_out"],
        )
        assert "Exported 1 consent records" in result.stderr

    def test_refusals_leave_no_file(
        self, widget: SmsadminRunner, lines: Lines, environment: Path
    ) -> None:
        """A recruiter, an unknown kind or a bad date is refused and writes nothing."""
        target = environment / "out.csv"
        widget.refused("--as", "u-ada", "export", "--output", str(target))
        widget.refused("export", "--kind", "contacts", "--output", str(target))
        widget.refused("export", "--since", "last tuesday", "--output", str(target))
        assert [] == [p.name for p in environment.iterdir() if "out.csv" in p.name]


class TestErase:
    """smsadmin erase."""

    def test_erase_with_yes(
        self, widget: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, lines: Lines
    ) -> None:
        """The texts and number go; a send to the number is refused; erasing again is a no-op."""
        _texted(widget, acme, carrier, lines.ada)
        result = widget.ok("erase", SAM, "--yes")
        assert "messages: 2 rows" in result.stdout
        thread = widget.ok("--as", "u-ada", "thread", lines.ada, SAM).stdout
        assert "Dock 4" not in thread
        refused = widget.refused("--as", "u-ada", "send", "--to", SAM, "--body", "Hi again")
        assert "erased at the candidate's request" in refused.stderr
        assert "nothing of" in widget.ok("erase", SAM, "--yes").stdout

    def test_confirmation(
        self, widget: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, lines: Lines
    ) -> None:
        """Without --yes and nobody to answer, nothing is erased."""
        _texted(widget, acme, carrier, lines.ada)
        before = widget.state()
        result = widget.refused("erase", SAM)
        assert "--yes" in result.stderr
        assert before == widget.state()
        assert "Dock 4" in widget.ok("--as", "u-ada", "thread", lines.ada, SAM).stdout

    def test_by_candidate_and_usage(self, widget: SmsadminRunner, lines: Lines) -> None:
        """--candidate erases by the host's id; a number and --candidate together are refused."""
        widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", "Hi", "--candidate", "c-7")
        assert "messages: 1 rows" in widget.ok("erase", "--candidate", "c-7", "--yes").stdout
        widget.refused("erase", SAM, "--candidate", "c-7", "--yes")
        widget.refused("--as", "u-ada", "erase", SAM, "--yes")

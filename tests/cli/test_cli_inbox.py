"""``smsadmin inbox``: the acting user's threads with unread counts, opening and marking read."""

from __future__ import annotations

import pytest

from sms_core.cli.testing import SmsadminRunner
from sms_core.services import AccountAdmin
from sms_fake import SandboxCarrier

from . import test_cli_messages as messaging
from .conftest import WholeReads
from .test_cli_messages import KIM, LEE, SAM, Lines, reply, row

# The messaging tests' clock, carrier, account and lines, used here by name.
clock, cli, carrier = messaging.clock, messaging.cli, messaging.carrier
acme, lines = messaging.acme, messaging.lines


@pytest.fixture
def replied(
    widget: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, lines: Lines
) -> SmsadminRunner:
    """Ada texted Sam, who replied twice; Lee replied to Ben and Cleo's shared line once."""
    widget.ok("--as", "u-ada", "send", "--to", SAM, "--body", "Forklift role?", "--candidate", "c7")
    reply(acme, carrier, SAM, lines.ada, "Yes")
    reply(acme, carrier, SAM, lines.ada, "Call me at 5")
    reply(acme, carrier, LEE, lines.shared, "Is the shift still open?")
    return widget


class TestInbox:
    """smsadmin inbox [list] [--unread], inbox open and inbox mark-read."""

    def test_list(self, replied: SmsadminRunner, lines: Lines) -> None:
        """Ada sees Sam's thread with two unread and the last reply; the list is the default."""
        out = replied.ok("--as", "u-ada", "inbox").stdout
        assert "2 unread replies" in out
        sam = row(out, SAM)
        for cue in ("● 2", lines.ada, "c7", "candidate: Call me at 5"):
            assert cue in sam
        assert LEE not in out
        assert out == replied.ok("--as", "u-ada", "inbox", "list").stdout

    def test_each_user_on_a_shared_line(self, replied: SmsadminRunner) -> None:
        """Ben and Cleo, sharing a line, each have Lee's reply unread."""
        for user in ("u-ben", "u-cleo"):
            out = replied.ok("--as", user, "inbox").stdout
            assert "1 unread reply" in out
            assert "● 1" in row(out, LEE)

    def test_open_reads_it(self, replied: SmsadminRunner, lines: Lines) -> None:
        """Opening the thread shows it and clears it for Ada only; --unread then shows none."""
        out = replied.ok("--as", "u-ada", "inbox", "open", lines.ada, SAM).stdout
        assert "Call me at 5" in out
        assert "read; 0 unread replies left" in out
        listed = replied.ok("--as", "u-ada", "inbox", "--unread").stdout
        assert "0 unread replies" in listed
        assert "Hint: no unread replies" in listed
        assert "0" in row(replied.ok("--as", "u-ada", "inbox").stdout, SAM)

    def test_mark_read(self, replied: SmsadminRunner, lines: Lines) -> None:
        """Ben marks Lee's thread read; Cleo's stays unread; a second mark says nothing moved."""
        out = replied.ok("--as", "u-ben", "inbox", "mark-read", lines.shared, LEE).stdout
        assert "marked read; 0 unread replies" in out
        again = replied.ok("--as", "u-ben", "inbox", "mark-read", lines.shared, LEE).stdout
        assert "Hint: nothing was unread in that thread" in again
        assert "1 unread reply" in replied.ok("--as", "u-cleo", "inbox").stdout

    def test_mark_read_of_another_line(self, replied: SmsadminRunner, lines: Lines) -> None:
        """Ada cannot mark the shared line's threads: refused, naming the line."""
        err = replied.refused("--as", "u-ada", "inbox", "mark-read", lines.shared, LEE).stderr
        assert "'u-ada' is not on" in err
        assert "1 unread reply" in replied.ok("--as", "u-ben", "inbox").stdout

    def test_pages(
        self, replied: SmsadminRunner, acme: AccountAdmin, carrier: SandboxCarrier, lines: Lines
    ) -> None:
        """--limit shows a page and the next cursor; --cursor the rest; another's is refused."""
        reply(acme, carrier, KIM, lines.ada, "Me too")
        out = replied.ok("--as", "u-ada", "inbox", "--limit", "1").stdout
        assert KIM in out
        assert SAM not in out
        cursor = out.split("--cursor ", 1)[1].split()[0]
        rest = replied.ok("--as", "u-ada", "inbox", "--limit", "1", "--cursor", cursor).stdout
        assert SAM in rest
        assert "--cursor" not in rest
        refused = replied.refused("--as", "u-ben", "inbox", "--cursor", cursor).stderr
        assert "another list" in refused

    def test_names_only_the_senders_shown(
        self, replied: SmsadminRunner, lines: Lines, whole_reads: WholeReads
    ) -> None:
        """The list and a thread read the names of the users they show, not every user's."""
        replied.ok("--as", "u-ada", "send", "--to", SAM, "--body", "See you at 5")

        listed, reads = whole_reads(replied, "--as", "u-ada", "inbox")
        assert "Ada Lee: See you at 5" in row(listed, SAM)
        assert [] == reads
        opened, reads = whole_reads(replied, "--as", "u-ada", "inbox", "open", lines.ada, SAM)
        assert "Ada Lee" in row(opened, "See you at 5")
        assert [] == reads

    def test_nothing_yet(self, widget: SmsadminRunner, lines: Lines) -> None:
        """Before any reply, a hint instead of an empty table."""
        out = widget.ok("--as", "u-ada", "inbox").stdout
        assert "0 unread replies" in out
        assert "Hint: no candidate has replied yet" in out

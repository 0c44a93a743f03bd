from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sms_core.cli.testing import SmsadminRunner
from sms_core.testing.processes import ServerProcess

#: What the story must show: the seeds' cues, each refusal with its typed error, the hint.
KEY_LINES = (
    "1. Create the account on the sandbox carrier",
    "Hint: no numbers near postal code 59801: leave the postal code blank",
    "✘ Refused (TermsNotAcceptedError): buying +1415",
    "⚠ Unregistered",
    "Ben Ortiz, Cleo Park  +1",
    "✘ Refused (UserAlreadyHasLineError): user 'Ada Lee' (u-ada) is already on +1415",
    "Cleo Park (inactive)  +1",
    "Ben Ortiz, Dana Kim  +1",
    "+14155550199",
    "✘ Refused (InvalidPhoneNumberError): '555-01' is not a valid phone number",
    "✔ Deactivated +1415",
    "Audit trail",
    "reallocate",
    "✘ Refused (LineFullError)",
    "(3)",
    "✘ Refused (UserAlreadyHasLineError): user 'Eli Brooks' (u-eli)",
    "Eli Brooks, Fay Nguyen, Gus Patel",
    "1,000 / 1,000",
    "500 / 500",
    "Allowance: per seat, 1,000 messages a month",
    "Encoding: GSM-7, 1 segment",
    "Warning: this text splits into 2 segments",
    "Sending ━",
    "⊘ refused",
    "quiet hours",
    "status → HTTP 204",
    "✔ delivered",
    "calls → HTTP 200",
    "forward to +14155550199",
    "↙ received",
    "⊘ blocks texts",
    "✘ Refused (CandidateOptedOutError)",
    "✔ Ada has 1 unread reply",
    "Can I bring my forklift licence on Friday?",
    "✔ Ada has 0 unread replies",
    "✘ Refused (TemplateError): with its merge fields at their maximum lengths the text has 185",
    "+15125550142: Northwind Staffing: hi Sam, a forklift shift is open next week.",
    "+13125550123: Northwind Staffing: hi Kim, a night picker shift is open next week.",
    "✘ Refused (MessageBodyError): the text to recipient 2 (+13125550123), 164 characters",
    "Nothing changed in the texts at the carrier: Sam was not texted either.",
    "✘ Refused (QuietHoursError): +18085550100 cannot be texted now",
    "✔ Due at 18:00 UTC: 08:00 in Honolulu",
    "│ sent  │",
    "✔ The story is complete",
)


def smsadmin_script() -> str:
    """The installed console script of this environment."""
    beside = Path(sys.executable).with_name("smsadmin")
    found = str(beside) if beside.exists() else shutil.which("smsadmin")
    if found is None:
        pytest.fail("the smsadmin console script is not installed: pip install -e .")
    return found


def serve_until_logged(options: list[str], logged: str) -> int:
    """Run ``smsadmin serve --port 0`` with ``options`` until stderr shows ``logged``, then stop.

    The server is interrupted only once uvicorn listens (and so handles Ctrl+C), and is
    stopped whatever happens (:class:`~sms_core.testing.processes.ServerProcess`).

    Returns:
        The server's exit code after Ctrl+C.

    Raises:
        AssertionError: When ``logged`` is not logged within a minute.
    """
    command = [smsadmin_script(), "serve", "--port", "0", *options]
    with ServerProcess(command, env={**os.environ, "PYTHONUNBUFFERED": "1"}) as server:
        server.wait_listening()
        server.wait_for(re.escape(logged))
    assert not server.killed, server.output()
    return server.process.returncode


class TestDemo:
    """smsadmin demo."""

    @pytest.mark.usefixtures("installed")
    def test_console_script(self, environment: Path) -> None:
        """The installed script tells the whole story, exits 0 and leaves the user's files alone."""
        env = {**os.environ, "COLUMNS": "120"}

        result = subprocess.run(
            [smsadmin_script(), "demo"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=60,
            check=False,
        )

        assert 0 == result.returncode, result.stderr
        assert "" == result.stderr
        for line in KEY_LINES:
            assert line in result.stdout
        assert not (environment / "smsadmin.sqlite3").exists()
        assert not (environment / "sandbox-carrier.sqlite3").exists()
        assert not (environment / "data").exists()

    def test_same_story_every_time(self, cli: SmsadminRunner) -> None:
        """Two runs print exactly the same story (fixed clock, fixed seed, no temp paths)."""
        assert cli.ok("demo").stdout == cli.ok("demo").stdout

    def test_ignores_global_options(self, widget: SmsadminRunner) -> None:
        """The demo runs on its own files whatever account or host is configured."""
        before = widget.state()

        widget.ok("--host", "ats_seats", "demo")

        assert before == widget.state()

    def test_missing_plugin(self, cli: SmsadminRunner, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without a host plugin the demo says which and how to install it, and exits 1."""
        monkeypatch.setenv("SMS_CORE_DISABLED_PLUGINS", "ats_seats")

        result = cli.refused("demo")

        assert "'ats_seats'" in result.stderr
        assert "pip install sms-core-ats-seats" in result.stderr

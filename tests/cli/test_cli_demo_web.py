"""``smsadmin demo --web``: the story, then its accounts in the web UI until Ctrl+C."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import httpx
import pytest
from rich.console import Console

from sms_core import ManualClock, SmsAdmin
from sms_core.cli.demo.web import web_story
from sms_core.cli.narration import Narrator
from sms_core.cli.testing import SmsadminRunner
from sms_core.testing.processes import ServerProcess
from tests.cli.test_cli_demo import smsadmin_script

#: A user of each host product, as the demo lists them above their links.
_USERS = (
    "Morgan Reyes (Northwind Staffing, northwind):",
    "Riley Chen (Northwind Staffing, northwind-ats):",
)
_LINK = re.compile(r"^\s+(http://127\.0\.0\.1:\d+/(?:web|ats)/signin\?token=\S+)$")
#: The texting panel of the candidate the demo's texting part texts, on the widget.
_TEXTING = re.compile(r"^\s+(http://127\.0\.0\.1:\d+/web/texting\?candidate=cand-sam)$")


@pytest.mark.usefixtures("installed")
def test_demo_serves_every_user_a_sign_in_link(environment: Path) -> None:
    """Each printed link signs its user in on 127.0.0.1; Ctrl+C ends the demo with code 0.

    The texting panel's link shows the demo candidate's texts once signed in.
    """
    command = [smsadmin_script(), "demo", "--web", "--port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}
    # Ctrl+C is handled from before the first link prints: no need to wait for more.
    with ServerProcess(command, env=env, wait_timeout=120, stop_timeout=60) as demo:
        links, texting = demo.wait_until(
            _links, stream="stdout", waiting_for="every user's link and the texting panel's"
        )
        pages = {}
        with httpx.Client(follow_redirects=True, timeout=30) as browser:
            for who in _USERS:
                browser.cookies.clear()
                answer = browser.get(links[who])
                pages[who] = (answer.status_code, answer.url.path, answer.text)
                if who == _USERS[0]:  # signed in on the widget: its texting panel
                    answer = browser.get(texting)
                    pages["texting"] = (answer.status_code, answer.url.path, answer.text)
    out, err = demo.output("stdout"), demo.output("stderr")
    morgan = pages[_USERS[0]]
    assert (200, "/web/numbers") == morgan[:2]
    assert "Morgan Reyes · Northwind Staffing" in morgan[2]
    assert '<span class="badge"' in morgan[2]
    panel = pages["texting"]
    assert (200, "/web/texting") == panel[:2], panel[2]
    assert "↔ +15125550142" in panel[2]  # the thread with the candidate
    assert "No messages with this candidate yet." not in panel[2]
    riley = pages[_USERS[1]]
    assert (200, "/ats/seats") == riley[:2]
    assert "Text Messaging Numbers" in riley[2]
    assert 0 == demo.returncode, err
    assert "Stopped the web UI" in out


def test_ctrl_c_while_the_links_print_stops_cleanly(
    widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C once the UI listens, even before the last link prints, ends the demo cleanly.

    The interrupt stands in as the ``KeyboardInterrupt`` it raises, while the links print.
    """
    told = io.StringIO()
    console = Console(file=told, width=120)
    story = Narrator(console=console, clock=ManualClock(datetime(2026, 1, 5, tzinfo=UTC)))

    def interrupted(self: SmsAdmin) -> NoReturn:
        raise KeyboardInterrupt

    with SmsAdmin.open(os.environ["SMS_DATABASE_URL"]) as sdk:
        monkeypatch.setattr(SmsAdmin, "accounts", interrupted)
        web_story(story, {"/web": ("HCM widget", sdk)}, 0)

    assert "Stopped the web UI" in told.getvalue()


def _links(lines: Sequence[str]) -> tuple[dict[str, str], str] | None:
    """Each of :data:`_USERS`' sign-in link and the texting panel's, once all are printed."""
    links: dict[str, str] = {}
    texting = ""
    name = ""
    for line in lines:
        if found := _TEXTING.match(line):
            texting = found.group(1)
        elif found := _LINK.match(line):
            links[name] = found.group(1)
        elif line.startswith("  "):
            name = line.strip()
    return (links, texting) if set(_USERS) <= set(links) and texting else None

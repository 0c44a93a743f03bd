"""``smsadmin demo --web``: the story, then its accounts in the web UI until Ctrl+C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

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
    with subprocess.Popen(
        [smsadmin_script(), "demo", "--web", "--port", "0"],
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "120"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    ) as demo:
        assert demo.stdout is not None
        watchdog = threading.Timer(120, demo.send_signal, [signal.SIGINT])
        watchdog.start()
        links: dict[str, str] = {}
        try:
            name = ""
            texting = ""
            for line in iter(demo.stdout.readline, ""):
                if found := _TEXTING.match(line):
                    texting = found.group(1)
                elif found := _LINK.match(line):
                    links[name] = found.group(1)
                    if set(_USERS) <= set(links) and texting:
                        break
                elif line.startswith("  "):
                    name = line.strip()
            pages = {}
            with httpx.Client(follow_redirects=True, timeout=30) as browser:
                for who in _USERS:
                    browser.cookies.clear()
                    answer = browser.get(links[who])
                    pages[who] = (answer.status_code, answer.url.path, answer.text)
                    if who == _USERS[0]:  # signed in on the widget: its texting panel
                        answer = browser.get(texting)
                        pages["texting"] = (answer.status_code, answer.url.path, answer.text)
        finally:
            watchdog.cancel()
            demo.send_signal(signal.SIGINT)
            out, err = demo.communicate(timeout=60)
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

"""Scheduled sends across processes: two on PostgreSQL at once, and one SIGKILLed (issue 16.3).

Each child (``tests/scheduled_child.py``) opens the SDK on its own and runs one ``run_due``
pass; what reached the carrier is counted in the sandbox carrier's own state. Bounded: 40
texts and two children, then one child killed once; about ten seconds a database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from sms_core import Direction, ManualClock, NumberQuery, ScheduledState, SmsAdmin
from sms_core.services.scheduled import CLAIM_LEASE
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import ALICE
from tests.services.test_scheduled import NOON

#: Where the children are run from (``tests`` is a package of the repository root).
ROOT = Path(__file__).parent.parent.parent


#: Texts the two processes race for.
RACED = 40


def world(database_url: str, state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Account ``acme``, whose recruiter Ann has a registered line, for the children to open."""
    for name in ("SMS_HOST", "SMS_ACCOUNT", "SMS_ACTOR", "SMS_CORE_DISABLED_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMS_DATABASE_URL", database_url)
    monkeypatch.setenv("SMS_FAKE_STATE", str(state))
    clock = ManualClock(NOON - timedelta(days=2))
    with SandboxCarrier(state) as carrier, SmsAdmin.open(database_url, clock=clock) as admin:
        acme = admin.create_account("acme", name="Acme Staffing", provider="fake")
        acme.users.upsert("dana", first_name="Dana", last_name="Reyes", permissions=["sms.admin"])
        acme.users.upsert("ann", first_name="Ann", last_name="Lee")
        acme.registration.register("dana", sample_brand(), sample_campaign())
        for review in (timedelta(hours=1), timedelta(hours=4), timedelta(days=1)):
            carrier.advance(review)
            acme.registration.sync()
        [offer] = acme.numbers.search("dana", NumberQuery(area_code="415", limit=1))
        acme.numbers.purchase("dana", offer.number, ["ann"], accept_terms=True)


def children(count: int, go: Path, *point: str) -> list[subprocess.Popen[str]]:
    """Start ``count`` children that each run one pass once ``go`` exists."""
    return [
        subprocess.Popen(
            [sys.executable, "-m", "tests.scheduled_child", NOON.isoformat(), str(go), *point],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]


def lines(output: str, kind: str) -> list[str]:
    """The ids a child printed after ``kind``."""
    return [line.split()[1] for line in output.splitlines() if line.startswith(f"{kind} ")]


def at_carrier(state: Path) -> Counter[str]:
    """How many texts the sandbox carrier took for each recipient."""
    with SandboxCarrier(state) as carrier:
        return Counter(
            message.recipient.e164
            for message in carrier.messages("acme")
            if message.direction is Direction.OUTBOUND
        )


class TestTwoProcesses:
    """Two processes running ``run_due`` at once on PostgreSQL send each due text once."""

    def test_each_send_once(
        self, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """40 due sends, two processes started together: each text reaches the carrier once."""
        state = tmp_path / "carrier.sqlite3"
        world(postgres_url, state, monkeypatch)
        numbers = [f"+1212555{3000 + index}" for index in range(RACED)]
        with SmsAdmin.open(postgres_url, clock=ManualClock(NOON)) as admin:
            acme = admin.account("acme")
            made = {acme.scheduled.schedule("ann", to=n, body="Hi", at=NOON).id for n in numbers}
        go = tmp_path / "go"
        started = children(2, go)
        go.touch()
        outputs = [child.communicate(timeout=120) for child in started]
        assert [0, 0] == [child.returncode for child in started], outputs
        taken = [lines(out, "taken") for out, _ in outputs]
        sent = [lines(out, "sent") for out, _ in outputs]
        # Each row taken by one process only, and sent by the one that took it.
        assert (made, RACED) == (set(taken[0]) | set(taken[1]), len(taken[0]) + len(taken[1]))
        assert taken == sent
        assert Counter(dict.fromkeys(numbers, 1)) == at_carrier(state)
        with SmsAdmin.open(postgres_url, clock=ManualClock(NOON)) as admin:
            rows = admin.account("acme").scheduled.list_page("dana", limit=1000).items
        assert {ScheduledState.SENT} == {row.state for row in rows}


class TestKilledAfterHandOver:
    """A process SIGKILLed after the carrier took a scheduled text: retaken, never resent."""

    @pytest.mark.crash
    def test_sent_once(
        self, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The child dies after the hand-over; after the lease a pass settles the row, once."""
        state = tmp_path / "carrier.sqlite3"
        world(database_url, state, monkeypatch)
        clock = ManualClock(NOON)
        with SmsAdmin.open(database_url, clock=clock) as admin:
            scheduled = admin.account("acme").scheduled.schedule(
                "ann", to=ALICE, body="Hi", at=NOON
            )
        go = tmp_path / "go"
        go.touch()
        [child] = children(1, go, "carrier_after")
        out, err = child.communicate(timeout=120)
        assert -signal.SIGKILL == child.returncode, out + err
        assert Counter({ALICE: 1}) == at_carrier(state)
        with SmsAdmin.open(database_url, clock=clock) as admin:
            acme = admin.account("acme")
            assert ScheduledState.CLAIMED == acme.scheduled.get("dana", scheduled.id).state
            assert 0 == acme.scheduled.run_due().count  # its claim still holds
            clock.advance(CLAIM_LEASE)
            [sent] = acme.scheduled.run_due().sent
            assert 0 == acme.scheduled.run_due().count
        assert scheduled.id == sent.id
        assert Counter({ALICE: 1}) == at_carrier(state)

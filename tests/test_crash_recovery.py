"""Crash recovery: keyed mass texts SIGKILLed at random points, then recovered (issue 13).

Each run starts ``python -m tests.crash_child``, which runs ``smsadmin send-mass --key`` to
25 candidates on the sandbox carrier and kills itself with SIGKILL at a point drawn with a
seeded generator: before the texts are stored, after, after a wave is marked as handed over,
before or after the carrier takes the n-th text, or while answers are being stored. Then,
as an operator would, the test reruns the same command with the same key (at once, inside the
recovery lease) and checks that what it prints is the truth, and that no text reached the
carrier twice (counted in the sandbox carrier's own state). A day later, after
``smsadmin reconcile`` has declared the texts that never reached the carrier so (the carrier's
queue validity plus the margin have passed), a last rerun sends those: every recipient then has
exactly one text at the carrier.

Bounded: 12 runs per database, each child a few seconds at most; about a minute per database.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sms_core import DeliveryStatus, Direction, ManualClock, Message, NumberQuery, SmsAdmin
from sms_core.cli.testing import SmsadminRunner
from sms_core.store import messages as message_store
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import SandboxCarrier
from tests.crash_child import BODY

pytestmark = pytest.mark.crash

#: Where the child is run from (``tests`` is a package of the repository root).
ROOT = Path(__file__).parent.parent
#: Kills per database, and recipients per mass text (two waves at the sandbox's concurrency).
RUNS, RECIPIENTS = 12, 25
#: The seed the kill points are drawn with; the run prints it with each point.
SEED = 13
#: Noon in New York on a Tuesday; each run starts two days after the one before.
START = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
#: The sandbox's review times: a brand takes an hour, a campaign four, a service a day.
REVIEWS = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1))
#: Where a child may be killed, and how many times at most it passes each point.
POINTS = {
    "before_store": 1,
    "after_store": 1,
    "after_mark": 2,
    "carrier_before": RECIPIENTS,
    "carrier_after": RECIPIENTS,
    "settling": 4,
}
SUMMARY = re.compile(r"(\d+) sent, (\d+) refused, (\d+) failed")
#: Stored statuses that say the carrier took the text.
TAKEN = {DeliveryStatus.QUEUED, DeliveryStatus.SENT, DeliveryStatus.DELIVERED}


@pytest.fixture
def world(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """An account whose recruiter Ann has a registered line; the database URL and carrier file."""
    state = tmp_path / "sandbox-carrier.sqlite3"
    for name in ("SMS_HOST", "SMS_ACCOUNT", "SMS_ACTOR", "SMS_CORE_DISABLED_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMS_DATABASE_URL", database_url)
    monkeypatch.setenv("SMS_FAKE_STATE", str(state))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    with (
        SandboxCarrier(state) as carrier,
        SmsAdmin.open(database_url, clock=ManualClock(START)) as admin,
    ):
        acme = admin.create_account("acme", name="Acme Staffing", provider="fake")
        acme.users.upsert("dana", first_name="Dana", last_name="Reyes", permissions=["sms.admin"])
        acme.users.upsert("ann", first_name="Ann", last_name="Lee")
        acme.registration.register("dana", sample_brand(), sample_campaign())
        for review in REVIEWS:
            carrier.advance(review)
            acme.registration.sync()
        [offer] = acme.numbers.search("dana", NumberQuery(area_code="415", limit=1))
        acme.numbers.purchase("dana", offer.number, ["ann"], accept_terms=True)
    return database_url, state


def send_mass(clock: ManualClock, key: str, numbers: list[str]) -> tuple[int, int, int]:
    """Rerun the keyed mass text in-process; its printed sent, refused and failed counts."""
    to = [f"--to={number}" for number in numbers]
    result = SmsadminRunner(clock=clock).ok(
        "--account", "acme", "--as", "ann", "send-mass", "--body", BODY, "--key", key, *to
    )
    found = SUMMARY.search(result.stdout)
    assert found is not None, result.stdout
    sent, refused, failed = (int(count) for count in found.groups())
    return sent, refused, failed


def at_carrier(state: Path) -> Counter[str]:
    """How many texts the sandbox carrier took for each recipient."""
    with SandboxCarrier(state) as carrier:
        return Counter(
            message.recipient.e164
            for message in carrier.messages("acme")
            if message.direction is Direction.OUTBOUND
        )


def stored(database_url: str, key: str, numbers: list[str]) -> dict[str, Message | None]:
    """Each recipient's stored text of the keyed mass text, if any."""
    with SmsAdmin.open(database_url, clock=ManualClock(START)) as admin:
        found = {}
        for number in numbers:
            with admin.database.transaction() as connection:
                found[number] = message_store.find_by_idempotency_key(
                    connection, "acme", f"{key}:{number}"
                )
        return found


def test_killed_mass_texts_are_sent_exactly_once(world: tuple[str, Path]) -> None:
    """Whatever the kill point, each recipient ends with one text, and reruns tell the truth."""
    database_url, state = world
    rng = random.Random(SEED)
    points = sorted(POINTS) * (RUNS // len(POINTS))  # each point twice, in a random order
    rng.shuffle(points)
    killed = Counter[str]()
    for run, point in enumerate(points):
        nth = rng.randint(1, POINTS[point])
        now = START + timedelta(days=2 * run)
        key = f"crash-{run}"
        numbers = [f"+1212555{2000 + run * RECIPIENTS + i}" for i in range(RECIPIENTS)]
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.crash_child",
                point,
                str(nth),
                now.isoformat(),
                key,
                *numbers,
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert child.returncode in {0, -signal.SIGKILL}, child.stdout + child.stderr
        if child.returncode == -signal.SIGKILL:
            killed[point] += 1

        # The rerun, a minute later: it settles what the dead run left, then tells the truth.
        sent, refused, failed = send_mass(ManualClock(now + timedelta(minutes=1)), key, numbers)
        taken = at_carrier(state)
        texts = stored(database_url, key, numbers)
        where = f"run {run}: killed at {point} #{nth}"
        assert all(taken[number] <= 1 for number in numbers), where
        for number, message in texts.items():
            assert message is not None, f"{where}: {number} was not stored"
            assert message.status is not DeliveryStatus.PENDING, f"{where}: {number} pending"
            if message.status in TAKEN:
                assert 1 == taken[number], f"{where}: {number} is {message.status}"
            if message.status is DeliveryStatus.UNKNOWN:  # handed over, never reached it
                assert 0 == taken[number], f"{where}: {number} unknown yet at the carrier"
        assert (RECIPIENTS, 0, 0) == (sent, refused, failed), where

        # A day later: reconciliation declares the lost ones never arrived; a rerun sends them.
        later = ManualClock(now + timedelta(days=1))
        SmsadminRunner(clock=later).ok("reconcile")
        assert (RECIPIENTS, 0, 0) == send_mass(later, key, numbers), where
        taken = at_carrier(state)
        assert [1] * RECIPIENTS == [taken[number] for number in numbers], where
    print(f"crash suite (seed {SEED}): kills by point {dict(killed)}")
    assert sum(killed.values()) >= RUNS // 2, killed  # the draws reach their points

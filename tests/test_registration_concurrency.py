"""Two real processes register and sync one account on PostgreSQL: no step goes twice.

Each process opens its own SDK and its own handle on one sandbox carrier file. A barrier makes
both act in the same round; between rounds the test moves the carrier clock past a review. The
carrier counts what it receives, so the check does not trust the SDK's own account of it.
"""

from __future__ import annotations

import multiprocessing
import random
import traceback
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from sms_core import ManualClock, NumberQuery, RegistrationStep, StepStatus
from sms_core.exceptions import RegistrationExistsError
from sms_core.services import SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import FakeAdapter
from tests.services.test_registration import RecordingCarrier

START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
#: An upper bound for one round, so a broken run fails instead of hanging.
TIMEOUT = 120.0
#: What both processes do, round by round, and how far the carrier clock moves before.
ROUNDS = (
    ("register", timedelta(0)),
    ("sync", timedelta(hours=1)),  # the brand's review ends: the campaign is submitted
    ("sync", timedelta(hours=4)),  # the campaign's review ends: the messaging service is
    ("sync", timedelta(days=1)),  # the service is ready: the line is attached
)

_Outcome = tuple[list[RegistrationStep], list[str]]


def open_sdk(database_url: str, carrier: RecordingCarrier) -> SmsAdmin:
    return SmsAdmin.open(
        database_url,
        plugins=[FakeAdapter(carrier=carrier)],
        clock=ManualClock(START),
        webhook_base_url="https://sms.example.test/webhooks",
        rng=random.Random(7),
    )


def contender(
    database_url: str, carrier_path: str, barrier: Barrier, results: Queue[_Outcome | str]
) -> None:
    """One process: in every round, wait for the other, act, and wait again."""
    carrier = RecordingCarrier(Path(carrier_path), clock=ManualClock(START))
    try:
        outcomes = []
        with open_sdk(database_url, carrier) as admin:
            acme = admin.account("acme")
            for action, _ in ROUNDS:
                barrier.wait(TIMEOUT)
                if action == "register":
                    try:
                        acme.registration.register("admin", sample_brand(), sample_campaign())
                        outcomes.append("registered")
                    except RegistrationExistsError:
                        outcomes.append("refused")
                else:
                    report = acme.registration.sync()
                    outcomes.append(",".join(step.value for step in report.submitted))
                barrier.wait(TIMEOUT)
        results.put((carrier.submissions, outcomes))
    except BaseException:
        barrier.abort()
        results.put(traceback.format_exc())
        raise
    finally:
        carrier.close()


class TestConcurrentSync:
    """Registration from two processes at once, on PostgreSQL."""

    def test_each_step_is_submitted_once(self, postgres_url: str, tmp_path: Path) -> None:
        """The carrier receives one brand, one campaign and one messaging service."""
        carrier_path = tmp_path / "carrier.sqlite3"
        carrier = RecordingCarrier(carrier_path, clock=ManualClock(START))
        with open_sdk(postgres_url, carrier) as admin:
            acme = admin.create_account("acme", name="Acme Staffing", provider="fake")
            acme.users.upsert(
                "admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"]
            )
            acme.users.upsert("ann", first_name="Ann", last_name="Lee")
            [offer] = acme.numbers.search("admin", NumberQuery(area_code="415", limit=1))
            acme.numbers.purchase("admin", offer.number, ["ann"], accept_terms=True)

            spawn = multiprocessing.get_context("spawn")
            barrier = spawn.Barrier(3)
            results: Queue[_Outcome | str] = spawn.Queue()
            processes = [
                spawn.Process(
                    target=contender, args=(postgres_url, str(carrier_path), barrier, results)
                )
                for _ in range(2)
            ]
            for process in processes:
                process.start()
            try:
                for _, advance in ROUNDS:
                    carrier.advance(advance)
                    barrier.wait(TIMEOUT)  # both start the round
                    barrier.wait(TIMEOUT)  # both finished it
                outcomes = [results.get(timeout=TIMEOUT) for _ in processes]
            finally:
                for process in processes:
                    process.join(TIMEOUT)
                    if process.is_alive():
                        process.kill()
            failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
            assert [] == failures
            assert [0, 0] == [process.exitcode for process in processes]

            received = sorted(
                (
                    step
                    for outcome in outcomes
                    if not isinstance(outcome, str)
                    for step in outcome[0]
                ),
                key=list(RegistrationStep).index,
            )
            assert list(RegistrationStep) == received
            registrations = sorted(
                outcome[1][0] for outcome in outcomes if not isinstance(outcome, str)
            )
            assert ["refused", "registered"] == registrations
            status = acme.registration.status()
            assert StepStatus.APPROVED == status.overall
            assert [1, 1, 1] == [record.attempts for record in status.steps]
            assert [True] == [line.line.registered for line in acme.numbers.list()]
        carrier.close()

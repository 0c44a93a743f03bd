"""Crash recovery on Twilio: keyed mass texts SIGKILLed mid-way, then recovered (issue 13).

The sandbox suite (``tests/test_crash_recovery.py``) counts texts in the sandbox carrier's
state; this one counts them in the Twilio stand-in's, which runs in the test process, so what
Twilio took survives the child. Each run starts ``twilio_crash_child.py``, which sends a keyed
mass text to 15 candidates with the Twilio adapter and kills itself with SIGKILL at a point
drawn with a seeded generator. The same call is then retried with the key at once: no text may
reach Twilio twice, nothing may be left pending, and a text Twilio lists must be settled. A
day later (past the queue validity and the margin), reconciliation and one more retry must
leave every candidate with exactly one text at Twilio.

Bounded: 6 runs per database (SQLite and PostgreSQL), a few seconds each.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from sms_core import (
    DeliveryStatus,
    NumberQuery,
    Recipient,
    RegistrationStep,
    StepStatus,
)
from sms_core.testing import sample_brand, sample_campaign
from sms_twilio import CampaignRef, PooledHttpClient
from sms_twilio.testing import TwilioStandIn

CHILD = Path(__file__).parent / "twilio_crash_child.py"


def _load_child() -> ModuleType:
    """The child's module, for what the test shares with it (tests here import by path)."""
    spec = importlib.util.spec_from_file_location("twilio_crash_child", CHILD)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_child = _load_child()
ACCOUNT_SID: str = _child.ACCOUNT_SID
BODY: str = _child.BODY
open_sdk = _child.open_sdk
RUNS, RECIPIENTS, SEED = 6, 15, 10
#: Noon in New York on a Tuesday; each run starts two days after the one before.
START = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
POINTS = {
    "after_store": 1,
    "after_mark": 1,
    "twilio_before": RECIPIENTS,
    "twilio_after": RECIPIENTS,
    "settling": 3,
}
#: Stored statuses that say Twilio took the text.
TAKEN = {DeliveryStatus.QUEUED, DeliveryStatus.SENT, DeliveryStatus.DELIVERED}


@pytest.fixture
def stand_in() -> Iterator[TwilioStandIn]:
    """A stand-in of the test's own, so each database's run counts only its texts."""
    with TwilioStandIn() as server:
        yield server


@pytest.fixture
def agency(database_url: str, stand_in: TwilioStandIn) -> str:
    """An agency on Twilio, its campaign verified, with recruiter ``rec`` on a line."""
    with (
        PooledHttpClient(base_urls=stand_in.base_urls) as http,
        open_sdk(database_url, stand_in.base_urls, http, START) as admin,
    ):
        account = admin.create_account(
            "acme",
            name="Acme Staffing",
            provider="twilio",
            provider_settings={
                "primary_customer_profile_sid": stand_in.state.primary_profile(ACCOUNT_SID)
            },
        )
        account.users.upsert("admin", first_name="A", last_name="Dmin", permissions=["sms.admin"])
        account.users.upsert("rec", first_name="Re", last_name="Cruiter")
        account.registration.register("admin", sample_brand(), sample_campaign())
        for _ in RegistrationStep:  # the stand-in is told to end each review at once
            status = account.registration.status()
            for record in (status.brand, status.campaign):
                if record.status is StepStatus.IN_PROGRESS and record.provider_ref:
                    ref = record.provider_ref
                    sid = CampaignRef.parse(ref).campaign_sid if "/" in ref else ref
                    stand_in.state.complete_review(ACCOUNT_SID, sid)
            account.registration.sync()
        assert account.registration.status().send_ready
        [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
        account.numbers.purchase("admin", offer.number, ["rec"], accept_terms=True)
    return database_url


def at_twilio(stand_in: TwilioStandIn) -> Counter[str]:
    """How many texts Twilio took for each recipient."""
    return Counter(str(found["to"]) for found in stand_in.state.messages(ACCOUNT_SID, {}))


def retry(
    database_url: str, stand_in: TwilioStandIn, now: datetime, key: str, numbers: list[str]
) -> dict[str, tuple[str, DeliveryStatus | None]]:
    """The keyed mass text again; each recipient's outcome and stored status."""
    recipients = [Recipient(candidate_id=None, number=number) for number in numbers]
    with (
        PooledHttpClient(base_urls=stand_in.base_urls) as http,
        open_sdk(database_url, stand_in.base_urls, http, now) as admin,
    ):
        account = admin.account("acme")
        account.messages.reconcile()
        result = account.messages.send_mass("rec", recipients, BODY, idempotency_key=key)
    return {
        str(outcome.recipient.number): (
            outcome.status.value,
            outcome.message.status if outcome.message else None,
        )
        for outcome in result.outcomes
    }


def test_killed_mass_texts_reach_twilio_once(agency: str, stand_in: TwilioStandIn) -> None:
    """Whatever the kill point, each candidate ends with one text at Twilio."""
    rng = random.Random(SEED)
    points = sorted(POINTS)
    rng.shuffle(points)
    killed = 0
    for run, point in enumerate(points + points[:1]):
        nth = rng.randint(1, POINTS[point])
        now = START + timedelta(days=2 * run)
        key = f"crash-{run}"
        numbers = [f"+1212555{3000 + run * RECIPIENTS + i}" for i in range(RECIPIENTS)]
        arguments = [agency, json.dumps(stand_in.base_urls), point, str(nth), now.isoformat()]
        child = subprocess.run(
            [sys.executable, str(CHILD), *arguments, key, *numbers],
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert child.returncode in {0, -signal.SIGKILL}, child.stdout + child.stderr
        killed += child.returncode == -signal.SIGKILL
        where = f"run {run}: killed at {point} #{nth}"

        outcomes = retry(agency, stand_in, now + timedelta(minutes=1), key, numbers)
        taken = at_twilio(stand_in)
        assert all(taken[number] <= 1 for number in numbers), where
        for number, (outcome, status) in outcomes.items():
            assert "sent" == outcome, f"{where}: {number} {outcome}"
            assert status is not DeliveryStatus.PENDING, f"{where}: {number} pending"
            if status in TAKEN:
                assert 1 == taken[number], f"{where}: {number} is {status} but not at Twilio"

        # A day later: what never reached Twilio is declared so, and the retry sends it.
        outcomes = retry(agency, stand_in, now + timedelta(days=1), key, numbers)
        taken = at_twilio(stand_in)
        assert [1] * RECIPIENTS == [taken[number] for number in numbers], where
        assert {("sent", True)} >= {
            (outcome, status in TAKEN) for outcome, status in outcomes.values()
        }, where
    assert killed >= RUNS // 2

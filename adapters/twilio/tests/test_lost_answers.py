"""Texts whose create answer a gateway spoiled are never sent twice, through the whole SDK.

A gateway in front of Twilio (a load balancer, a proxy) answers ``502 Bad Gateway`` or
``504 Gateway Timeout`` when Twilio's own answer is late or lost, so the message may well exist
at Twilio; a ``503`` or a dropped connection says no more. The SDK must treat each as a lost
answer (``UNKNOWN``, reconciled) and never as "not sent", which frees the idempotency key so
that the caller's retry creates a second text. The stand-in spoils answers on request
(:meth:`~sms_twilio.testing.state.TwilioState.spoil_creates`) and counts what Twilio holds.

Measured on this suite with the adapter as it was (every 5xx a ``ProviderUnavailableError``, a
``503`` on a create retried): 20 of 20 single texts and 111 of 1,000 mass-texted ones were sent
twice after a retry with the same key; with the fix, none.
"""

import itertools
import random
from collections import Counter, deque
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_core import (
    AccountAdmin,
    DeliveryStatus,
    ManualClock,
    NumberQuery,
    ProviderError,
    Recipient,
    RegistrationStep,
    SmsAdmin,
    StepStatus,
)
from sms_core.testing import sample_brand, sample_campaign
from sms_twilio import CampaignRef, PooledHttpClient, RetryPolicy, TwilioAdapter
from sms_twilio.testing import TwilioState
from sms_twilio.testing.memory import CreateFault
from sms_twilio.testing.transport import StateAnswers

#: 13:00 in New York on a weekday: every candidate may be texted.
_START = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
_ACCOUNT_SID = "AC" + "4c" * 16
_TOKEN = "lost-answers-token"
_BODY = "Hi, a forklift shift opens Monday 7am. Reply YES to take it."


def _candidate(index: int) -> str:
    """The ``index``-th candidate: New York numbers 212-200-0000 upwards."""
    return f"+1212{200 + index // 10_000:03d}{index % 10_000:04d}"


class Faults:
    """Spoils each recipient's creates in turn, as its queue of faults says."""

    def __init__(self, plans: Mapping[str, Sequence[CreateFault | None]]) -> None:
        self._plans = {to: deque(plan) for to, plan in plans.items()}

    def __call__(self, form: Mapping[str, list[str]]) -> CreateFault | None:
        plan = self._plans.get((form.get("To") or [""])[0])
        return plan.popleft() if plan else None


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(_START)


@pytest.fixture
def twilio(clock: ManualClock) -> StateAnswers:
    return StateAnswers(TwilioState(clock), auth_token=_TOKEN)


@pytest.fixture
def admin(tmp_path: Path, twilio: StateAnswers, clock: ManualClock) -> Iterator[SmsAdmin]:
    environ = {"TWILIO_ACCOUNT_SID": _ACCOUNT_SID, "TWILIO_AUTH_TOKEN": _TOKEN}
    with (
        PooledHttpClient(
            transport=httpx.MockTransport(twilio),
            retry=RetryPolicy(attempts=3, backoff=0.0),
            sleep=lambda _: None,
        ) as http,
        SmsAdmin.open(
            f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
            plugins=[TwilioAdapter(http=http, environ=environ, clock=clock)],
            load_entry_points=False,
            clock=clock,
            webhook_base_url="https://sms.example.com/webhooks",
            rng=random.Random(7),
        ) as opened,
    ):
        yield opened


@pytest.fixture
def agency(admin: SmsAdmin, twilio: StateAnswers) -> AccountAdmin:
    """An agency registered at the stand-in, with one recruiter's line."""
    state = twilio.state
    account = admin.create_account(
        "acme",
        name="Acme Staffing",
        provider="twilio",
        provider_settings={"primary_customer_profile_sid": state.primary_profile(_ACCOUNT_SID)},
    )
    account.users.upsert("admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"])
    account.users.upsert("rec", first_name="Ann", last_name="Lee")
    account.registration.register("admin", sample_brand(), sample_campaign())
    for _ in RegistrationStep:
        status = account.registration.status()
        for record in (status.brand, status.campaign):
            if record.status is StepStatus.IN_PROGRESS and record.provider_ref:
                ref = record.provider_ref
                sid = CampaignRef.parse(ref).campaign_sid if "/" in ref else ref
                state.complete_review(_ACCOUNT_SID, sid)
        account.registration.sync()
    assert account.registration.status().send_ready
    [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
    account.numbers.purchase("admin", offer.number, ["rec"], accept_terms=True)
    return account


def _texts_at_twilio(state: TwilioState) -> Counter[str]:
    """How many texts Twilio holds per recipient."""
    return Counter(
        message["to"] for message in state.messages(_ACCOUNT_SID, {}) if message["body"] == _BODY
    )


class TestGatewayAfterCreate:
    """A 502/504 after Twilio created the text leaves it UNKNOWN; a retry sends nothing."""

    def test_twenty_single_texts(self, agency: AccountAdmin, twilio: StateAnswers) -> None:
        """20 texts, each answered 502 or 504 after creation, then retried: 20 texts in all."""
        candidates = [_candidate(index) for index in range(20)]
        statuses = itertools.cycle((502, 504))
        twilio.state.spoil_creates(
            Faults({to: [CreateFault(status=next(statuses))] for to in candidates})
        )
        outcomes = Counter[str]()
        for _ in range(2):  # the caller's retry with the same key
            for index, to in enumerate(candidates):
                try:
                    sent = agency.messages.send(
                        "rec", candidate_id=f"c-{index}", to=to, body=_BODY, idempotency_key=to
                    )
                except ProviderError as err:  # a caller tries again later, with the same key
                    outcomes[type(err).__name__] += 1
                else:
                    outcomes[sent.message.status] += 1
        held = _texts_at_twilio(twilio.state)
        assert 0 == sum(count - 1 for count in held.values())  # was 20
        # The retry with the same key looks its lost text up at Twilio instead of sending it.
        expected = {DeliveryStatus.UNKNOWN: 20, DeliveryStatus.QUEUED: 20}
        assert (dict.fromkeys(candidates, 1), expected) == (dict(held), dict(outcomes))
        assert [] == agency.messages.reconcile()  # nothing is left UNKNOWN

    def test_connection_dropped_after_the_request(
        self, agency: AccountAdmin, twilio: StateAnswers
    ) -> None:
        """A create whose connection drops unanswered is UNKNOWN, and found by the retry."""
        to = _candidate(0)
        twilio.state.spoil_creates(Faults({to: [CreateFault(status=None)]}))
        first = agency.messages.send(
            "rec", candidate_id="c", to=to, body=_BODY, idempotency_key="k"
        )
        again = agency.messages.send(
            "rec", candidate_id="c", to=to, body=_BODY, idempotency_key="k"
        )
        assert DeliveryStatus.UNKNOWN == first.message.status
        # The retry finds the text at Twilio by looking it up; it sends nothing.
        assert (DeliveryStatus.QUEUED, first.message.id) == (
            again.message.status,
            again.message.id,
        )
        assert again.message.provider_message_id
        assert {to: 1} == dict(_texts_at_twilio(twilio.state))


class TestMixedMassTexts:
    """1,000 recipients in 20 mass texts, with gateway errors before and after creation."""

    def test_no_recipient_gets_two_texts(self, agency: AccountAdmin, twilio: StateAnswers) -> None:
        """Every 9th create is answered 502/504 after creation, others 503 before; none twice."""
        candidates = [_candidate(index) for index in range(1000)]
        plan: dict[str, list[CreateFault | None]] = {}
        for index, to in enumerate(candidates):
            if index % 9 == 4:  # 111 of 1,000: the gateway gave up on a slow Twilio
                plan[to] = [CreateFault(status=502 if index % 2 else 504)]
            elif index % 9 == 7:  # Twilio was not reached: nothing created
                plan[to] = [CreateFault(status=503, created=False)]
        twilio.state.spoil_creates(Faults(plan))
        for _ in range(2):  # the caller's retry with the same key
            for batch in range(20):
                recipients = [
                    Recipient(candidate_id=f"c-{index}", number=candidates[index])
                    for index in range(batch * 50, batch * 50 + 50)
                ]
                agency.messages.send_mass("rec", recipients, _BODY, idempotency_key=f"m-{batch}")
        held = _texts_at_twilio(twilio.state)
        assert 0 == sum(count - 1 for count in held.values())  # was 111
        after_creation = sum(1 for [fault] in plan.values() if fault and fault.created)
        assert 111 == after_creation
        # The 111 that never reached Twilio stay UNKNOWN (reconciled later), never resent blind.
        assert len(candidates) - 111 == len(held)


#: What can come back instead of Twilio's answer to a create; ``None``: Twilio's own answer.
_FAULTS = (
    None,
    CreateFault(status=500),
    CreateFault(status=502),
    CreateFault(status=504),
    CreateFault(status=None),
    CreateFault(status=503, created=False),
    CreateFault(status=502, created=False),
)
_NUMBERS = itertools.count(5000)


class TestAnyGatewayFaults:
    """Whatever a gateway does to the creates and however often the caller retries."""

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        plans=st.lists(st.lists(st.sampled_from(_FAULTS), max_size=3), min_size=1, max_size=4),
        retries=st.integers(min_value=0, max_value=3),
    )
    def test_never_twice_and_never_failed_while_twilio_has_it(
        self,
        agency: AccountAdmin,
        twilio: StateAnswers,
        plans: list[list[CreateFault | None]],
        retries: int,
    ) -> None:
        """At most one text per recipient; one Twilio holds is never stored FAILED."""
        candidates = [_candidate(next(_NUMBERS)) for _ in plans]
        twilio.state.spoil_creates(Faults(dict(zip(candidates, plans, strict=True))))
        stored = {}
        for _ in range(1 + retries):
            for to in candidates:
                try:
                    sent = agency.messages.send(
                        "rec", candidate_id=None, to=to, body=_BODY, idempotency_key=f"p-{to}"
                    )
                except ProviderError:
                    continue  # refused for now: the caller retries with the same key
                stored[to] = sent.message.status
        held = _texts_at_twilio(twilio.state)
        assert [] == [to for to in candidates if held[to] > 1]
        assert [] == [
            to for to in candidates if held[to] and stored.get(to) is DeliveryStatus.FAILED
        ]

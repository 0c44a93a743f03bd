"""Texts whose send answer was lost are never sent twice on Telnyx, through the whole SDK.

A send whose connection drops after Telnyx made the message, or whose answer a gateway spoils,
leaves the text ``UNKNOWN``: it may exist at Telnyx. The core then looks it up without
Telnyx's id and, when the carrier does not list it for ``queue_validity`` plus a margin,
declares it never arrived and frees its idempotency key, so a retry with that key sends it
again (``sms_core/services/reconciliation.py``). Telnyx's message lookup needs Telnyx's id
(``GET /v2/messages/{id}``), so the adapter finds the text among Telnyx's message detail
records instead ("Telnyx creates an MDR when a message is submitted",
https://developers.telnyx.com/docs/messaging/messages/message-detail-records; searched with
``GET /v2/detail_records``, https://developers.telnyx.com/docs/v2/debugging/overview/) by the
SDK's id its status URL carries.

Measured with the adapter as it was (no lookup without Telnyx's id): each of these texts was
declared never arrived once its webhook did not come, and the caller's retry with the same key
sent it a second time (2 of 2 single texts, 6 of 6 lost in a mass text of 20); with the
detail-record lookup, none.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from sms_core import (
    AccountAdmin,
    DeliveryStatus,
    ManualClock,
    NumberQuery,
    Recipient,
    RegistrationStep,
    SmsAdmin,
    StepStatus,
)
from sms_core.testing import sample_brand, sample_campaign
from sms_core.testing.prism import PrismServer
from sms_telnyx import TelnyxAdapter
from sms_telnyx.testing.driver import TelnyxDriver
from sms_telnyx.testing.standin import API_KEY, STAND_IN_BASE_URL, TelnyxStandIn, TelnyxState

#: 13:00 in New York on a weekday: every candidate may be texted.
_START = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
_BODY = "Hi, a forklift shift opens Monday 7am. Reply YES to take it."
#: Past Telnyx's 4 h queue validity and the core's 1 h margin: a text not found by then is
#: declared never arrived.
_AFTER_THE_DEADLINE = timedelta(hours=5, minutes=1)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(_START)


@pytest.fixture
def stand_in(clock: ManualClock, telnyx_prism: PrismServer) -> Iterator[TelnyxStandIn]:
    stand_in = TelnyxStandIn(TelnyxState(clock), prism=telnyx_prism.base_url)
    yield stand_in
    assert [] == [str(v) for v in stand_in.take_violations()]
    stand_in.close()


@pytest.fixture
def agency(tmp_path: Path, stand_in: TelnyxStandIn, clock: ManualClock) -> Iterator[AccountAdmin]:
    """An agency registered at the stand-in, with one recruiter's line."""
    driver = TelnyxDriver(stand_in.state)
    environ = {"TELNYX_API_KEY": API_KEY, "TELNYX_PUBLIC_KEY": driver.public_key}
    with (
        httpx.Client(transport=stand_in.transport()) as http,
        SmsAdmin.open(
            f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
            plugins=[
                TelnyxAdapter(http=http, base_url=STAND_IN_BASE_URL, environ=environ, clock=clock)
            ],
            load_entry_points=False,
            clock=clock,
            webhook_base_url="https://sms.example.com/webhooks",
            rng=random.Random(7),
        ) as admin,
    ):
        profile = stand_in.state.profile(
            {"name": "Acme", "webhook_url": "https://sms.example.com/webhooks/acme/messages"}
        )
        account = admin.create_account(
            "acme",
            name="Acme Staffing",
            provider="telnyx",
            provider_settings={"messaging_profile_id": str(profile["id"])},
        )
        account.users.upsert(
            "admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"]
        )
        account.users.upsert("rec", first_name="Ann", last_name="Lee")
        account.registration.register("admin", sample_brand(), sample_campaign())
        for _ in RegistrationStep:
            status = account.registration.status()
            for record in (status.brand, status.campaign):
                if record.status is StepStatus.IN_PROGRESS and record.provider_ref:
                    driver.complete_registration(account.account, record.step, record.provider_ref)
            account.registration.sync()
        assert account.registration.status().send_ready
        [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
        account.numbers.purchase("admin", offer.number, ["rec"], accept_terms=True)
        yield account


def _texts_at_telnyx(stand_in: TelnyxStandIn) -> Counter[str]:
    """How many texts Telnyx holds per recipient."""
    return Counter(
        message["to"][0]["phone_number"]
        for message in stand_in.state.messages.values()
        if message["text"] == _BODY
    )


class TestLostSendAnswers:
    """A send answered by a dropped connection or a 502 is found, never sent again."""

    @pytest.mark.parametrize("how", ["drop", "502"])
    def test_found_after_the_deadline_and_a_retry_sends_nothing(
        self, agency: AccountAdmin, stand_in: TelnyxStandIn, clock: ManualClock, how: str
    ) -> None:
        """No webhook comes; past the deadline the text is found, and the retry sends nothing."""
        to = "+12125550142"
        stand_in.lose_next_sends(how)
        first = agency.messages.send(
            "rec", candidate_id="c", to=to, body=_BODY, idempotency_key="k"
        )
        assert DeliveryStatus.UNKNOWN == first.message.status
        clock.advance(_AFTER_THE_DEADLINE)
        [settled] = agency.messages.reconcile()
        again = agency.messages.send(
            "rec", candidate_id="c", to=to, body=_BODY, idempotency_key="k"
        )
        assert {to: 1} == dict(_texts_at_telnyx(stand_in))  # was {to: 2}
        held = next(iter(stand_in.state.messages))
        assert (DeliveryStatus.QUEUED, held) == (settled.status, settled.provider_message_id)
        assert (first.message.id, DeliveryStatus.QUEUED) == (again.message.id, again.message.status)

    def test_a_send_that_never_reached_telnyx_is_declared_never_arrived(
        self, agency: AccountAdmin, stand_in: TelnyxStandIn, clock: ManualClock
    ) -> None:
        """A text Telnyx holds no record of is still failed once the deadline has passed."""
        to = "+12125550143"
        stand_in.lose_next_sends("drop")
        first = agency.messages.send(
            "rec", candidate_id="c", to=to, body=_BODY, idempotency_key="k2"
        )
        stand_in.state.messages.clear()  # as if the request died before Telnyx made it
        clock.advance(_AFTER_THE_DEADLINE)
        [settled] = agency.messages.reconcile()
        assert (first.message.id, DeliveryStatus.FAILED) == (settled.id, settled.status)


class TestMassTextWithLostAnswers:
    """A mass text whose answers are lost for some recipients reaches each of them once."""

    def test_no_recipient_gets_two_texts(
        self, agency: AccountAdmin, stand_in: TelnyxStandIn, clock: ManualClock
    ) -> None:
        """6 of 20 answers lost (dropped or 502); no webhook; reconciled late; retried."""
        recipients = [
            Recipient(candidate_id=f"c-{index}", number=f"+1212555{1000 + index:04d}")
            for index in range(20)
        ]
        stand_in.lose_next_sends(*(["drop", "502"] * 3))
        first = agency.messages.send_mass("rec", recipients, _BODY, idempotency_key="mass")
        unknown = [
            o for o in first.outcomes if o.message and o.message.status is DeliveryStatus.UNKNOWN
        ]
        assert 6 == len(unknown)
        clock.advance(_AFTER_THE_DEADLINE)
        settled = agency.messages.reconcile()
        agency.messages.send_mass("rec", recipients, _BODY, idempotency_key="mass")
        held = _texts_at_telnyx(stand_in)
        assert dict.fromkeys((r.number for r in recipients), 1) == dict(held)  # 6 twice before
        assert {DeliveryStatus.QUEUED} == {message.status for message in settled}

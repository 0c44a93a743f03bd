"""The stand-in registers pooled numbers on its clock and reports it as Event Streams does.

Twilio registers a Messaging Service's numbers after its campaign is ``VERIFIED`` and reports
it only through Event Streams
(https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/event-streams-setup); the event
shapes asserted here are that page's examples.
"""

from datetime import UTC, datetime, timedelta

import pytest

from sms_core import ManualClock
from sms_twilio.testing import TwilioState
from sms_twilio.testing.memory import Failure

_ACCOUNT = "AC" + "7" * 32
_TYPE = "com.twilio.messaging.compliance.number-registration."


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))


@pytest.fixture
def state(clock: ManualClock) -> TwilioState:
    return TwilioState(clock)


def _kinds(state: TwilioState, number_sid: str) -> list[str]:
    events = state.number_registration_events(_ACCOUNT, number_sid)
    return [event["type"].removeprefix(_TYPE) for event in events]


class TestTimeline:
    """Pending from the later of pooling and verification; the outcome a registration time on."""

    def test_registered_after_the_registration_time(
        self, state: TwilioState, clock: ManualClock
    ) -> None:
        """Pending at once, successful only once the registration time has passed."""
        _, sid, service = state.provision_sender(_ACCOUNT)
        assert ["pending"] == _kinds(state, sid)
        clock.advance(state.number_registration_time - timedelta(seconds=1))
        assert ["pending"] == _kinds(state, sid)
        clock.advance(timedelta(seconds=1))
        assert ["pending", "successful"] == _kinds(state, sid)
        [_, done] = state.number_registration_events(_ACCOUNT, sid)
        assert "registered" == done["data"]["externalstatus"]
        assert sid == done["data"]["phonenumbersid"]
        assert service == done["data"]["messagingservicesid"]
        assert "application/json" == done["datacontenttype"]

    def test_not_before_the_campaign_is_verified(self, state: TwilioState) -> None:
        """A number in the pool of a service whose campaign is not verified is not registered."""
        number = state.buy_number(_ACCOUNT, {"AreaCode": ["415"]})
        service = state.create_service(_ACCOUNT, {"FriendlyName": ["pending campaign"]})
        state.add_to_pool(_ACCOUNT, service["sid"], number["sid"], "")
        assert [] == _kinds(state, number["sid"])
        with pytest.raises(ValueError, match="has not started"):
            state.complete_number_registration(_ACCOUNT, number["sid"])

    def test_arranged_failure(self, state: TwilioState) -> None:
        """An arranged failure ends the next registration failed, with the error's page."""
        state.fail_next_number_registration(_ACCOUNT, Failure(reason="flagged", code="30126"))
        _, sid, _ = state.provision_sender(_ACCOUNT)
        state.complete_number_registration(_ACCOUNT, sid)
        [_, failed] = state.number_registration_events(_ACCOUNT, sid)
        assert f"{_TYPE}failed" == failed["type"]
        assert "failure" == failed["data"]["externalstatus"]
        assert failed["data"]["failurereason"].endswith("/errors/30126")
        _, other, _ = state.provision_sender(_ACCOUNT, "212")
        state.complete_number_registration(_ACCOUNT, other)
        assert ["pending", "successful"] == _kinds(state, other)

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest

from sms_core import (
    AccountAdmin,
    HostInfo,
    HostPolicy,
    ManualClock,
    Recipient,
    RecipientStatus,
    hookimpl,
)
from sms_core.exceptions import QuietHoursError
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    LARA,
    START,
    Texting,
    buy_line,
    outbound_at_carrier,
    snapshot,
)

#: A Miami number: Florida allows texts from 8 a.m. to 8 p.m. only.
MIAMI = "+13055550100"
#: 8:00 in Los Angeles the day after the tests start (the clocks only move forward: the
#: carrier's registration was approved at its own time).
LA_MORNING = START + timedelta(days=1)


@pytest.fixture
def line(acme: AccountAdmin) -> str:
    """Ann's registered line."""
    return buy_line(acme, "ann").e164


class TestQuietHours(Texting):
    """Texts outside the recipient's local hours are refused, saying when they may go."""

    def test_one_minute_early(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """At 7:59 in Los Angeles the text waits for 8:00, named in UTC and local time."""
        clock.current = LA_MORNING - timedelta(minutes=1)
        before = snapshot(acme, carrier)
        with pytest.raises(QuietHoursError) as caught:
            acme.messages.send("ann", candidate_id=None, to=LARA, body="Hi")
        assert LA_MORNING == caught.value.next_allowed
        assert LARA == caught.value.number
        message = str(caught.value)
        assert "07:59 in America/Los_Angeles" in message
        assert "2026-03-11 15:00 UTC" in message
        assert "08:00 local time in America/Los_Angeles" in message
        assert before == snapshot(acme, carrier)
        clock.advance(timedelta(minutes=1))
        acme.messages.send("ann", candidate_id=None, to=LARA, body="Hi")
        assert 1 == len(outbound_at_carrier(carrier))

    def test_evening_waits_for_the_next_morning(
        self, acme: AccountAdmin, clock: ManualClock, line: str
    ) -> None:
        """At 9 p.m. in New York the next allowed moment is 8 a.m. the next day."""
        clock.current = datetime(2026, 3, 11, 1, 0, tzinfo=UTC)  # 21:00 EDT on the 10th
        with pytest.raises(QuietHoursError, match=re.escape("08:00 local time")) as caught:
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        assert datetime(2026, 3, 11, 12, 0, tzinfo=UTC) == caught.value.next_allowed

    def test_state_window_is_stricter(
        self, acme: AccountAdmin, clock: ManualClock, line: str
    ) -> None:
        """At 8:30 p.m. New York may be texted; Florida may not."""
        clock.current = datetime(2026, 3, 11, 0, 30, tzinfo=UTC)  # 20:30 EDT
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        with pytest.raises(QuietHoursError, match="Florida"):
            acme.messages.send("ann", candidate_id=None, to=MIAMI, body="Hi")

    def test_mass_text_refuses_only_those_in_quiet_hours(
        self, acme: AccountAdmin, clock: ManualClock, line: str
    ) -> None:
        """At 7:59 in Los Angeles, New York is texted and Los Angeles is refused."""
        clock.current = LA_MORNING - timedelta(minutes=1)
        result = acme.messages.send_mass(
            "ann",
            [Recipient(candidate_id=None, number=ALICE), Recipient(candidate_id=None, number=LARA)],
            "Hi",
        )
        assert [RecipientStatus.SENT, RecipientStatus.REFUSED] == [
            outcome.status for outcome in result.outcomes
        ]
        assert "08:00 local time in America/Los_Angeles" in (result.outcomes[1].reason or "")


class AnyTimeHost:
    """A host product that does not enforce quiet hours."""

    name: ClassVar[str] = "any_time"

    @hookimpl
    def sms_host_info(self) -> HostInfo:
        """The core defaults without quiet hours, for every account."""
        return HostInfo(name=self.name, policy=HostPolicy(quiet_hours=False))


class TestDisabledByHost(Texting):
    """A host may turn quiet hours off."""

    @pytest.fixture
    def host(self) -> str:
        return AnyTimeHost.name

    @pytest.fixture
    def plugins(self) -> Sequence[object]:
        return [AnyTimeHost()]

    def test_sends_at_night(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """At 3 a.m. in Los Angeles the text goes."""
        clock.current = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
        acme.messages.send("ann", candidate_id=None, to=LARA, body="Hi")
        assert 1 == len(outbound_at_carrier(carrier))

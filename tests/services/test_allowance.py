from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from sms_ats_seats import AtsSeatsHost
from sms_core import (
    AccountAdmin,
    AllowanceUnit,
    DeliveryStatus,
    ManualClock,
    PhoneNumber,
    Recipient,
    RecipientStatus,
)
from sms_core.exceptions import AllowanceExhaustedError, RecipientOptedOutError
from sms_core.services.reconciliation import NEVER_ARRIVED_MARGIN
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    DEV,
    Texting,
    deliver_webhooks,
    outbound_at_carrier,
    seat_line,
    snapshot,
)

#: A two-segment text: 40 emoji are 80 UTF-16 units, over UCS-2's 70.
TWO_SEGMENTS = "😀" * 40


def allowance(account: AccountAdmin, seat_id: str) -> tuple[int, int]:
    """The seat's remaining and total allowance, as the seats page shows them."""
    seat = account.seats.get(seat_id).seat
    return seat.remaining, seat.monthly_allowance


def send(account: AccountAdmin, to: str = ALICE, body: str = "Hi") -> DeliveryStatus:
    return account.messages.send("ann", candidate_id=None, to=to, body=body).message.status


class TestAllowance(Texting):
    """Each send uses the seat's monthly allowance; an exhausted seat is refused."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    @pytest.fixture
    def seat(self, acme: AccountAdmin) -> str:
        return seat_line(acme, 3, "ann")[0]

    def test_each_send_uses_one(self, acme: AccountAdmin, seat: str) -> None:
        """A message counts once, however many segments it has."""
        send(acme)
        send(acme, body=TWO_SEGMENTS)
        assert (1, 3) == allowance(acme, seat)

    def test_exhausted_seat_refused_before_the_carrier(
        self, acme: AccountAdmin, carrier: SandboxCarrier, seat: str
    ) -> None:
        """The fourth text of a three-message seat is refused, naming what is left and when."""
        for number in (ALICE, BRUNO, CARLA):
            send(acme, to=number)
        before = snapshot(acme, carrier)
        with pytest.raises(AllowanceExhaustedError) as caught:
            send(acme, to=DEV)
        error = caught.value
        assert (0, 3, 1, datetime(2026, 4, 1, tzinfo=UTC)) == (
            error.remaining,
            error.total,
            error.needed,
            error.resets_at,
        )
        assert "has 0 of its 3 messages left" in str(error)
        assert "resets on 2026-04-01 00:00 UTC" in str(error)
        assert before == snapshot(acme, carrier)
        assert 3 == len(outbound_at_carrier(carrier))

    def test_resets_at_the_start_of_the_month(
        self, acme: AccountAdmin, clock: ManualClock, seat: str
    ) -> None:
        """Crossing into April gives the whole allowance back, with no job run."""
        clock.current = datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
        for number in (ALICE, BRUNO, CARLA):
            send(acme, to=number)
        with pytest.raises(AllowanceExhaustedError):
            send(acme, to=DEV)
        clock.current = datetime(2026, 4, 1, 0, 0, 30, tzinfo=UTC)  # 20:00 in New York
        assert (3, 3) == allowance(acme, seat)
        send(acme, to=DEV)
        assert (2, 3) == allowance(acme, seat)
        [summary] = acme.seats.list()
        assert ("2026-04", 1) == (summary.seat.period, summary.seat.used)

    def test_carrier_refusal_refunds(
        self, acme: AccountAdmin, carrier: SandboxCarrier, seat: str
    ) -> None:
        """A text the carrier refused at once was not sent: its unit comes back."""
        line = acme.seats.get(seat).line
        assert line is not None
        carrier.opt_out("acme", line.number, PhoneNumber.parse(ALICE))
        with pytest.raises(RecipientOptedOutError):
            send(acme)
        assert (3, 3) == allowance(acme, seat)

    def test_lost_answer_keeps_the_unit_until_reconciled(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, seat: str
    ) -> None:
        """A text that may have gone out is counted; one found never to have arrived is not.

        It is found never to have arrived once the carrier's queue validity and the margin
        have passed without the carrier listing it.
        """
        carrier.time_out_next_send("acme", reaches_carrier=False)
        assert DeliveryStatus.UNKNOWN == send(acme)
        assert (2, 3) == allowance(acme, seat)
        acme.messages.reconcile()
        assert (2, 3) == allowance(acme, seat)
        clock.advance(timedelta(hours=10) + NEVER_ARRIVED_MARGIN)  # the sandbox's validity
        acme.messages.reconcile()
        assert (3, 3) == allowance(acme, seat)

    def test_mass_text_stops_when_the_allowance_runs_out(
        self, acme: AccountAdmin, carrier: SandboxCarrier, seat: str
    ) -> None:
        """Of five recipients, three are sent and two refused; the seat is never overspent."""
        numbers = [ALICE, BRUNO, CARLA, DEV, "+12125550105"]
        result = acme.messages.send_mass(
            "ann", [Recipient(candidate_id=None, number=n) for n in numbers], "Hi"
        )
        refused = [o for o in result.outcomes if o.status is RecipientStatus.REFUSED]
        assert (3, 2) == (result.sent, len(refused))
        assert all("0 of its 3 messages left" in (o.reason or "") for o in refused)
        assert (0, 3) == allowance(acme, seat)
        assert 3 == len(outbound_at_carrier(carrier))

    def test_replies_not_counted_by_default(
        self, acme: AccountAdmin, carrier: SandboxCarrier, seat: str
    ) -> None:
        """The ATS does not count received texts, nor the SDK's help replies."""
        line = acme.seats.get(seat).line
        assert line is not None
        for body in ("Yes, I can work", "HELP"):
            carrier.inject_inbound_text("acme", PhoneNumber.parse(ALICE), line.number, body)
        deliver_webhooks(acme, carrier)
        assert 3 == len(acme.messages.thread("ann", line.number, ALICE))
        assert (3, 3) == allowance(acme, seat)


class TestSegmentsAndReplies(Texting):
    """A host may count segments, and received texts."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    @pytest.fixture
    def plugins(self) -> Sequence[object]:
        return [AtsSeatsHost(allowance_unit=AllowanceUnit.SEGMENT, count_inbound=True)]

    @pytest.fixture
    def seat(self, acme: AccountAdmin) -> str:
        return seat_line(acme, 3, "ann")[0]

    def test_segments_counted(self, acme: AccountAdmin, seat: str) -> None:
        """A two-segment text uses two; the next one needs two and only one is left."""
        send(acme, body=TWO_SEGMENTS)
        assert (1, 3) == allowance(acme, seat)
        with pytest.raises(AllowanceExhaustedError, match=re.escape("1 of its 3 segments")) as err:
            send(acme, body=TWO_SEGMENTS)
        assert 2 == err.value.needed
        send(acme, body="short")
        assert (0, 3) == allowance(acme, seat)

    def test_replies_counted_but_never_refused(
        self, acme: AccountAdmin, carrier: SandboxCarrier, seat: str
    ) -> None:
        """Received texts use the allowance; once it is used up they are stored uncounted."""
        line = acme.seats.get(seat).line
        assert line is not None
        for body in ("one", "two", "three", "four"):
            carrier.inject_inbound_text("acme", PhoneNumber.parse(ALICE), line.number, body)
        deliver_webhooks(acme, carrier)
        assert 4 == len(acme.messages.thread("ann", line.number, ALICE))
        assert (0, 3) == allowance(acme, seat)

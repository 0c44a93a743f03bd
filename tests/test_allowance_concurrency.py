from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sms_core import AccountAdmin, ManualClock, SmsAdmin
from sms_core.exceptions import AllowanceExhaustedError
from sms_fake import FakeAdapter, SandboxCarrier
from tests.services.messaging_fixtures import Texting, open_admin, outbound_at_carrier, seat_line

#: How many processes' worth of SDKs race for the seat's last messages.
RACERS = 12
#: What the seat has left when they start.
LEFT = 3
ALLOWANCE = 10


class TestLastAllowance(Texting):
    """Sends racing for a seat's last messages, each over its own connections, never overspend."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    def test_exactly_the_remaining_sends_succeed(
        self,
        database_url: str,
        clock: ManualClock,
        carrier: SandboxCarrier,
        acme: AccountAdmin,
    ) -> None:
        """Twelve senders, three messages left: three go out, nine are refused."""
        seat_id, _ = seat_line(acme, ALLOWANCE, "ann", "bob", "cy")
        for index in range(ALLOWANCE - LEFT):
            acme.messages.send("ann", candidate_id=None, to=f"+1212555{2000 + index}", body="Hi")
        # One SDK (engine, connection pool) per racer, as separate processes would have.
        admins = [
            open_admin(database_url, clock, "ats_seats", [FakeAdapter(carrier=carrier)])
            for _ in range(RACERS)
        ]
        start = threading.Barrier(RACERS)

        def race(index: int, admin: SmsAdmin) -> bool:
            account = admin.account("acme")
            start.wait(timeout=60)
            try:
                account.messages.send(
                    ("ann", "bob", "cy")[index % 3],
                    candidate_id=None,
                    to=f"+1212555{3000 + index}",
                    body="Last call for Saturday's shift",
                )
            except AllowanceExhaustedError:
                return False
            return True

        try:
            with ThreadPoolExecutor(max_workers=RACERS) as pool:
                outcomes = list(pool.map(race, range(RACERS), admins))
        finally:
            for admin in admins:
                admin.close()

        seat = acme.seats.get(seat_id).seat
        assert LEFT == sum(outcomes)
        assert (0, ALLOWANCE) == (seat.remaining, seat.used)
        assert ALLOWANCE == len(outbound_at_carrier(carrier))

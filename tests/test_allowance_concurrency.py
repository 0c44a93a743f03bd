from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from sms_core import AccountAdmin, ManualClock, SmsAdmin
from sms_core.exceptions import AllowanceExhaustedError
from sms_fake import FakeAdapter, SandboxCarrier
from tests.services.messaging_fixtures import (
    PooledHost,
    Texting,
    buy_line,
    open_admin,
    outbound_at_carrier,
    seat_line,
)

#: How many processes' worth of SDKs race for the seat's last messages.
RACERS = 12
#: What the seat has left when they start.
LEFT = 3
ALLOWANCE = 10


def race_sends(admins: Sequence[SmsAdmin], users: Sequence[str], body: str) -> list[bool]:
    """Each SDK sends one text at the same moment, by turns from ``users``; who got through.

    Each admin stands for a process of its own (its own engine and connection pool). They
    all start at one barrier, so they race on the allowance's conditional ``UPDATE``.
    """
    start = threading.Barrier(len(admins))

    def race(index: int, admin: SmsAdmin) -> bool:
        account = admin.account("acme")
        start.wait(timeout=60)
        try:
            account.messages.send(
                users[index % len(users)],
                candidate_id=None,
                to=f"+1212555{3000 + index}",
                body=body,
            )
        except AllowanceExhaustedError:
            return False
        return True

    try:
        with ThreadPoolExecutor(max_workers=len(admins)) as pool:
            return list(pool.map(race, range(len(admins)), admins))
    finally:
        for admin in admins:
            admin.close()


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
        outcomes = race_sends(admins, ("ann", "bob", "cy"), "Last call for Saturday's shift")

        seat = acme.seats.get(seat_id).seat
        assert LEFT == sum(outcomes)
        assert (0, ALLOWANCE) == (seat.remaining, seat.used)
        assert ALLOWANCE == len(outbound_at_carrier(carrier))


class TestLastOfThePool(Texting):
    """Sends from every line racing for the account pool's last messages never overspend it."""

    @pytest.fixture
    def host(self) -> str:
        return PooledHost.name

    @pytest.fixture
    def plugins(self) -> Sequence[object]:
        return [PooledHost(monthly_allowance=ALLOWANCE)]

    def test_exactly_the_remaining_sends_succeed(
        self,
        database_url: str,
        clock: ManualClock,
        carrier: SandboxCarrier,
        acme: AccountAdmin,
    ) -> None:
        """Twelve senders on three lines, three messages left: three go out, nine are refused."""
        users = ("ann", "bob", "cy")
        for area_code, user in zip(("415", "212", "312"), users, strict=True):
            buy_line(acme, user, area_code=area_code)
        for index in range(ALLOWANCE - LEFT):
            acme.messages.send(
                users[index % 3], candidate_id=None, to=f"+1212555{2000 + index}", body="Hi"
            )
        # One SDK (engine, connection pool) per racer, as separate processes would have; the
        # pool's row exists by now, so they race on the conditional UPDATE alone.
        admins = [
            open_admin(
                database_url,
                clock,
                PooledHost.name,
                [FakeAdapter(carrier=carrier), PooledHost(monthly_allowance=ALLOWANCE)],
            )
            for _ in range(RACERS)
        ]
        outcomes = race_sends(admins, users, "Last call for Saturday's shift")

        remaining = acme.allowance.pool()
        assert remaining is not None
        assert LEFT == sum(outcomes)
        assert (0, ALLOWANCE) == (remaining.remaining, remaining.used)
        assert ALLOWANCE == len(outbound_at_carrier(carrier))


class TestFirstUseOfThePool(Texting):
    """Racers that find no pool row yet make it once between them and never overspend it."""

    @pytest.fixture
    def host(self) -> str:
        return PooledHost.name

    @pytest.fixture
    def plugins(self) -> Sequence[object]:
        return [PooledHost(monthly_allowance=LEFT)]

    def test_row_made_once(
        self,
        database_url: str,
        clock: ManualClock,
        carrier: SandboxCarrier,
        acme: AccountAdmin,
    ) -> None:
        """Twelve first senders of the month, three messages: three go out, no error else."""
        users = ("ann", "bob", "cy")
        for area_code, user in zip(("415", "212", "312"), users, strict=True):
            buy_line(acme, user, area_code=area_code)
        admins = [
            open_admin(
                database_url,
                clock,
                PooledHost.name,
                [FakeAdapter(carrier=carrier), PooledHost(monthly_allowance=LEFT)],
            )
            for _ in range(RACERS)
        ]
        outcomes = race_sends(admins, users, "Hi")

        assert LEFT == sum(outcomes)
        assert LEFT == len(outbound_at_carrier(carrier))

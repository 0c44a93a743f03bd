"""Allowances by scope: an account's monthly pool, and hosts that meter nothing.

The seat scope's own tests are in ``test_allowance.py``; the rules are the same for every scope
(see :mod:`sms_core.services.allowance`), so these mirror them for the account's pool.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest

from sms_core import (
    AccountAdmin,
    Action,
    AllowancePool,
    AllowanceScope,
    AllowanceUnit,
    Decision,
    HostInfo,
    ManualClock,
    NumberQuery,
    PhoneNumber,
    Recipient,
    RecipientStatus,
    User,
    hookimpl,
)
from sms_core.exceptions import (
    AllowanceExhaustedError,
    PermissionDeniedError,
    RecipientOptedOutError,
)
from sms_core.services.reconciliation import NEVER_ARRIVED_MARGIN
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    DEV,
    PooledHost,
    Texting,
    buy_line,
    deliver_webhooks,
    outbound_at_carrier,
    snapshot,
)

#: A two-segment text: 40 emoji are 80 UTF-16 units, over UCS-2's 70.
TWO_SEGMENTS = "😀" * 40


def pool(account: AccountAdmin) -> tuple[int, int]:
    """The pool's remaining and total allowance this month."""
    found = account.allowance.pool()
    assert found is not None
    return found.remaining, found.monthly_allowance


def send(account: AccountAdmin, user: str = "ann", to: str = ALICE, body: str = "Hi") -> None:
    account.messages.send(user, candidate_id=None, to=to, body=body)


class Pooled(Texting):
    """A registered account under :class:`PooledHost`, ann and bob each on a line."""

    @pytest.fixture
    def host(self) -> str:
        return PooledHost.name

    @pytest.fixture
    def plugins(self) -> Sequence[object]:
        return [PooledHost()]

    @pytest.fixture
    def lines(self, acme: AccountAdmin) -> tuple[PhoneNumber, PhoneNumber]:
        return buy_line(acme, "ann"), buy_line(acme, "bob", area_code="212")


class TestAccountPool(Pooled):
    """Every line of the account uses one monthly pool; an exhausted pool is refused."""

    def test_untouched_pool_is_whole(self, acme: AccountAdmin, clock: ManualClock) -> None:
        """Before any text the pool reads whole, for this month, resetting on the 1st."""
        expected = AllowancePool(
            account_id="acme",
            monthly_allowance=3,
            used=0,
            period="2026-03",
            unit=AllowanceUnit.MESSAGE,
            resets_at=datetime(2026, 4, 1, tzinfo=UTC),
        )
        assert expected == acme.allowance.pool()
        assert AllowanceScope.ACCOUNT == acme.allowance.scope()

    def test_every_line_uses_the_pool(self, acme: AccountAdmin, lines: object) -> None:
        """Texts from two users on two lines come out of the same pool."""
        send(acme, "ann")
        send(acme, "bob", to=BRUNO, body=TWO_SEGMENTS)  # a message counts once
        assert (1, 3) == pool(acme)

    def test_exhausted_pool_refused_before_the_carrier(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: object
    ) -> None:
        """The fourth text is refused whoever sends it, naming the scope, what is left and when."""
        send(acme, "ann", to=ALICE)
        send(acme, "bob", to=BRUNO)
        send(acme, "ann", to=CARLA)
        before = snapshot(acme, carrier)
        with pytest.raises(AllowanceExhaustedError) as caught:
            send(acme, "bob", to=DEV)
        error = caught.value
        assert (AllowanceScope.ACCOUNT, None, 0, 3, 1, datetime(2026, 4, 1, tzinfo=UTC)) == (
            error.scope,
            error.seat_id,
            error.remaining,
            error.total,
            error.needed,
            error.resets_at,
        )
        assert str(error).startswith("the account's pool (acme) has 0 of its 3 messages left")
        assert "resets on 2026-04-01 00:00 UTC; send it then" in str(error)
        assert before == snapshot(acme, carrier)
        assert 3 == len(outbound_at_carrier(carrier))

    def test_resets_at_the_start_of_the_month(
        self, acme: AccountAdmin, clock: ManualClock, lines: object
    ) -> None:
        """Crossing into April gives the whole pool back, with no job run."""
        clock.current = datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
        for number in (ALICE, BRUNO, CARLA):
            send(acme, to=number)
        with pytest.raises(AllowanceExhaustedError):
            send(acme, to=DEV)
        clock.current = datetime(2026, 4, 1, 0, 0, 30, tzinfo=UTC)  # 20:00 in New York
        assert (3, 3) == pool(acme)
        send(acme, to=DEV)
        found = acme.allowance.pool()
        assert found is not None
        assert ("2026-04", 1, datetime(2026, 5, 1, tzinfo=UTC)) == (
            found.period,
            found.used,
            found.resets_at,
        )

    def test_carrier_refusal_refunds(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        lines: tuple[PhoneNumber, PhoneNumber],
    ) -> None:
        """A text the carrier refused at once was not sent: its unit goes back to the pool."""
        carrier.opt_out("acme", lines[0], PhoneNumber.parse(ALICE))
        with pytest.raises(RecipientOptedOutError):
            send(acme)
        assert (3, 3) == pool(acme)

    def test_lost_answer_keeps_the_unit_until_reconciled(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, lines: object
    ) -> None:
        """A text that may have gone out is counted; one found never to have arrived is not."""
        carrier.time_out_next_send("acme", reaches_carrier=False)
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        assert (2, 3) == pool(acme)
        acme.messages.reconcile()
        assert (2, 3) == pool(acme)
        clock.advance(timedelta(hours=10) + NEVER_ARRIVED_MARGIN)  # the sandbox's validity
        acme.messages.reconcile()
        assert (3, 3) == pool(acme)

    def test_mass_text_counted_per_recipient(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: object
    ) -> None:
        """Of five recipients, three are sent and two refused; the pool is never overspent."""
        numbers = [ALICE, BRUNO, CARLA, DEV, "+12125550105"]
        result = acme.messages.send_mass(
            "ann", [Recipient(candidate_id=None, number=n) for n in numbers], "Hi"
        )
        statuses = [outcome.status for outcome in result.outcomes]
        assert [RecipientStatus.SENT] * 3 + [RecipientStatus.REFUSED] * 2 == statuses
        refused = result.outcomes[3:]
        assert all("pool (acme) has 0 of its 3 messages left" in (o.reason or "") for o in refused)
        assert (0, 3) == pool(acme)
        assert 3 == len(outbound_at_carrier(carrier))

    def test_replies_not_counted_by_default(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        lines: tuple[PhoneNumber, PhoneNumber],
    ) -> None:
        """Received texts, and the SDK's help replies, leave the pool alone."""
        for body in ("Yes, I can work", "HELP"):
            carrier.inject_inbound_text("acme", PhoneNumber.parse(ALICE), lines[0], body)
        deliver_webhooks(acme, carrier)
        assert 3 == len(acme.messages.thread("ann", lines[0], ALICE))
        assert (3, 3) == pool(acme)


class TestPoolOfSegments(Pooled):
    """A pooled host may count segments, and received texts."""

    @pytest.fixture
    def plugins(self) -> Sequence[object]:
        return [PooledHost(allowance_unit=AllowanceUnit.SEGMENT, count_inbound=True)]

    def test_segments_counted(self, acme: AccountAdmin, lines: object) -> None:
        """A two-segment text uses two; the next one needs two and only one is left."""
        send(acme, body=TWO_SEGMENTS)
        assert (1, 3) == pool(acme)
        with pytest.raises(AllowanceExhaustedError, match=re.escape("1 of its 3 segments")) as err:
            send(acme, "bob", body=TWO_SEGMENTS)
        assert 2 == err.value.needed
        send(acme, "bob", body="short")
        assert (0, 3) == pool(acme)

    def test_mass_text_counted_per_recipient_and_segment(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: object
    ) -> None:
        """Two segments to each of two recipients need four: the second recipient is refused."""
        result = acme.messages.send_mass(
            "ann",
            [Recipient(candidate_id=None, number=n) for n in (ALICE, BRUNO)],
            TWO_SEGMENTS,
        )
        assert [RecipientStatus.SENT, RecipientStatus.REFUSED] == [
            outcome.status for outcome in result.outcomes
        ]
        assert "has 1 of its 3 segments left" in (result.outcomes[1].reason or "")
        assert (1, 3) == pool(acme)
        assert 1 == len(outbound_at_carrier(carrier))

    def test_replies_counted_but_never_refused(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        lines: tuple[PhoneNumber, PhoneNumber],
    ) -> None:
        """Received texts on any line use the pool; once it is used up they are stored."""
        for line, body in zip(lines + lines, ("one", "two", "three", "four"), strict=True):
            carrier.inject_inbound_text("acme", PhoneNumber.parse(ALICE), line, body)
        deliver_webhooks(acme, carrier)
        threads = [
            acme.messages.thread(user, line, ALICE)
            for user, line in zip(("ann", "bob"), lines, strict=True)
        ]
        assert [2, 2] == [len(thread) for thread in threads]
        assert (0, 3) == pool(acme)


class TestUnmetered(Texting):
    """Under the core defaults (``AllowanceScope.NONE``) nothing is metered or reported."""

    def test_sends_are_not_counted(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """Texts go out however many; there is no pool to read."""
        buy_line(acme, "ann")
        for number in (ALICE, BRUNO, CARLA, DEV):
            send(acme, to=number)
        assert (AllowanceScope.NONE, None) == (acme.allowance.scope(), acme.allowance.pool())
        assert 4 == len(outbound_at_carrier(carrier))


class CountingHost:
    """A host that hears how many candidates each texting action reaches, and caps it at 2."""

    name: ClassVar[str] = "counting"

    def __init__(self) -> None:
        self.heard: list[tuple[Action, int]] = []

    @hookimpl
    def sms_host_info(self) -> HostInfo:
        """The core default policy under this host's name."""
        return HostInfo(name=self.name)

    @hookimpl
    def sms_authorize(self, actor: User, action: Action, recipients: int) -> Decision | None:
        """Refuse texting more than two candidates at once; the core decides the rest."""
        self.heard.append((action, recipients))
        if action is Action.SEND_MESSAGE and recipients > 2:
            return Decision.deny(f"{actor.id} may text at most 2 candidates at once")
        return None


class TestAuthorizeHearsTheCount(Texting):
    """``sms_authorize`` is told how many candidates a text reaches."""

    @pytest.fixture
    def counting(self) -> CountingHost:
        return CountingHost()

    @pytest.fixture
    def host(self) -> str:
        return CountingHost.name

    @pytest.fixture
    def plugins(self, counting: CountingHost) -> Sequence[object]:
        return [counting]

    def test_single_text_counts_one(self, acme: AccountAdmin, counting: CountingHost) -> None:
        """A single text asks with 1 recipient; admin actions that text no one with 0."""
        buy_line(acme, "ann")
        counting.heard.clear()
        send(acme)
        assert {(Action.SEND_MESSAGE, 1)} == set(counting.heard)
        acme.numbers.search("admin", NumberQuery(area_code="415", limit=1))
        assert (Action.MANAGE_NUMBERS, 0) == counting.heard[-1]

    def test_mass_text_counts_those_selected(
        self, acme: AccountAdmin, carrier: SandboxCarrier, counting: CountingHost
    ) -> None:
        """A mass text asks with the number selected; refused, it sends nothing."""
        buy_line(acme, "ann")
        before = snapshot(acme, carrier)  # reads history, which the host hears too
        counting.heard.clear()
        selected = [Recipient(candidate_id=None, number=n) for n in (ALICE, BRUNO, CARLA)]
        with pytest.raises(PermissionDeniedError, match="at most 2 candidates"):
            acme.messages.send_mass("ann", selected, "Hi")
        assert [(Action.SEND_MESSAGE, 3)] == counting.heard
        assert before == snapshot(acme, carrier)
        counting.heard.clear()
        result = acme.messages.send_mass("ann", selected[:2], "Hi")
        assert (2, [(Action.SEND_MESSAGE, 2)]) == (result.sent, counting.heard)

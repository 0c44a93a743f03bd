"""Scheduled sends under random work: whatever the order, each text goes once or never.

Hypothesis draws sequences of what happens to an account's scheduled sends: texts scheduled
for a time or for the next allowed time, cancelled, an opt-out recorded or lifted, the clock
moved, passes of ``run_due``, and a process that takes a due send and stops. After each
sequence, checked against the sandbox carrier's own record: no text reached it twice; each
``sent`` row's text reached it once; no cancelled, refused, pending or abandoned row's text
reached it at all.

Bounded for CI: 25 sequences of up to 12 steps per database, against one account set up once
(each sequence continues from where the last one left it), without a deadline.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_core import (
    NEXT_ALLOWED,
    AccountAdmin,
    ManualClock,
    OptOutSource,
    ScheduledState,
    SmsError,
)
from sms_core.services.scheduled import CLAIM_LEASE
from sms_core.store import scheduled as scheduled_store
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    LARA,
    Texting,
    buy_line,
    outbound_at_carrier,
)
from tests.services.test_scheduled import NOON

#: Steps: (kind, number, minutes, flag).
STEP = st.tuples(
    st.sampled_from(["schedule", "cancel", "opt_out", "lift", "advance", "run", "abandon"]),
    st.sampled_from([ALICE, BRUNO, LARA]),
    st.integers(min_value=0, max_value=16 * 60),
    st.booleans(),
)

_bodies = itertools.count()


class TestRandomWork(Texting):
    """Each scheduled text reaches the carrier once if sent, never otherwise."""

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps=st.lists(STEP, max_size=12))
    def test_once_or_never(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        clock: ManualClock,
        steps: list[tuple[str, str, int, bool]],
    ) -> None:
        if not any(s.line.registered for s in acme.numbers.list()):
            buy_line(acme, "ann")
            clock.current = max(clock.current, NOON)
        for kind, number, minutes, flag in steps:
            run(acme, clock, kind, number, minutes, flag)
        at_carrier = Counter(message.body for message in outbound_at_carrier(carrier))
        assert all(1 == count for count in at_carrier.values()), at_carrier
        rows = acme.scheduled.list_page("admin", limit=1000).items
        for row in rows:
            expected = 1 if row.state is ScheduledState.SENT else 0
            assert expected == at_carrier[row.body], row


def run(
    acme: AccountAdmin, clock: ManualClock, kind: str, number: str, minutes: int, flag: bool
) -> None:
    """One step; refusals are part of the work (a past time, an opt-out, quiet hours...)."""
    scheduled = acme.scheduled
    try:
        if kind == "schedule":
            at = NEXT_ALLOWED if flag else clock.now() + timedelta(minutes=minutes)
            scheduled.schedule("ann", to=number, body=f"text {next(_bodies)}", at=at)
        elif kind == "cancel":
            pending = scheduled.list_page("admin", state=ScheduledState.PENDING).items
            if pending:
                scheduled.cancel("ann", pending[minutes % len(pending)].id)
        elif kind == "opt_out":
            acme.optouts.record(number, source=OptOutSource.HOST, keyword=None, at=clock.now())
        elif kind == "lift":
            acme.optouts.lift("admin", number, reason="Consent given again by email")
        elif kind == "advance":
            clock.advance(timedelta(minutes=minutes))
        elif kind == "run":
            scheduled.run_due(limit=1 + minutes % 5)
        else:  # a process takes a due send and stops before sending it
            with acme.scheduled._context.database.transaction() as connection:
                scheduled_store.claim_due(
                    connection,
                    "acme",
                    claim="gone",
                    now=clock.now(),
                    expires_at=clock.now() + CLAIM_LEASE,
                )
    except SmsError:
        pass

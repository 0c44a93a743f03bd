"""Host events' delivery: the outbox handed to the plugins after commit, and again until taken.

The rule is written once, at the top of :mod:`sms_core.services.host_events`, which writes the
events (:func:`~sms_core.services.host_events.emit`) and re-exports the names here. This
module takes an event from the outbox with one conditional UPDATE, hands it to every
implementation of its hook, and marks it delivered, or failed and due again after a backoff.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta

import attrs

from sms_core.clock import Clock
from sms_core.domain import Account
from sms_core.domain.host_events import HostEvent
from sms_core.plugins import Hooks
from sms_core.plugins.facade import HookFailure
from sms_core.services.poller import Poller
from sms_core.store import Database
from sms_core.store import accounts as account_store
from sms_core.store import host_events as event_store

__all__ = [
    "CLAIM_LEASE",
    "FIRST_RETRY_DELAY",
    "MAX_RETRY_DELAY",
    "HostEventDelivery",
    "HostEventPoller",
    "HostEventReport",
]

_logger = logging.getLogger(__name__)

#: How long after a failed delivery the event is tried again the first time.
FIRST_RETRY_DELAY = timedelta(seconds=30)
#: The longest wait between two deliveries of an event: the backoff stops doubling here.
MAX_RETRY_DELAY = timedelta(hours=1)
#: How long a claim holds: a process that stopped mid-delivery loses its events after this.
CLAIM_LEASE = timedelta(minutes=5)


@attrs.frozen(kw_only=True)
class HostEventReport:
    """What one pass over the due events did.

    Attributes:
        delivered: The ids of the events every implementation took.
        failed: The ids of the events an implementation raised on (to be delivered again).
    """

    delivered: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


@attrs.define
class HostEventDelivery:
    """Delivers host events to the plugins, each held by one process at a time."""

    database: Database
    hooks: Hooks
    clock: Clock
    make_claim: Callable[[], str] = lambda: uuid.uuid4().hex

    def deliver(self, account: Account, event: HostEvent) -> bool | None:
        """Deliver one event, unless another process holds it or it was delivered.

        Never raises: the change the event reports is committed, whatever happens here.

        Returns:
            ``True`` when every implementation took it, ``False`` when one raised (it will be
            delivered again), ``None`` when it was not this caller's to deliver.
        """
        claim = self.make_claim()
        try:
            now = self.clock.now()
            with self.database.transaction() as connection:
                if not event_store.claim_event(
                    connection,
                    event.id,
                    claim=claim,
                    now=now,
                    stale_before=now - CLAIM_LEASE,
                ):
                    return None
            failures = self.hooks.notify_host_event(account, event)
            for failure in failures:
                _logger.error(
                    "host event %s (%s) of account %s: plugin %s raised %s; it will be "
                    "delivered again",
                    event.id,
                    type(event).__name__,
                    account.id,
                    failure.plugin,
                    type(failure.error).__name__,
                )
            with self.database.transaction() as connection:
                if not failures:
                    event_store.mark_delivered(
                        connection, event.id, claim=claim, now=self.clock.now()
                    )
                    return True
                attempts = event_store.attempts(connection, event.id)
                event_store.mark_failed(
                    connection,
                    event.id,
                    claim=claim,
                    error=_described(failures),
                    due_at=self.clock.now() + _backoff(attempts),
                )
                return False
        except Exception as err:  # the database failed: the poller delivers it later
            # The error's type only: a database error's text quotes the statement's values.
            _logger.error(
                "host event %s of account %s could not be delivered now (%s); it will be "
                "delivered again",
                event.id,
                account.id,
                type(err).__name__,
            )
            return False

    def deliver_due(self, *, limit: int = 500) -> HostEventReport:
        """Deliver every event that is due and held by no live process, oldest first.

        Safe beside other processes doing the same: each event is delivered by the one that
        claims it.

        Args:
            limit: The most events to look at in this pass.
        """
        now = self.clock.now()
        with self.database.transaction() as connection:
            pending = event_store.due_events(
                connection, now=now, stale_before=now - CLAIM_LEASE, limit=limit
            )
        accounts: dict[str, Account | None] = {}
        delivered: list[str] = []
        failed: list[str] = []
        for item in pending:
            event = item.event
            if event.account_id not in accounts:
                with self.database.transaction() as connection:
                    accounts[event.account_id] = account_store.get_account(
                        connection, event.account_id
                    )
            account = accounts[event.account_id]
            if account is None:  # pragma: no cover - an event's account is never deleted
                continue
            outcome = self.deliver(account, event)
            if outcome is True:
                delivered.append(event.id)
            elif outcome is False:
                failed.append(event.id)
        return HostEventReport(delivered=tuple(delivered), failed=tuple(failed))


class HostEventPoller(Poller):
    """Delivers the host events left undelivered, now and then every ``interval`` seconds."""

    name = "sms-host-event-poller"

    def __init__(self, delivery: HostEventDelivery, interval: float) -> None:
        super().__init__(interval)
        self._delivery = delivery

    def run_pass(self) -> None:
        """Deliver every due event."""
        report = self._delivery.deliver_due()
        if report.delivered or report.failed:
            _logger.info(
                "delivered %d host events, %d failed again",
                len(report.delivered),
                len(report.failed),
            )


def _backoff(attempts: int) -> timedelta:
    """The wait before delivery number ``attempts + 2``: doubling, at most an hour."""
    delay = FIRST_RETRY_DELAY * (1 << min(attempts, 16))
    return min(delay, MAX_RETRY_DELAY)


def _described(failures: Sequence[HookFailure]) -> str:
    """The failures by plugin and error type: no message, which may hold a body or a number."""
    return "; ".join(
        f"{failure.plugin} raised {type(failure.error).__name__}" for failure in failures
    )

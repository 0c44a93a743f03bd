"""Reconciliation and recovery: settling texts whose sending call stopped short of an answer.

Every outbound text is stored ``PENDING`` before the carrier is called, then marked as being
handed over (``handed_at``, committed before the call, by one conditional ``UPDATE`` that only
one process can win), then updated with the carrier's answer. So a text short of an answer is
in one of three states, each resolved its own way, and none is ever sent twice:

* **Never handed over** (``PENDING`` without the mark): its process stopped after storing it,
  so it certainly never reached the carrier. Recovery marks it (winning the mark is the right
  to send it) and sends it, after checking again what may have changed since: an opt-out
  refuses it, quiet hours keep it for later, a line that can no longer text fails it (the
  sender's permission is not asked again: they were allowed when they sent it). One
  older than the carrier's queue validity (:attr:`ProviderCapabilities.queue_validity`) is
  not sent that late: it fails with :data:`NEVER_HANDED`, its allowance back and its key
  freed.
* **Handed over, answer lost** (``UNKNOWN``, or ``PENDING`` with the mark whose process
  stopped): it may or may not have reached the carrier, so it is only ever looked up there,
  by the carrier's id when known and otherwise by the SDK's message id (which every send
  carries), and the status found is stored like a delivery report: only forward. A carrier's
  message list can lag, so a text it does not list yet stays ``UNKNOWN`` (noting
  :data:`NOT_LISTED_YET`) until the carrier's queue validity plus :data:`NEVER_ARRIVED_MARGIN`
  has passed since it was handed over; only then is it declared never arrived (``FAILED`` with
  :data:`NEVER_ARRIVED`), its allowance given back and its idempotency key freed, so the user
  (or a retry with the key) can send it again knowingly.
* **Ambiguous** (the carrier lists several texts that could be it): it stays ``UNKNOWN`` with
  :data:`AMBIGUOUS` noted, for an admin to match by hand.

A ``PENDING`` text is taken for abandoned once :data:`RECOVERY_LEASE` has passed since it was
stored (or marked), far longer than a carrier call; a retry with the text's idempotency key
does not wait for that (the mark keeps a still-running call and the retry from both sending
it). Each text is claimed (a token and a time, one conditional ``UPDATE``) while one process
reconciles it, so processes running recovery side by side look each text up once; a background
pass looks a text up again only :data:`LOOKUP_INTERVAL` after the last time.

With ``stale_after``, texts still short of a final status that have not changed for that long
are fetched too, so a delivery report that never came is replaced by a lookup.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from sms_core.domain import DeliveryStatus, Direction, Message, OutboundMessage
from sms_core.exceptions import (
    AmbiguousMessageError,
    MessageNotFoundError,
    ProviderError,
    ProviderNotFoundError,
)
from sms_core.services import host_events
from sms_core.services.allowance import refund
from sms_core.services.context import AccountContext, new_id
from sms_core.services.optouts import opt_out_refusals
from sms_core.services.send_checks import SendingLine
from sms_core.services.sending import SendPipeline
from sms_core.store import Transaction
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store
from sms_core.store import users as user_store

__all__ = [
    "AMBIGUOUS",
    "HELD_FOR_QUIET_HOURS",
    "LINE_GONE",
    "LOOKUP_INTERVAL",
    "NEVER_ARRIVED",
    "NEVER_ARRIVED_MARGIN",
    "NEVER_HANDED",
    "NOT_LISTED_YET",
    "RECOVERY_LEASE",
    "Reconciler",
]

#: How long a sending call may hold a ``PENDING`` text (between storing it and handing it
#: over, or between handing it over and storing the answer) before recovery takes its process
#: for stopped; also how long a reconciliation claim lasts.
RECOVERY_LEASE = timedelta(minutes=2)

#: How long a background pass leaves a text it looked at before looking it up again, so a
#: text the carrier does not list yet costs one lookup per interval, however many processes
#: run recovery (a retry with its key, or asking about one message, looks at once).
LOOKUP_INTERVAL = timedelta(minutes=5)

#: Waited beyond the carrier's queue validity before a lost text it does not list is declared
#: never arrived: its message list can lag behind, and clocks differ.
NEVER_ARRIVED_MARGIN = timedelta(hours=1)

#: The error recorded on a text the carrier has no trace of.
NEVER_ARRIVED = "the text never reached the carrier, so it was not sent; send it again if needed"

#: The error recorded on a text whose process stopped before handing it over, found too late.
NEVER_HANDED = (
    "the process sending the text stopped before handing it to the carrier, and it was found "
    "after the carrier would have stopped trying to deliver it, so it was not sent; send it "
    "again if needed"
)

#: The note left on a text that several carrier texts could be (its status stays ``UNKNOWN``).
AMBIGUOUS = (
    "several texts at the carrier could be this one, so its status is still unknown; an admin "
    "must match it by hand at the carrier (the carrier said: {error})"
)

#: The note left on a lost text the carrier does not list yet (its status stays ``UNKNOWN``).
NOT_LISTED_YET = (
    "the carrier's answer was lost and it does not list the text yet (its list can lag); it "
    "is looked up again until {deadline:%Y-%m-%d %H:%M} UTC, then declared not sent"
)

#: The note left on a text recovery holds back for the recipient's quiet hours.
HELD_FOR_QUIET_HOURS = "its sending stopped before the carrier got it; it is sent later: {reason}"

#: The error recorded on a text whose line can no longer text when recovery finds it.
LINE_GONE = (
    "the process sending the text stopped before handing it to the carrier, and its line can "
    "no longer text, so it was not sent; send it again from a registered line"
)

_logger = logging.getLogger(__name__)


@attrs.define
class Reconciler:
    """Settles outbound texts whose status the SDK cannot know by itself (see module doc)."""

    _context: AccountContext
    _pipeline: SendPipeline

    def run(
        self, *, message_id: str | None = None, stale_after: timedelta | None = None
    ) -> list[Message]:
        """Reconcile one message, or every one that needs it.

        Args:
            message_id: Reconcile only this message (any outbound message short of a final
                status, at once, without waiting for :data:`RECOVERY_LEASE`); carrier errors
                are raised. Without it, every ``UNKNOWN`` message and every ``PENDING`` one
                abandoned for :data:`RECOVERY_LEASE` is settled, and one the carrier cannot
                be asked about now (any carrier error about that text) is left for next
                time: the others are still reconciled. A text several carrier texts could be
                stays ``UNKNOWN`` with :data:`AMBIGUOUS` as its ``error_message``.
            stale_after: Also reconcile messages without a final status unchanged this long.

        Returns:
            The messages looked at, as they stand afterwards, oldest first.

        Raises:
            MessageNotFoundError: When ``message_id`` is not the account's.
            ProviderError: With ``message_id``, when the carrier could not be asked about it
                (``AmbiguousMessageError`` after noting it on the message).
        """
        context = self._context
        if message_id is not None:
            with context.database.transaction() as connection:
                message = message_store.get_message(connection, context.account.id, message_id)
            if message is None:
                raise MessageNotFoundError(
                    f"account {context.account.id!r} has no message {message_id!r}"
                )
            if message.direction is Direction.INBOUND or message.status.is_final:
                return [message]
            return [self._claimed(message, skip_errors=False)[0]]
        now = context.now()
        stale_before = now - stale_after if stale_after is not None else None
        with context.database.transaction() as connection:
            waiting = message_store.needing_reconciliation(
                connection,
                context.account.id,
                stale_before=stale_before,
                abandoned_before=now - RECOVERY_LEASE,
                looked_at_before=now - LOOKUP_INTERVAL,
            )
        return [self._claimed(message, skip_errors=True)[0] for message in waiting]

    def resolve(self, message: Message) -> tuple[Message, bool]:
        """Settle one text of an earlier call at once, for a retry with its idempotency key.

        A text never handed over is sent now (the mark keeps a still-running call from sending
        it too); one handed over is looked up. A carrier error leaves it as it is.

        Returns:
            The text as it stands afterwards, and whether this call handed it to the carrier
            (then the retry, not the earlier call, sent it).
        """
        if message.direction is Direction.INBOUND or message.status.is_final:
            return message, False
        if message.status not in (DeliveryStatus.PENDING, DeliveryStatus.UNKNOWN):
            return message, False  # the carrier took it; its reports will tell
        return self._claimed(message, skip_errors=True)

    # -- one text ----------------------------------------------------------------------------

    def _claimed(self, message: Message, *, skip_errors: bool) -> tuple[Message, bool]:
        """Settle ``message`` under a claim; a text another process holds is left to it.

        Returns:
            The text as it stands afterwards, and whether this call handed it over.
        """
        context, account_id = self._context, self._context.account.id
        token, now = new_id(), context.now()
        with context.database.transaction() as connection:
            mine = message_store.claim_message(
                connection,
                account_id,
                message.id,
                claim=token,
                now=now,
                stale_before=now - RECOVERY_LEASE,
            )
            current = message_store.get_message(connection, account_id, message.id)
        assert current is not None, "messages are never deleted"
        if not mine:
            return current, False
        try:
            if current.status is DeliveryStatus.PENDING and current.handed_at is None:
                return self._send_abandoned(current)
            if not skip_errors:
                return self._reconcile(current), False
            return self._reconcile_or_skip(current), False
        except AmbiguousMessageError as err:
            self._note(current, AMBIGUOUS.format(error=err))
            raise
        finally:
            with context.database.transaction() as connection:
                message_store.release_claim(connection, account_id, message.id, token)

    def _reconcile_or_skip(self, message: Message) -> Message:
        """Reconcile one text of a batch; a carrier error about it leaves it for next time.

        A carrier error concerns this text alone (an outage, a lookup the carrier refused, a
        match it cannot make), so it never stops the texts after it from being reconciled.
        """
        try:
            return self._reconcile(message)
        except AmbiguousMessageError as err:
            _logger.warning(
                "message %s matches several texts at the carrier; it is left unknown", message.id
            )
            return self._note(message, AMBIGUOUS.format(error=err))
        except ProviderError as err:
            _logger.warning(
                "the carrier could not be asked about message %s (%s); it is tried again next time",
                message.id,
                type(err).__name__,
            )
            return message

    def _reconcile(self, message: Message) -> Message:
        context = self._context
        request = OutboundMessage(
            message_id=message.id,
            sender=message.sender,
            recipient=message.recipient,
            body=message.body,
            status_callback_url=context.webhooks.status(context.account),
        )
        try:
            update = context.hooks.fetch_message(
                context.account, request, message.provider_message_id
            )
        except ProviderNotFoundError:
            if message.provider_message_id is not None:
                return message  # the carrier took it once; its reports will tell
            deadline = self._never_arrived_after(message)
            if context.now() < deadline:
                return self._not_listed_yet(message, deadline)
            return self._never_arrived(message)
        with context.database.transaction() as connection:
            host_events.record_status(
                context,
                connection,
                message.id,
                status=update.status,
                provider_message_id=update.provider_message_id,
                error_code=update.error_code,
                error_message=update.error_message,
                failure_reason=update.failure_reason,
            )
            return self._reload(connection, message)

    def _never_arrived_after(self, message: Message) -> datetime:
        """When a lost text the carrier does not list may be declared never arrived."""
        capabilities = self._context.hooks.provider_info(self._context.account).capabilities
        handed_at = message.handed_at or message.created_at
        return handed_at + capabilities.queue_validity + NEVER_ARRIVED_MARGIN

    def _not_listed_yet(self, message: Message, deadline: datetime) -> Message:
        """Keep a lost text the carrier does not list yet ``UNKNOWN``, saying until when."""
        context, account_id = self._context, self._context.account.id
        with context.database.transaction() as connection:
            host_events.record_status(
                context, connection, message.id, status=DeliveryStatus.UNKNOWN
            )
            message_store.note_unresolved(
                connection, account_id, message.id, NOT_LISTED_YET.format(deadline=deadline)
            )
            return self._reload(connection, message)

    def _never_arrived(self, message: Message, reason: str = NEVER_ARRIVED) -> Message:
        """Fail a text the carrier never had; its key is freed, so it may be sent knowingly."""
        return self._fail(message, reason, free_key=True)

    def _fail(self, message: Message, reason: str, *, free_key: bool) -> Message:
        """Store a text as FAILED with ``reason`` and give its allowance back."""
        context, account_id = self._context, self._context.account.id
        with context.database.transaction() as connection:
            if host_events.record_status(
                context, connection, message.id, status=DeliveryStatus.FAILED, error_message=reason
            ):
                refund(
                    connection,
                    account_id,
                    message_store.take_charge(connection, account_id, message.id),
                )
                if free_key:
                    message_store.release_idempotency_key(connection, account_id, message.id)
            return self._reload(connection, message)

    def _send_abandoned(self, message: Message) -> tuple[Message, bool]:
        """Send a text whose process stopped before handing it over, if it still may go.

        Returns:
            The text as it stands afterwards, and whether this call handed it over.
        """
        context, account_id = self._context, self._context.account.id
        with context.database.transaction() as connection:
            line = line_store.get_line(connection, account_id, message.line_id)
            user = (
                user_store.get_user(connection, account_id, message.user_id)
                if message.user_id is not None
                else None
            )
        pipeline = self._pipeline
        sending = pipeline.sending_line_for(line, user) if line and line.registered else None
        refusal = self._refusal(message, sending)
        if sending is not None and refusal is None:
            held = pipeline.quiet_hours_refusal(sending, message.recipient, context.now())
            if held is not None:
                return self._note(message, HELD_FOR_QUIET_HOURS.format(reason=held)), False
        return pipeline.resend(sending, message, refused=refusal)

    def _refusal(
        self, message: Message, sending: SendingLine | None
    ) -> Callable[[Message], Message] | None:
        """How an abandoned text is failed instead of sent, if it must be: ``None`` sends it.

        Too old (the carrier would have given up on it by now) or without a line that can
        text, it fails and its key is freed; to a number that opted out since, it fails with
        the opt-out, and its key stays bound to it.
        """
        context = self._context
        capabilities = context.hooks.provider_info(context.account).capabilities
        if context.now() >= message.created_at + capabilities.queue_validity:
            return functools.partial(self._never_arrived, reason=NEVER_HANDED)
        if sending is None:
            return functools.partial(self._never_arrived, reason=LINE_GONE)
        with context.database.transaction() as connection:
            refusals = opt_out_refusals(connection, context.account.id, [message.recipient])
        if message.recipient in refusals:
            reason = str(refusals[message.recipient])
            return functools.partial(self._refused, reason=reason)
        return None

    def _refused(self, message: Message, reason: str) -> Message:
        """Fail a recovered text the SDK itself now refuses; the key stays bound to it."""
        return self._fail(message, reason, free_key=False)

    def _note(self, message: Message, note: str) -> Message:
        """Say on a text still short of an answer why it is left as it is."""
        context = self._context
        with context.database.transaction() as connection:
            message_store.note_unresolved(connection, context.account.id, message.id, note)
            return self._reload(connection, message)

    def _reload(self, connection: Transaction, message: Message) -> Message:
        stored = message_store.get_message(connection, self._context.account.id, message.id)
        assert stored is not None, "messages are never deleted"
        return stored

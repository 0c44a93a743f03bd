"""Reconciliation: asking the carrier where a text stands when its answer was lost.

A send whose answer was lost (``ProviderTimeoutError``) is stored as ``UNKNOWN``: it may or may
not have gone out, so it is never sent again. Reconciling fetches its status from the carrier,
by the carrier's id when known and otherwise by the SDK's message id (which every send carries),
and stores it like a delivery report: only forward. A text the carrier has no trace of never
reached it: it is marked ``FAILED``, its allowance is given back and its idempotency key is freed,
so the user (or a retry with the same key) can send it again knowingly.

With ``stale_after``, texts still short of a final status that have not changed for that long
are fetched too, ``PENDING`` ones included: a process that died between storing a text and the
carrier's answer leaves it ``PENDING``. Choose a period far longer than a carrier call, or a
text still being sent by another process could be taken for one that never arrived.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import attrs
import sqlalchemy as sa

from sms_core.domain import DeliveryStatus, Direction, Message, OutboundMessage
from sms_core.exceptions import (
    AmbiguousMessageError,
    MessageNotFoundError,
    ProviderError,
    ProviderNotFoundError,
)
from sms_core.services.allowance import refund
from sms_core.services.context import AccountContext
from sms_core.store import messages as message_store

__all__ = ["AMBIGUOUS", "NEVER_ARRIVED", "Reconciler"]

#: The error recorded on a text the carrier has no trace of.
NEVER_ARRIVED = "the text never reached the carrier, so it was not sent; send it again if needed"

#: The note left on a text that several carrier texts could be (its status stays ``UNKNOWN``).
AMBIGUOUS = (
    "several texts at the carrier could be this one, so its status is still unknown; an admin "
    "must match it by hand at the carrier (the carrier said: {error})"
)

_logger = logging.getLogger(__name__)


@attrs.define
class Reconciler:
    """Fetches the status of outbound texts whose status the SDK cannot know by itself."""

    _context: AccountContext

    def run(
        self, *, message_id: str | None = None, stale_after: timedelta | None = None
    ) -> list[Message]:
        """Reconcile one message, or every one that needs it.

        Args:
            message_id: Reconcile only this message (any outbound message short of a final
                status); carrier errors are raised. Without it, every ``UNKNOWN`` message is
                reconciled and one the carrier cannot be asked about now is left for next time.
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
            try:
                return [self._reconcile(message)]
            except AmbiguousMessageError as err:
                self._note(message, AMBIGUOUS.format(error=err))
                raise
        stale_before = context.now() - stale_after if stale_after is not None else None
        with context.database.transaction() as connection:
            waiting = message_store.needing_reconciliation(
                connection, context.account.id, stale_before=stale_before
            )
        return [self._reconcile_or_skip(message) for message in waiting]

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
            return self._never_arrived(message)
        with context.database.transaction() as connection:
            message_store.record_status(
                connection,
                context.account.id,
                message.id,
                status=update.status,
                now=context.now(),
                provider_message_id=update.provider_message_id,
                error_code=update.error_code,
                error_message=update.error_message,
            )
            return self._reload(connection, message)

    def _never_arrived(self, message: Message) -> Message:
        context, account_id = self._context, self._context.account.id
        with context.database.transaction() as connection:
            failed = message_store.record_status(
                connection,
                account_id,
                message.id,
                status=DeliveryStatus.FAILED,
                now=context.now(),
                error_message=NEVER_ARRIVED,
            )
            if failed:
                refund(connection, message_store.take_charge(connection, account_id, message.id))
                message_store.release_idempotency_key(connection, account_id, message.id)
            return self._reload(connection, message)

    def _note(self, message: Message, note: str) -> Message:
        """Say on a text still short of an answer why reconciliation left it as it is."""
        context = self._context
        with context.database.transaction() as connection:
            message_store.note_unresolved(connection, context.account.id, message.id, note)
            return self._reload(connection, message)

    def _reload(self, connection: sa.Connection, message: Message) -> Message:
        stored = message_store.get_message(connection, self._context.account.id, message.id)
        assert stored is not None, "messages are never deleted"
        return stored

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

from datetime import timedelta

import attrs
import sqlalchemy as sa

from sms_core.domain import DeliveryStatus, Direction, Message, OutboundMessage
from sms_core.exceptions import (
    MessageNotFoundError,
    ProviderNotFoundError,
    ProviderUnavailableError,
)
from sms_core.services.allowance import refund
from sms_core.services.context import AccountContext
from sms_core.store import messages as message_store

__all__ = ["NEVER_ARRIVED", "Reconciler"]

#: The error recorded on a text the carrier has no trace of.
NEVER_ARRIVED = "the text never reached the carrier, so it was not sent; send it again if needed"


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
            return [self._reconcile(message)]
        stale_before = context.now() - stale_after if stale_after is not None else None
        with context.database.transaction() as connection:
            waiting = message_store.needing_reconciliation(
                connection, context.account.id, stale_before=stale_before
            )
        reconciled = []
        for message in waiting:
            try:
                reconciled.append(self._reconcile(message))
            except ProviderUnavailableError:
                reconciled.append(message)  # the carrier cannot be asked now; next time
        return reconciled

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

    def _reload(self, connection: sa.Connection, message: Message) -> Message:
        stored = message_store.get_message(connection, self._context.account.id, message.id)
        assert stored is not None, "messages are never deleted"
        return stored

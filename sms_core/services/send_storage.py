"""The send pipeline's storing steps: a text stored ``PENDING``, then marked as handed over.

Only :class:`~sms_core.services.sending.SendPipeline` calls these steps, in its fixed order
(a test checks that no other service imports this module):

* :meth:`SendStorage.store` and :meth:`SendStorage.store_many` use the allowance and store each
  text as ``PENDING`` with its idempotency key, before any carrier call. The key is unique per
  account in the schema, so two calls with one key store one message: the second is answered
  with the first one's. A user's answer (``Outgoing.answers``) marks its thread read in the
  user's inbox in the same transaction.
* :meth:`SendStorage.mark_handed` marks stored texts as being handed over (``handed_at``) with
  a conditional ``UPDATE`` that only one process can win. A ``PENDING`` text without the mark
  certainly never left, so recovery may send it; one with the mark is only ever looked up at
  the carrier (see :mod:`.reconciliation`).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from sms_core.domain import DeliveryStatus, Direction, Message
from sms_core.exceptions import (
    AllowanceExhaustedError,
    IdempotencyKeyError,
    ProviderError,
    SmsError,
)
from sms_core.services.allowance import charge_send, is_metered
from sms_core.services.context import AccountContext
from sms_core.services.inbox import mark_answered
from sms_core.services.send_checks import Outgoing, SendingLine, check_same_request
from sms_core.store import Transaction
from sms_core.store import messages as message_store

__all__ = ["Delivery", "SendStorage"]

# How many times a text is stored while its key is found taken and then free again.
_STORE_ATTEMPTS = 3


@attrs.frozen(kw_only=True)
class Delivery:
    """How a send went.

    Attributes:
        message: The stored message.
        duplicate: Whether an earlier call with the same key made it.
        error: The carrier's refusal, when it refused (the message is then ``FAILED``).
    """

    message: Message
    duplicate: bool = False
    error: ProviderError | None = None


@attrs.define
class SendStorage:
    """Stores outbound texts before their carrier call and marks them as handed over."""

    _context: AccountContext

    def previous(self, key: str | None) -> Message | None:
        """The message an earlier call with idempotency key ``key`` stored, if any."""
        if key is None:
            return None
        with self._context.database.transaction() as connection:
            return message_store.find_by_idempotency_key(connection, self._context.account.id, key)

    def reload(self, message: Message) -> Message:
        """``message`` as it stands now."""
        with self._context.database.transaction() as connection:
            stored = message_store.get_message(connection, self._context.account.id, message.id)
        assert stored is not None, "messages are never deleted"
        return stored

    def store(self, sending: SendingLine, outgoing: Outgoing) -> Message | Delivery:
        """Persist the text as PENDING, using the allowance, before any carrier call.

        Returns:
            The new PENDING message, or the earlier delivery an idempotency key points to.

        Raises:
            AllowanceExhaustedError: When the allowance cannot cover it; nothing was written.
            IdempotencyKeyError: When the key was used for another text.
        """
        context = self._context
        message = self._new_message(sending, outgoing)
        # A key can be freed between the insert that found it taken and the lookup (the
        # earlier text was refused for a passing reason): the text is then stored anew.
        for _ in range(_STORE_ATTEMPTS):
            try:
                with context.database.transaction() as connection:
                    self._charge_and_insert(connection, sending, outgoing, message)
                    if outgoing.answers:
                        mark_answered(connection, message)
            except message_store.KeyTaken:
                earlier = self.previous(outgoing.idempotency_key)
                if earlier is None:
                    continue
                check_same_request(earlier, sending.user.id if sending.user else None, outgoing)
                return Delivery(message=earlier, duplicate=True)
            return message
        raise IdempotencyKeyError(
            f"idempotency key {outgoing.idempotency_key!r} is being taken and freed by other "
            "calls right now; retry in a moment"
        )

    def store_many(
        self, sending: SendingLine, outgoings: Sequence[Outgoing]
    ) -> list[Message | Delivery | SmsError]:
        """Store several texts as PENDING in one transaction (a mass text's first step).

        Each text is stored, or answered as :meth:`store` would answer it, on its own: a text
        whose idempotency key was used before, or that the allowance cannot cover, does not keep
        the others from being stored.

        Returns:
            Per text, in order: the new PENDING message, the earlier delivery its key points
            to, or the refusal (``AllowanceExhaustedError``, ``IdempotencyKeyError``).
        """
        context = self._context
        results: list[Message | Delivery | SmsError] = []
        plain: list[Message] = []
        with context.database.transaction() as connection:
            for outgoing in outgoings:
                message = self._new_message(sending, outgoing)
                if outgoing.idempotency_key is None and not _uses_allowance(sending, outgoing):
                    # Nothing can refuse this row: stored with the other plain ones, at once.
                    plain.append(message)
                    results.append(message)
                    continue
                try:
                    with message_store.savepoint(connection):
                        self._charge_and_insert(connection, sending, outgoing, message)
                except AllowanceExhaustedError as err:
                    results.append(err)
                    continue
                except message_store.KeyTaken:
                    results.append(self._earlier(connection, sending, outgoing))
                    continue
                results.append(message)
            message_store.insert_messages(connection, plain)
        return results

    def mark_handed(self, stored: Sequence[Message]) -> tuple[list[Message | None], list[Message]]:
        """Mark stored PENDING texts as being handed over, in one committed transaction.

        Only a marked text may be handed to the carrier: the mark is what keeps a text from
        being sent twice when recovery (or a retry with its key) finds it ``PENDING``.

        Returns:
            Per text, in order, the text with its mark, or ``None`` when another process
            marked it first (it hands it over); and those others' texts, as they stand now.
        """
        context = self._context
        now = context.now()
        with context.database.transaction() as connection:
            ids = message_store.mark_handed(
                connection, context.account.id, [message.id for message in stored], now
            )
            taken = [
                message_store.get_message(connection, context.account.id, message.id)
                for message in stored
                if message.id not in ids
            ]
        marked: list[Message | None] = [
            attrs.evolve(message, handed_at=now) if message.id in ids else None
            for message in stored
        ]
        return marked, [message for message in taken if message is not None]

    def _charge_and_insert(
        self, connection: Transaction, sending: SendingLine, outgoing: Outgoing, message: Message
    ) -> None:
        """Use the allowance (metered lines) and store the text, in ``connection``.

        Raises:
            AllowanceExhaustedError: When the allowance is used up.
            KeyTaken: When the idempotency key is stored already.
        """
        charge = (
            charge_send(
                connection, sending.policy, sending.line, outgoing.analysis, self._context.now()
            )
            if outgoing.metered
            else None
        )
        message_store.insert_message(
            connection, message, idempotency_key=outgoing.idempotency_key, charge=charge
        )

    def _earlier(
        self, connection: Transaction, sending: SendingLine, outgoing: Outgoing
    ) -> Delivery | SmsError:
        key = outgoing.idempotency_key
        earlier = (
            message_store.find_by_idempotency_key(connection, self._context.account.id, key)
            if key is not None
            else None
        )
        if earlier is None:
            raise RuntimeError(f"storing a text to {outgoing.recipient} broke a constraint")
        try:
            check_same_request(earlier, sending.user.id if sending.user else None, outgoing)
        except IdempotencyKeyError as err:
            return err
        return Delivery(message=earlier, duplicate=True)

    def _new_message(self, sending: SendingLine, outgoing: Outgoing) -> Message:
        now = self._context.now()
        return Message(
            id=self._context.make_id(),
            account_id=self._context.account.id,
            line_id=sending.line.id,
            direction=Direction.OUTBOUND,
            sender=sending.line.number,
            recipient=outgoing.recipient,
            body=outgoing.body,
            status=DeliveryStatus.PENDING,
            created_at=now,
            updated_at=now,
            candidate_id=outgoing.candidate_id,
            user_id=sending.user.id if sending.user else None,
            segments=outgoing.analysis.segments,
        )


def _uses_allowance(sending: SendingLine, outgoing: Outgoing) -> bool:
    """Whether storing the text uses an allowance, which may refuse it."""
    return outgoing.metered and is_metered(sending.policy, sending.line)

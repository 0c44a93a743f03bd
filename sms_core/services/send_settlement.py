"""The send pipeline's last steps: a marked text handed to the carrier, and its answer stored.

Only :class:`~sms_core.services.sending.SendPipeline` calls these steps, after the text was
stored and marked (:mod:`.send_storage`); a test checks that no other service imports this
module. The carrier's answer is stored as it means:

* a receipt: the carrier's id and first status;
* a lost answer (``ProviderTimeoutError``): ``UNKNOWN``, since the text may have gone out; it
  is reconciled by looking it up, never sent again;
* a refusal (``ProviderError``): ``FAILED`` with the carrier's code; its allowance is given
  back, an opt-out refusal (``RecipientOptedOutError``) blocks the number on every line, and
  after a passing failure (rate limit, outage, credentials, unregistered sender) the
  idempotency key is freed, so a retry with the same key sends anew; a refusal about the text
  itself (its recipient) keeps the key bound to it;
* any other error: ``UNKNOWN``, logged, to be reconciled.

Then the host records the stored message on the candidate's activity, with the sending user.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import attrs

from sms_core.domain import (
    Activity,
    DeliveryStatus,
    Message,
    OptOut,
    OptOutSource,
    OutboundMessage,
    SendReceipt,
    User,
)
from sms_core.exceptions import (
    ProviderAuthenticationError,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    RecipientOptedOutError,
    UnregisteredSenderError,
)
from sms_core.services import host_events
from sms_core.services.allowance import refund
from sms_core.services.context import AccountContext
from sms_core.services.send_checks import Outgoing, SendingLine
from sms_core.services.send_storage import Delivery
from sms_core.store import messages as message_store

__all__ = ["SendSettlement"]

# Failures after which the same request may succeed later: the key is freed for a retry.
_PASSING_FAILURES = (
    RateLimitedError,
    ProviderUnavailableError,
    ProviderAuthenticationError,
    UnregisteredSenderError,
)

_logger = logging.getLogger(__name__)


@attrs.define
class SendSettlement:
    """Hands marked texts to the carrier and stores what it answered."""

    _context: AccountContext

    def hand_over(
        self, sending: SendingLine, message: Message, outgoing: Outgoing
    ) -> SendReceipt | Exception:
        """Hand a stored text to the carrier; touches no database, so it may run in a worker.

        Returns:
            The carrier's receipt, or the exception the carrier call raised.
        """
        context = self._context
        request = OutboundMessage(
            message_id=message.id,
            sender=sending.line.number,
            recipient=outgoing.recipient,
            body=outgoing.body,
            sender_ref=sending.line.provider_ref,
            status_callback_url=context.webhooks.status(context.account),
        )
        try:
            return context.hooks.send_message(context.account, request)
        except Exception as err:  # settled by the caller, which knows what each error means
            return err

    def settle(
        self, sending: SendingLine, message: Message, answer: SendReceipt | Exception
    ) -> Delivery:
        """Store the carrier's answer to :meth:`hand_over` and record the activity.

        Raises:
            Exception: Any unexpected error of the carrier call, after marking the text
                UNKNOWN (it may have reached the carrier: reconcile, never resend).
        """
        error: ProviderError | None = None
        if isinstance(answer, ProviderTimeoutError):
            stored = self._record(message, DeliveryStatus.UNKNOWN)
        elif isinstance(answer, ProviderError):
            stored, error = self._refused(sending, message, answer), answer
        elif isinstance(answer, Exception):
            self._record(message, DeliveryStatus.UNKNOWN)
            raise answer
        else:
            stored = self._record(
                message, answer.status, provider_message_id=answer.provider_message_id
            )
        self.record_activity(stored, sending.user)
        return Delivery(message=stored, error=error)

    def record_activity(self, message: Message, user: User | None) -> None:
        """Hand a stored message to the host's activity record.

        A failing host hook never turns a text that went out into an error: it is logged.
        """
        activity = Activity(
            account_id=self._context.account.id,
            candidate_id=message.candidate_id,
            message=message,
            user=user,
        )
        try:
            self._context.hooks.record_activity(self._context.account, activity)
        except Exception:
            _logger.exception(
                "the host could not record message %s on its activity history", message.id
            )

    def settle_many(
        self, sending: SendingLine, answered: Sequence[tuple[Message, SendReceipt | Exception]]
    ) -> list[Delivery]:
        """Store several carrier answers (see :meth:`settle`), the plain ones in one transaction.

        Unlike :meth:`settle`, an unexpected error of a carrier call is not raised: its text is
        stored ``UNKNOWN`` (it may have reached the carrier) and the error logged, so the other
        answers are stored too.

        Returns:
            Per answer, in order, the delivery as :meth:`settle` returns it.
        """
        context = self._context
        now = context.now()
        receipts = [
            (message, answer) for message, answer in answered if isinstance(answer, SendReceipt)
        ]
        answers = [
            message_store.FirstAnswer(
                message=message,
                status=receipt.status,
                provider_message_id=receipt.provider_message_id,
            )
            for message, receipt in receipts
        ]
        with context.database.transaction() as connection:
            all_applied = message_store.record_first_answers(
                connection, context.account.id, answers, now
            )
            host_events.first_answers_stored(
                context, connection, answers, all_applied=all_applied, now=now
            )
        # When every answer applied, nothing else touched those rows since they were stored:
        # they need not be read back. Otherwise each is settled on its own.
        fast = (
            {
                message.id: attrs.evolve(
                    message,
                    status=receipt.status,
                    provider_message_id=receipt.provider_message_id,
                    updated_at=now,
                )
                for message, receipt in receipts
            }
            if all_applied
            else {}
        )
        deliveries = []
        for message, answer in answered:
            stored = fast.get(message.id)
            if stored is not None:
                self.record_activity(stored, sending.user)
                deliveries.append(Delivery(message=stored))
            elif isinstance(answer, Exception) and not isinstance(answer, ProviderError):
                deliveries.append(self._unexpected(sending, message, answer))
            else:
                deliveries.append(self.settle(sending, message, answer))
        return deliveries

    def _unexpected(self, sending: SendingLine, message: Message, err: Exception) -> Delivery:
        """Settle a carrier call that failed unexpectedly: UNKNOWN, logged, never resent."""
        _logger.error(
            "the carrier call for message %s failed unexpectedly; it is left UNKNOWN for "
            "reconcile()",
            message.id,
            exc_info=err,
        )
        stored = self._record(message, DeliveryStatus.UNKNOWN)
        self.record_activity(stored, sending.user)
        return Delivery(message=stored)

    def _record(
        self,
        message: Message,
        status: DeliveryStatus,
        *,
        provider_message_id: str | None = None,
    ) -> Message:
        context = self._context
        now = context.now()
        with context.database.transaction() as connection:
            if provider_message_id is not None and message_store.record_first_answer(
                connection,
                context.account.id,
                message,
                status=status,
                provider_message_id=provider_message_id,
                now=now,
            ):
                # Nothing else touched the row since it was stored: no need to read it back.
                host_events.status_changed(context, connection, message, status)
                return attrs.evolve(
                    message, status=status, provider_message_id=provider_message_id, updated_at=now
                )
            host_events.record_status(
                context,
                connection,
                message.id,
                status=status,
                provider_message_id=provider_message_id,
            )
            stored = message_store.get_message(connection, context.account.id, message.id)
        assert stored is not None
        return stored

    def _refused(self, sending: SendingLine, message: Message, err: ProviderError) -> Message:
        """Store the carrier's refusal, give the allowance back, and learn from it."""
        context, account_id = self._context, self._context.account.id
        now = context.now()
        with context.database.transaction() as connection:
            host_events.record_status(
                context,
                connection,
                message.id,
                status=DeliveryStatus.FAILED,
                error_code=err.code,
                error_message=str(err),
                failure_reason=err.reason,
            )
            refund(
                connection,
                account_id,
                message_store.take_charge(connection, account_id, message.id),
            )
            if isinstance(err, RecipientOptedOutError):
                opt_out = OptOut(
                    number=message.recipient,
                    opted_out_at=now,
                    source=OptOutSource.CARRIER,
                    line=sending.line.number,
                )
                host_events.record_opt_out(context, connection, opt_out)
            if isinstance(err, _PASSING_FAILURES):
                message_store.release_idempotency_key(connection, account_id, message.id)
            stored = message_store.get_message(connection, account_id, message.id)
        assert stored is not None
        return stored

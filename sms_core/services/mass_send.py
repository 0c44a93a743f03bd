"""Mass texts: one body (or one per recipient) to up to the host's cap of candidates.

The whole text is refused before anything happens when the user cannot text, the body does
not fit, or there are more recipients than the host's cap (or none). Otherwise each recipient
is checked on its own by the send pipeline (:meth:`SendPipeline.send_many`, see
:mod:`.send_plan`), in the calling thread: an invalid number, a number given twice (it is
texted once), an opted-out number, or one in quiet hours is reported with its reason and not
sent. The others go through the send pipeline together (:meth:`SendPipeline.send_many`):
stored first, in the calling thread and one transaction, each using the allowance, per
recipient (a seat's or the account's pool; when it runs out, the rest are refused, see
:mod:`.allowance`); then they are handed to the carrier concurrently, at most as many at once
as the adapter allows (``ProviderCapabilities.max_concurrent_sends``), and the answers are
stored in the calling thread as they come: the same store-send-update cycle as a
single text, with only the carrier's waiting done in parallel. The progress callback runs in
the calling thread, once per recipient, as each outcome is known; a callback that raises is
logged and not called again, and the mass text goes on, so no stored text is left unsent. A
carrier call that fails unexpectedly (not with a carrier's refusal) leaves its text
``UNKNOWN``, to be reconciled, and the others are settled as usual.

Texts are marked as handed over in waves, just before their carrier calls (see
:meth:`SendPipeline.send_many`), so a process that dies mid-way leaves most of its texts
certainly unsent, for recovery to send, and only a wave's worth to look up at the carrier.

With an idempotency key, each recipient's text gets its own key (``"{key}:{number}"``), so
retrying the whole call sends only to the recipients the first call did not reach. A retry
settles what the earlier call left short of an answer first (see
:meth:`Reconciler.resolve`): a text never handed over is sent now, one that may have been is
looked up, so each outcome is the truth; a text another call is still handing over is
reported ``PENDING``, never as sent. A key used before for another text (another body, sender
or candidate) refuses the whole call before anything is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import attrs

from sms_core.domain import (
    DeliveryStatus,
    MassSendResult,
    Message,
    Recipient,
    RecipientOutcome,
    RecipientStatus,
)
from sms_core.exceptions import SmsError, TooManyRecipientsError
from sms_core.services.send_checks import SendingLine, check_body, checked_key
from sms_core.services.sending import Delivery, SendPipeline, TextRequest

__all__ = ["LOST_ANSWER", "STILL_SENDING", "MassTexting", "ProgressCallback", "check_count"]

#: Called with each recipient's outcome as soon as it is known.
ProgressCallback = Callable[[RecipientOutcome], None]

#: The reason given for a text whose carrier answer was lost.
LOST_ANSWER = "the carrier's answer was lost; reconcile() fetches its status (it is never resent)"

#: The reason given for a text another call (with the same key) is still handing over.
STILL_SENDING = (
    "another call with the same idempotency key stored it and is handing it to the carrier; "
    "if that call stopped, recovery (smsadmin reconcile, or serve) sends it"
)

_logger = logging.getLogger(__name__)


@attrs.define
class MassTexting:
    """Sends one body to many candidates from the actor's line."""

    _pipeline: SendPipeline

    def send(
        self,
        actor_id: str,
        recipients: Sequence[Recipient],
        body: str,
        *,
        idempotency_key: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> MassSendResult:
        """Text ``body`` to every recipient that passes its checks.

        Returns:
            Every recipient's outcome in the order given.

        Raises:
            TooManyRecipientsError: Over the host's cap, or no recipients; nothing was sent.
            MessageBodyError, UserWithoutLineError, UnregisteredLineError,
            PermissionDeniedError: As for a single text; nothing was sent.
            IdempotencyKeyError: When the key is malformed, or an earlier call used it for
                another text; nothing was sent.
        """
        sending = self.check(actor_id, recipients, body, idempotency_key=idempotency_key)
        return self.send_each(
            sending,
            [TextRequest(recipient=recipient, body=body) for recipient in recipients],
            idempotency_key=checked_key(idempotency_key),
            progress=progress,
        )

    def check(
        self,
        actor_id: str,
        recipients: Sequence[Recipient],
        body: str,
        *,
        idempotency_key: str | None = None,
    ) -> SendingLine:
        """What refuses the whole mass text before anything is stored or sent.

        The key's form, the actor (who may text, from a registered line; the host hears how
        many were selected), the body against the host's limit, and the count against the
        host's cap. Each recipient is checked later, on its own, by :meth:`send_each`.

        Returns:
            The actor's line, checked.

        Raises:
            As :meth:`send`, except that a key used before is only found by sending.
        """
        checked_key(idempotency_key)
        # The actor, before any key is looked up; the host hears how many were selected.
        sending = self._pipeline.sending_line(actor_id, recipients=len(recipients))
        check_body(sending, body)
        check_count(len(recipients), sending.policy.mass_text_cap)
        return sending

    def send_each(
        self,
        sending: SendingLine,
        requests: Sequence[TextRequest],
        *,
        idempotency_key: str | None,
        progress: ProgressCallback | None,
    ) -> MassSendResult:
        """Text each recipient their own body through the pipeline, reporting each outcome.

        The caller has checked the sender and the count; the pipeline checks each body and
        recipient (:meth:`SendPipeline.send_many`).

        Returns:
            Every recipient's outcome in the order given; ``segments`` is the body that takes
            the most segments.
        """
        report = _guarded(progress) if progress is not None else _ignore
        outcomes: list[RecipientOutcome | None] = [None] * len(requests)

        def record(index: int, result: Delivery | SmsError) -> None:
            recipient = requests[index].recipient
            outcome = (
                _refused(recipient, str(result))
                if isinstance(result, SmsError)
                else _outcome(recipient, result.message, duplicate=result.duplicate)
            )
            outcomes[index] = outcome
            report(outcome)

        analyses = self._pipeline.send_many(
            sending, requests, record, idempotency_key=idempotency_key
        )
        return MassSendResult(
            outcomes=[outcome for outcome in outcomes if outcome is not None],
            segments=max(analyses, key=lambda analysis: analysis.segments),
        )


def check_count(count: int, cap: int) -> None:
    """Refuse a mass text to nobody, or to more recipients than the host's cap."""
    if count == 0:
        raise TooManyRecipientsError(
            "a mass text needs at least one recipient; select the candidates to text",
            count=count,
            cap=cap,
        )
    if count > cap:
        raise TooManyRecipientsError(
            f"a mass text can reach at most {cap} candidates and {count} were selected; "
            f"deselect {count - cap} or send it in several parts",
            count=count,
            cap=cap,
        )


def _outcome(recipient: Recipient, message: Message, *, duplicate: bool) -> RecipientOutcome:
    if message.status is DeliveryStatus.FAILED:
        return RecipientOutcome(
            recipient=recipient,
            status=RecipientStatus.FAILED,
            reason=message.failure_text,
            message=message,
            duplicate=duplicate,
        )
    if message.status is DeliveryStatus.PENDING:
        return RecipientOutcome(
            recipient=recipient,
            status=RecipientStatus.PENDING,
            reason=message.error_message or STILL_SENDING,
            message=message,
            duplicate=duplicate,
        )
    lost = message.status is DeliveryStatus.UNKNOWN
    return RecipientOutcome(
        recipient=recipient,
        status=RecipientStatus.SENT,
        reason=LOST_ANSWER if lost else None,
        message=message,
        duplicate=duplicate,
    )


def _refused(recipient: Recipient, reason: str) -> RecipientOutcome:
    return RecipientOutcome(recipient=recipient, status=RecipientStatus.REFUSED, reason=reason)


def _ignore(outcome: RecipientOutcome) -> None:
    """A progress callback that does nothing."""


def _guarded(progress: ProgressCallback) -> ProgressCallback:
    """``progress``, logged and no longer called once it raises: the mass text goes on."""
    failed = False

    def report(outcome: RecipientOutcome) -> None:
        nonlocal failed
        if failed:
            return
        try:
            progress(outcome)
        except Exception:
            failed = True
            _logger.exception(
                "the mass text's progress callback failed; it is not called again, and the "
                "mass text goes on"
            )

    return report

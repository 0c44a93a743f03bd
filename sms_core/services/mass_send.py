"""Mass texts: one body to up to the host's cap of candidates, each checked on its own.

The whole text is refused before anything happens when the user cannot text, the body does
not fit, or there are more recipients than the host's cap (or none). Otherwise each recipient
is checked on its own, in the calling thread: an invalid number, a number given twice (it is
texted once), an opted-out number, one without the consent record the account requires
(:mod:`.consent_rule`), or one in quiet hours is reported with its reason and not sent.
The others go through the send pipeline together (:meth:`SendPipeline.send_many`):
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

from sms_core import inputs
from sms_core.domain import (
    DeliveryStatus,
    MassSendResult,
    Message,
    PhoneNumber,
    Recipient,
    RecipientOutcome,
    RecipientStatus,
)
from sms_core.exceptions import (
    IdempotencyKeyError,
    InvalidInputError,
    SmsError,
    TooManyRecipientsError,
)
from sms_core.segments import SegmentAnalysis
from sms_core.services.consent_rule import consent_refusals
from sms_core.services.context import AccountContext
from sms_core.services.optouts import opt_out_refusals
from sms_core.services.reconciliation import Reconciler
from sms_core.services.send_checks import (
    Outgoing,
    SendingLine,
    check_body,
    check_same_request,
    checked_key,
    own_line_refusal,
    parse_number,
)
from sms_core.services.sending import Delivery, SendPipeline

__all__ = ["LOST_ANSWER", "STILL_SENDING", "MassTexting", "ProgressCallback"]

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

    _context: AccountContext
    _pipeline: SendPipeline
    _reconciler: Reconciler

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
        key = checked_key(idempotency_key)
        # The actor, before any key is looked up; the host hears how many were selected.
        sending = self._pipeline.sending_line(actor_id, recipients=len(recipients))
        analysis = check_body(sending, body)
        _check_count(len(recipients), sending.policy.mass_text_cap)
        report = _guarded(progress) if progress is not None else _ignore

        outcomes: list[RecipientOutcome | None] = [None] * len(recipients)
        to_send: list[tuple[int, Recipient, Outgoing]] = []
        for index, (recipient, decided) in enumerate(
            self._plan(sending, recipients, body, analysis, key)
        ):
            if isinstance(decided, RecipientOutcome):
                outcomes[index] = decided
                report(decided)
            else:
                to_send.append((index, recipient, decided))

        def record(position: int, result: Delivery | SmsError) -> None:
            index, recipient, _ = to_send[position]
            outcome = (
                _refused(recipient, str(result))
                if isinstance(result, SmsError)
                else _outcome(recipient, result.message, duplicate=result.duplicate)
            )
            outcomes[index] = outcome
            report(outcome)

        self._pipeline.send_many(sending, [outgoing for _, _, outgoing in to_send], record)
        return MassSendResult(
            outcomes=[outcome for outcome in outcomes if outcome is not None], segments=analysis
        )

    def _plan(
        self,
        sending: SendingLine,
        recipients: Sequence[Recipient],
        body: str,
        analysis: SegmentAnalysis,
        key: str | None,
    ) -> list[tuple[Recipient, RecipientOutcome | Outgoing]]:
        """Each recipient's outcome when decided without the carrier, else its text."""
        # A recipient that cannot be used (a bad number, an id too long to store) is refused
        # on its own line; the others go on.
        numbers: list[PhoneNumber | InvalidInputError] = []
        for index, recipient in enumerate(recipients):
            try:
                inputs.optional_identifier(
                    f"recipients[{index}].candidate_id", recipient.candidate_id
                )
                inputs.number(f"recipients[{index}].number", recipient.number)
                numbers.append(parse_number(recipient.number))
            except InvalidInputError as err:
                numbers.append(err)
        valid = [number for number in numbers if isinstance(number, PhoneNumber)]
        with self._context.database.transaction() as connection:
            # An opt-out is the stronger reason, so it is the one given when both apply.
            refusals: dict[PhoneNumber, SmsError] = {
                **consent_refusals(connection, self._context.account.id, valid),
                **opt_out_refusals(connection, self._context.account.id, valid),
            }
        now = self._context.now()

        planned: list[tuple[Recipient, RecipientOutcome | Outgoing]] = []
        first_index: dict[PhoneNumber, int] = {}
        for index, (recipient, number) in enumerate(zip(recipients, numbers, strict=True)):
            if isinstance(number, InvalidInputError):
                planned.append((recipient, _refused(recipient, str(number))))
                continue
            if number in first_index:
                reason = f"{number} is also recipient {first_index[number] + 1}; it is texted once"
                planned.append((recipient, _refused(recipient, reason)))
                continue
            first_index[number] = index
            if (own := own_line_refusal(sending, number)) is not None:
                planned.append((recipient, _refused(recipient, str(own))))
                continue
            outgoing = Outgoing(
                recipient=number,
                candidate_id=recipient.candidate_id,
                body=body,
                analysis=analysis,
                idempotency_key=f"{key}:{number.e164}" if key else None,
            )
            earlier = self._pipeline.previous(outgoing.idempotency_key)
            sent_now = False
            if earlier is not None:
                _check_same_mass_text(key, earlier, sending, outgoing)
                # Settle what the earlier call left short of an answer (sent now if it never
                # reached the carrier); a text then known never to have arrived goes again.
                earlier, sent_now = self._reconciler.resolve(earlier)
                if self._pipeline.previous(outgoing.idempotency_key) is None:
                    earlier = None
            if earlier is not None:
                outcome = _outcome(recipient, earlier, duplicate=not sent_now)
                planned.append((recipient, outcome))
            elif number in refusals:
                planned.append((recipient, _refused(recipient, str(refusals[number]))))
            elif (quiet := self._pipeline.quiet_hours_refusal(sending, number, now)) is not None:
                planned.append((recipient, _refused(recipient, str(quiet))))
            else:
                planned.append((recipient, outgoing))
        return planned


def _check_count(count: int, cap: int) -> None:
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


def _check_same_mass_text(
    key: str | None, earlier: Message, sending: SendingLine, outgoing: Outgoing
) -> None:
    """Refuse the whole call when an earlier one used ``key`` for another text."""
    try:
        check_same_request(earlier, sending.user.id if sending.user else None, outgoing)
    except IdempotencyKeyError as err:
        raise IdempotencyKeyError(
            f"idempotency key {key!r} was used for another mass text: its text to "
            f"{earlier.recipient} (message {earlier.id}, user {earlier.user_id!r}) had another "
            "body, sender or candidate; nothing was sent. Use a new key for a new mass text"
        ) from err


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

"""The per-recipient checks of a text to many, run by :meth:`SendPipeline.send_many`.

A text to many (a mass text, a template rendered per recipient) is checked in two passes before
anything is stored:

1. Every body (one per recipient; a mass text's are all the same) is checked as a single text's
   is (:func:`~sms_core.services.send_checks.check_body`). One that does not fit refuses the
   whole request, naming the recipient and its length: a merge that made one text too long
   is the sender's to fix, and nothing is stored or sent until it is.
2. Each recipient is checked on its own (:func:`plan_recipients`): an invalid number, a number
   given twice (texted once), the sender's own line, an opted-out number, one without the
   consent record the account requires (:mod:`.consent_rule`) or one in quiet hours is refused
   with its reason, the others go on. With an idempotency key, each recipient's text
   gets its own key (``"{key}:{number}"``); a text an earlier call stored under it is settled
   first (sent now if it never reached the carrier, looked up if it may have) and reported
   instead of being sent again; a key an earlier call used for another text refuses the whole
   request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from sms_core import inputs
from sms_core.compliance.quiet_hours import QuietHoursPolicy
from sms_core.domain import Message, PhoneNumber, Recipient
from sms_core.exceptions import IdempotencyKeyError, InvalidInputError, MessageBodyError, SmsError
from sms_core.segments import SegmentAnalysis
from sms_core.services.consent_rule import consent_refusals
from sms_core.services.context import AccountContext
from sms_core.services.optouts import opt_out_refusals
from sms_core.services.send_checks import (
    Outgoing,
    SendingLine,
    check_body,
    check_same_request,
    own_line_refusal,
    parse_number,
    quiet_hours_refusal,
)

__all__ = ["Earlier", "Planned", "TextRequest", "check_bodies", "plan_recipients"]


@attrs.frozen
class Earlier:
    """The text an earlier call with the same idempotency key stored, as it stands now.

    Attributes:
        sent_now: Whether this call handed it to the carrier (the earlier call never did).
    """

    message: Message
    sent_now: bool


#: A recipient's text ready to store, an earlier call's text, or the refusal that keeps it
#: from being sent.
Planned = Outgoing | Earlier | SmsError


@attrs.frozen(kw_only=True)
class TextRequest:
    """One recipient's text as a caller asks for it, before any check.

    Attributes:
        recipient: The candidate, their number as typed.
        body: The text for this recipient (a template rendered with their merge values).
    """

    recipient: Recipient
    body: str


def check_bodies(sending: SendingLine, requests: Sequence[TextRequest]) -> list[SegmentAnalysis]:
    """Each request's body checked, with its segments; the same body is checked once.

    Raises:
        MessageBodyError: When a body is blank or too long, naming the recipient (its position
            and number as given) and the text's length; nothing was stored or sent.
    """
    checked: dict[str, SegmentAnalysis] = {}
    analyses: list[SegmentAnalysis] = []
    for index, request in enumerate(requests):
        analysis = checked.get(request.body)
        if analysis is None:
            try:
                analysis = check_body(sending, request.body)
            except MessageBodyError as err:
                raise MessageBodyError.for_recipient(
                    err, position=index + 1, number=str(request.recipient.number)
                ) from None
            checked[request.body] = analysis
        analyses.append(analysis)
    return analyses


def plan_recipients(
    context: AccountContext,
    sending: SendingLine,
    requests: Sequence[TextRequest],
    analyses: Sequence[SegmentAnalysis],
    *,
    key: str | None,
    previous: Callable[[str | None], Message | None],
    resolve: Callable[[Message], tuple[Message, bool]],
    rules: QuietHoursPolicy,
) -> list[Planned]:
    """Each recipient's text to store, or its outcome decided without the carrier.

    Args:
        key: The request's idempotency key, checked; each recipient's is derived from it.
        previous: The message an earlier call stored under a key, if any.
        resolve: Settles an earlier call's text now (see ``Reconciler.resolve``).
        rules: The quiet-hours rules.

    Raises:
        IdempotencyKeyError: When an earlier call used ``key`` for another text; nothing more
            was sent (an earlier call's texts already settled stay settled).
    """
    numbers = _numbers(requests)
    valid = [number for number in numbers if isinstance(number, PhoneNumber)]
    with context.database.transaction() as connection:
        # An opt-out is the stronger reason, so it is the one given when both apply.
        opted_out: dict[PhoneNumber, SmsError] = {
            **consent_refusals(connection, context.account.id, valid),
            **opt_out_refusals(connection, context.account.id, valid),
        }
    now = context.now()

    planned: list[Planned] = []
    first_index: dict[PhoneNumber, int] = {}
    for index, (request, number) in enumerate(zip(requests, numbers, strict=True)):
        if isinstance(number, InvalidInputError):
            planned.append(number)
            continue
        if number in first_index:
            planned.append(
                InvalidInputError(
                    f"{number} is also recipient {first_index[number] + 1}; it is texted once"
                )
            )
            continue
        first_index[number] = index
        if (own := own_line_refusal(sending, number)) is not None:
            planned.append(own)
            continue
        outgoing = Outgoing(
            recipient=number,
            candidate_id=request.recipient.candidate_id,
            body=request.body,
            analysis=analyses[index],
            idempotency_key=f"{key}:{number.e164}" if key else None,
        )
        earlier = previous(outgoing.idempotency_key)
        sent_now = False
        if earlier is not None:
            _check_same_text(key, earlier, sending, outgoing)
            # Settle what the earlier call left short of an answer (sent now if it never
            # reached the carrier); a text then known never to have arrived goes again.
            earlier, sent_now = resolve(earlier)
            if previous(outgoing.idempotency_key) is None:
                earlier = None
        if earlier is not None:
            planned.append(Earlier(earlier, sent_now))
        elif number in opted_out:
            planned.append(opted_out[number])
        elif (quiet := quiet_hours_refusal(rules, sending, number, now)) is not None:
            planned.append(quiet)
        else:
            planned.append(outgoing)
    return planned


def _numbers(requests: Sequence[TextRequest]) -> list[PhoneNumber | InvalidInputError]:
    """Each recipient's number, or why it cannot be used (a bad number, an id too long)."""
    numbers: list[PhoneNumber | InvalidInputError] = []
    for index, request in enumerate(requests):
        recipient = request.recipient
        try:
            inputs.optional_identifier(f"recipients[{index}].candidate_id", recipient.candidate_id)
            inputs.number(f"recipients[{index}].number", recipient.number)
            numbers.append(parse_number(recipient.number))
        except InvalidInputError as err:
            numbers.append(err)
    return numbers


def _check_same_text(
    key: str | None, earlier: Message, sending: SendingLine, outgoing: Outgoing
) -> None:
    """Refuse the whole request when an earlier one used ``key`` for another text."""
    try:
        check_same_request(earlier, sending.user.id if sending.user else None, outgoing)
    except IdempotencyKeyError as err:
        raise IdempotencyKeyError(
            f"idempotency key {key!r} was used for another mass text: its text to "
            f"{earlier.recipient} (message {earlier.id}, user {earlier.user_id!r}) had another "
            "body, sender or candidate; nothing was sent. Use a new key for a new mass text"
        ) from err

"""The checks of a text that need no database: its key, recipient, body and local time.

Each function decides from its arguments alone, so the send pipeline
(:class:`~sms_core.services.sending.SendPipeline`) and the mass text run the same rules without
a transaction. The checks that read the database (the sender's line, the recipient's opt-out)
are the pipeline's own; the wording of each refusal lives beside its rule here, in
:mod:`sms_core.compliance.quiet_hours` (quiet hours) and in
:mod:`sms_core.services.optouts` (opt-outs).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

import attrs

from sms_core import inputs
from sms_core.compliance.quiet_hours import QuietHoursDecision, QuietHoursPolicy
from sms_core.domain import HostPolicy, Line, Message, PhoneNumber, User
from sms_core.exceptions import (
    IdempotencyKeyError,
    InvalidFieldError,
    InvalidInputError,
    MessageBodyError,
    QuietHoursError,
)
from sms_core.segments import SegmentAnalysis, analyze

__all__ = [
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "Outgoing",
    "SendingLine",
    "check_body",
    "check_same_request",
    "check_text",
    "checked_key",
    "own_line_refusal",
    "parse_number",
    "quiet_hours_decision",
    "quiet_hours_refusal",
]

#: The longest idempotency key a caller may pass (a mass text adds the recipient to it).
MAX_IDEMPOTENCY_KEY_LENGTH = inputs.IDEMPOTENCY_KEY_LENGTH

_NO_QUIET_HOURS = QuietHoursPolicy.disabled()

# Unicode categories no reader sees: controls, formatting marks (zero-width space, BOM...),
# and lone surrogates.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})


@attrs.frozen(kw_only=True)
class SendingLine:
    """A line ready to text, the user texting from it, and the limits that apply.

    Attributes:
        line: The line the text goes from (its number is the text's sender).
        user: The recruiter sending; ``None`` for the SDK's own replies (HELP).
        policy: The active host's policy.
        max_body_characters: The host's limit, capped by the carrier's.
    """

    line: Line
    user: User | None
    policy: HostPolicy
    max_body_characters: int


@attrs.frozen(kw_only=True)
class Outgoing:
    """A checked text for one recipient.

    Attributes:
        metered: Whether it uses the allowance (the SDK's own replies do not).
        answers: Whether it is the user's answer in the thread, which marks the thread read
            in the user's inbox when it is stored (``messages.send``; see :mod:`.inbox`).
    """

    recipient: PhoneNumber
    candidate_id: str | None
    body: str
    analysis: SegmentAnalysis
    idempotency_key: str | None = None
    metered: bool = True
    answers: bool = False


def parse_number(number: str | PhoneNumber) -> PhoneNumber:
    """A number as typed, validated (US numbers need no ``+1``); a ``PhoneNumber`` is checked."""
    return number.checked() if isinstance(number, PhoneNumber) else PhoneNumber.parse(number)


def checked_key(key: str | None) -> str | None:
    """The caller's idempotency key, refused when blank or too long.

    Raises:
        IdempotencyKeyError: When the key is not text, is blank, is longer than 160 characters
            or holds characters that cannot be stored (NUL, lone surrogates).
    """
    if key is None:
        return None
    if not isinstance(key, str):
        raise IdempotencyKeyError(
            f"idempotency key {inputs.shown(key)} is not text; pass a str such as a UUID, or None"
        )
    if not key.strip():
        raise IdempotencyKeyError(
            "an idempotency key must not be blank; pass a unique id for the request, or None"
        )
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise IdempotencyKeyError(
            f"idempotency key {key[:20]!r}... has {len(key)} characters; use at most "
            f"{MAX_IDEMPOTENCY_KEY_LENGTH}, such as a UUID"
        )
    try:
        return inputs.text("idempotency_key", key, max_length=MAX_IDEMPOTENCY_KEY_LENGTH)
    except InvalidFieldError as err:
        raise IdempotencyKeyError(f"{err}; use letters, digits and punctuation") from None


def check_body(sending: SendingLine, body: str) -> SegmentAnalysis:
    """The body's encoding and segments, once it is known to fit.

    Characters are counted as Unicode code points, as carriers count a body's length;
    the segments show what the carrier will bill.

    Raises:
        MessageBodyError: When the body is blank or longer than the limit.
    """
    return check_text(body, sending.max_body_characters)


def check_text(body: str, limit: int) -> SegmentAnalysis:
    """:func:`check_body` against ``limit`` characters, for a text not yet sent from a line.

    Raises:
        MessageBodyError: When the body is blank or longer than the limit.
    """
    if not any(_visible(character) for character in body):
        raise MessageBodyError(
            "the message is empty (it has no visible character); write the text to send",
            length=len(body),
            limit=limit,
        )
    for position, character in enumerate(body, start=1):
        if not _sendable(character):
            raise MessageBodyError(
                f"the message has the unprintable character U+{ord(character):04X} at "
                f"position {position}; remove it (a paste from another program may have "
                "brought it)",
                length=len(body),
                limit=limit,
            )
    if len(body) > limit:
        raise MessageBodyError(
            f"the message has {len(body)} characters and at most {limit} can be sent; "
            f"shorten it by {len(body) - limit}",
            length=len(body),
            limit=limit,
        )
    return analyze(body)


def quiet_hours_refusal(
    rules: QuietHoursPolicy, sending: SendingLine, recipient: PhoneNumber, at: datetime
) -> QuietHoursError | None:
    """The refusal for texting ``recipient`` at ``at``, or ``None`` when allowed.

    Hosts whose policy turns quiet hours off (``HostPolicy.quiet_hours``) send any time.
    """
    return quiet_hours_decision(rules, sending, recipient, at).refusal(recipient)


def quiet_hours_decision(
    rules: QuietHoursPolicy, sending: SendingLine, recipient: PhoneNumber, at: datetime
) -> QuietHoursDecision:
    """Whether ``recipient`` may be texted at ``at`` from ``sending``, and when it next may.

    Hosts whose policy turns quiet hours off (``HostPolicy.quiet_hours``) send any time.
    """
    rules = rules if sending.policy.quiet_hours else _NO_QUIET_HOURS
    return rules.check(recipient, at)


def own_line_refusal(sending: SendingLine, recipient: PhoneNumber) -> InvalidInputError | None:
    """The refusal for texting the sender's own line (carriers refuse To equal to From)."""
    if recipient != sending.line.number:
        return None
    return InvalidInputError(
        f"{recipient} is the number you text from; enter the candidate's number instead"
    )


def check_same_request(earlier: Message, user_id: str | None, outgoing: Outgoing) -> None:
    """Refuse an idempotency key that an earlier call used for another text.

    Raises:
        IdempotencyKeyError: When the sending user, recipient, candidate or body differ.
    """
    same = (earlier.user_id, earlier.recipient, earlier.candidate_id, earlier.body) == (
        user_id,
        outgoing.recipient,
        outgoing.candidate_id,
        outgoing.body,
    )
    if not same:
        raise IdempotencyKeyError(
            f"idempotency key {outgoing.idempotency_key!r} was used for another text (message "
            f"{earlier.id} to {earlier.recipient} by user {earlier.user_id!r}); use a new key "
            "for a new text"
        )


def _visible(character: str) -> bool:
    """Whether a reader sees the character: not a space, control or formatting mark."""
    return not character.isspace() and unicodedata.category(character) not in _INVISIBLE


def _sendable(character: str) -> bool:
    """Whether a text may carry it: no control but line breaks and tabs, no lone surrogate."""
    category = unicodedata.category(character)
    if category == "Cc":
        return character in "\n\r\t"
    return category != "Cs"

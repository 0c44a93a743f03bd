"""Sending one text: every check first, then stored, handed to the carrier, and updated.

The order never changes, so nothing the user asked to send is lost or sent twice:

1. Every rule is checked before anything is written: the sender is an active user the host
   allows to text, on a registered line; the recipient is a valid number that has not opted
   out and is within its quiet hours; the body is not empty and fits the host's limit.
2. One transaction uses the allowance (a seat's or the account's pool, see :mod:`.allowance`)
   and stores the message as ``PENDING`` with its idempotency key. The key is unique per
   account in the schema, so two calls with one key store one message: the second returns the
   first one's result.
3. A second transaction marks the text as being handed over (``handed_at``), with a
   conditional ``UPDATE`` that only one process can win; then the carrier is called with the
   SDK's message id and the account's status callback URL. A ``PENDING`` text without the
   mark certainly never left, so recovery may send it; one with the mark is only ever looked
   up at the carrier (see :mod:`.reconciliation`).
4. Its answer is stored: the carrier's id and first status; or ``UNKNOWN`` when the answer was
   lost (``ProviderTimeoutError``: the text may have gone out, so it is reconciled by fetching
   its status and never sent again); or ``FAILED`` with the carrier's code when it refused.
   A refused send gives its allowance back. A refusal for opt-out
   (``RecipientOptedOutError``) also blocks the number on every line. The key stays bound to
   a refusal about the text itself (its recipient); after a passing failure (rate limit,
   outage, credentials, unregistered sender) it is freed, so a retry with the same key sends
   anew.
5. The host records the stored message on the candidate's activity, with the sending user.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import attrs

from sms_core import inputs
from sms_core.compliance.quiet_hours import QuietHoursDecision, QuietHoursPolicy
from sms_core.domain import (
    Action,
    Activity,
    DeliveryStatus,
    Direction,
    HostPolicy,
    Line,
    Message,
    OptOut,
    OptOutSource,
    OutboundMessage,
    PhoneNumber,
    SendReceipt,
    User,
)
from sms_core.exceptions import (
    AllowanceExhaustedError,
    CandidateOptedOutError,
    IdempotencyKeyError,
    InvalidFieldError,
    InvalidInputError,
    MessageBodyError,
    ProviderAuthenticationError,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    QuietHoursError,
    RateLimitedError,
    RecipientOptedOutError,
    SmsError,
    UnregisteredLineError,
    UnregisteredSenderError,
    UserWithoutLineError,
)
from sms_core.segments import SegmentAnalysis, analyze
from sms_core.services import host_events
from sms_core.services.allowance import charge_send, is_metered, refund
from sms_core.services.context import AccountContext
from sms_core.store import Transaction
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store
from sms_core.store import optouts as optout_store

__all__ = [
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "Delivery",
    "Dispatcher",
    "Outgoing",
    "Sender",
    "checked_key",
    "own_line_refusal",
    "parse_number",
]

#: The longest idempotency key a caller may pass (a mass text adds the recipient to it).
MAX_IDEMPOTENCY_KEY_LENGTH = inputs.IDEMPOTENCY_KEY_LENGTH

# How many zones a quiet-hours refusal names before it summarizes the rest.
_ZONES_SHOWN = 3

# Failures after which the same request may succeed later: the key is freed for a retry.
_PASSING_FAILURES = (
    RateLimitedError,
    ProviderUnavailableError,
    ProviderAuthenticationError,
    UnregisteredSenderError,
)

_NO_QUIET_HOURS = QuietHoursPolicy.disabled()

# How many times a text is stored while its key is found taken and then free again.
_STORE_ATTEMPTS = 3

# Unicode categories no reader sees: controls, formatting marks (zero-width space, BOM...),
# and lone surrogates.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})

_logger = logging.getLogger(__name__)


@attrs.frozen(kw_only=True)
class Sender:
    """A line ready to text, the user texting from it, and the limits that apply.

    Attributes:
        user: The recruiter sending; ``None`` for the SDK's own replies (HELP).
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
    """

    recipient: PhoneNumber
    candidate_id: str | None
    body: str
    analysis: SegmentAnalysis
    idempotency_key: str | None = None
    metered: bool = True


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


@attrs.define
class Dispatcher:
    """The checks and the store-send-update cycle that every outbound text goes through.

    Attributes:
        quiet_hours: The quiet-hours rules for hosts that enforce them (the bundled federal
            window and state rules by default); hosts with ``quiet_hours=False`` send any time.
    """

    _context: AccountContext
    quiet_hours: QuietHoursPolicy = attrs.field(factory=QuietHoursPolicy)

    # -- checks ------------------------------------------------------------------------------

    def sender(self, actor_id: str, *, recipients: int = 1) -> Sender:
        """The actor's line, checked: the actor may text, and the line is registered.

        Args:
            recipients: How many candidates the actor asks to text (the host is told).

        Raises:
            UserNotFoundError: When the account has no such user.
            PermissionDeniedError: When the host does not let the actor text (inactive users
                included).
            UserWithoutLineError: When the actor is on no line.
            UnregisteredLineError: When the line is not attached to the approved campaign.
        """
        context = self._context
        actor = context.require(actor_id, Action.SEND_MESSAGE, recipients=recipients)
        with context.database.transaction() as connection:
            line = line_store.line_of_user(connection, context.account.id, actor.id)
        if line is None:
            raise UserWithoutLineError(
                f"user {actor.full_name!r} ({actor.id}) is on no line, so has no number to "
                "text from; an admin can assign them a number"
            )
        if not line.registered:
            raise UnregisteredLineError(
                f"{line.number} is not registered yet, so it cannot text: the account's "
                "campaign must be approved and the number attached to its messaging service "
                "(see registration.status(); registration.sync() attaches it once approved)"
            )
        return self.line_sender(line, actor)

    def line_sender(self, line: Line, user: User | None) -> Sender:
        """A sender for ``line`` without the actor checks (the SDK's own replies)."""
        context = self._context
        policy = context.policy()
        capabilities = context.hooks.provider_info(context.account).capabilities
        limit = capabilities.max_body_characters
        if policy.max_body_characters is not None:
            limit = min(limit, policy.max_body_characters)
        return Sender(line=line, user=user, policy=policy, max_body_characters=limit)

    def check_body(self, sender: Sender, body: str) -> SegmentAnalysis:
        """The body's encoding and segments, once it is known to fit.

        Characters are counted as Unicode code points, as carriers count a body's length;
        the segments show what the carrier will bill.

        Raises:
            MessageBodyError: When the body is blank or longer than the limit.
        """
        limit = sender.max_body_characters
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

    def check_recipient(self, sender: Sender, recipient: PhoneNumber) -> None:
        """Refuse a recipient that opted out or is in quiet hours.

        Raises:
            InvalidInputError: When it is the sender's own line.
            CandidateOptedOutError: When the number opted out.
            QuietHoursError: When it is outside the number's allowed local hours.
        """
        if (own := own_line_refusal(sender, recipient)) is not None:
            raise own
        with self._context.database.transaction() as connection:
            opted_out = optout_store.in_force(connection, self._context.account.id, [recipient])
        if recipient in opted_out:
            raise opted_out_error(opted_out[recipient])
        refusal = self.quiet_hours_refusal(sender, recipient, self._context.now())
        if refusal is not None:
            raise refusal

    def quiet_hours_refusal(
        self, sender: Sender, recipient: PhoneNumber, at: datetime
    ) -> QuietHoursError | None:
        """The refusal for texting ``recipient`` at ``at``, or ``None`` when allowed."""
        rules = self.quiet_hours if sender.policy.quiet_hours else _NO_QUIET_HOURS
        decision = rules.check(recipient, at)
        return None if decision.allowed else _quiet_hours_error(recipient, decision)

    def previous(self, key: str | None) -> Message | None:
        """The message an earlier call with idempotency key ``key`` stored, if any."""
        if key is None:
            return None
        with self._context.database.transaction() as connection:
            return message_store.find_by_idempotency_key(connection, self._context.account.id, key)

    # -- sending -----------------------------------------------------------------------------

    def deliver(self, sender: Sender, outgoing: Outgoing) -> Delivery:
        """Store the text, hand it to the carrier, and store the answer (steps 2 to 5).

        Returns:
            The stored message, with the carrier's refusal when it refused.

        Raises:
            AllowanceExhaustedError: When the allowance cannot cover it; nothing was written.
            IdempotencyKeyError: When the key was used for another text.
        """
        stored = self.store(sender, outgoing)
        if isinstance(stored, Delivery):
            return stored
        [marked], taken = self.mark_handed([stored])
        if marked is None:
            return Delivery(message=taken[0], duplicate=True)
        return self.settle(sender, marked, self.hand_over(sender, marked, outgoing))

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

    def store(self, sender: Sender, outgoing: Outgoing) -> Message | Delivery:
        """Persist the text as PENDING, using the allowance, before any carrier call.

        Returns:
            The new PENDING message, or the earlier delivery an idempotency key points to.

        Raises:
            AllowanceExhaustedError: When the allowance cannot cover it; nothing was written.
            IdempotencyKeyError: When the key was used for another text.
        """
        context = self._context
        message = self._new_message(sender, outgoing)
        # A key can be freed between the insert that found it taken and the lookup (the
        # earlier text was refused for a passing reason): the text is then stored anew.
        for _ in range(_STORE_ATTEMPTS):
            try:
                with context.database.transaction() as connection:
                    self._charge_and_insert(connection, sender, outgoing, message)
            except message_store.KeyTaken:
                earlier = self.previous(outgoing.idempotency_key)
                if earlier is None:
                    continue
                check_same_request(earlier, sender.user.id if sender.user else None, outgoing)
                return Delivery(message=earlier, duplicate=True)
            return message
        raise IdempotencyKeyError(
            f"idempotency key {outgoing.idempotency_key!r} is being taken and freed by other "
            "calls right now; retry in a moment"
        )

    def _charge_and_insert(
        self, connection: Transaction, sender: Sender, outgoing: Outgoing, message: Message
    ) -> None:
        """Use the allowance (metered lines) and store the text, in ``connection``.

        Raises:
            AllowanceExhaustedError: When the allowance is used up.
            KeyTaken: When the idempotency key is stored already.
        """
        charge = (
            charge_send(
                connection, sender.policy, sender.line, outgoing.analysis, self._context.now()
            )
            if outgoing.metered
            else None
        )
        message_store.insert_message(
            connection, message, idempotency_key=outgoing.idempotency_key, charge=charge
        )

    def store_many(
        self, sender: Sender, outgoings: Sequence[Outgoing]
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
                message = self._new_message(sender, outgoing)
                if outgoing.idempotency_key is None and not _uses_allowance(sender, outgoing):
                    # Nothing can refuse this row: stored with the other plain ones, at once.
                    plain.append(message)
                    results.append(message)
                    continue
                try:
                    with message_store.savepoint(connection):
                        self._charge_and_insert(connection, sender, outgoing, message)
                except AllowanceExhaustedError as err:
                    results.append(err)
                    continue
                except message_store.KeyTaken:
                    results.append(self._earlier(connection, sender, outgoing))
                    continue
                results.append(message)
            message_store.insert_messages(connection, plain)
        return results

    def _earlier(
        self, connection: Transaction, sender: Sender, outgoing: Outgoing
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
            check_same_request(earlier, sender.user.id if sender.user else None, outgoing)
        except IdempotencyKeyError as err:
            return err
        return Delivery(message=earlier, duplicate=True)

    def settle_many(
        self, sender: Sender, answered: Sequence[tuple[Message, SendReceipt | Exception]]
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
                self.record_activity(stored, sender.user)
                deliveries.append(Delivery(message=stored))
            elif isinstance(answer, Exception) and not isinstance(answer, ProviderError):
                deliveries.append(self._unexpected(sender, message, answer))
            else:
                deliveries.append(self.settle(sender, message, answer))
        return deliveries

    def _unexpected(self, sender: Sender, message: Message, err: Exception) -> Delivery:
        """Settle a carrier call that failed unexpectedly: UNKNOWN, logged, never resent."""
        _logger.error(
            "the carrier call for message %s failed unexpectedly; it is left UNKNOWN for "
            "reconcile()",
            message.id,
            exc_info=err,
        )
        stored = self._record(message, DeliveryStatus.UNKNOWN)
        self.record_activity(stored, sender.user)
        return Delivery(message=stored)

    def hand_over(
        self, sender: Sender, message: Message, outgoing: Outgoing
    ) -> SendReceipt | Exception:
        """Hand a stored text to the carrier; touches no database, so it may run in a worker.

        Returns:
            The carrier's receipt, or the exception the carrier call raised.
        """
        context = self._context
        request = OutboundMessage(
            message_id=message.id,
            sender=sender.line.number,
            recipient=outgoing.recipient,
            body=outgoing.body,
            sender_ref=sender.line.provider_ref,
            status_callback_url=context.webhooks.status(context.account),
        )
        try:
            return context.hooks.send_message(context.account, request)
        except Exception as err:  # settled by the caller, which knows what each error means
            return err

    def settle(self, sender: Sender, message: Message, answer: SendReceipt | Exception) -> Delivery:
        """Store the carrier's answer to :meth:`hand_over` and record the activity.

        Raises:
            Exception: Any unexpected error of the carrier call, after marking the text
                UNKNOWN (it may have reached the carrier: reconcile, never resend).
        """
        error: ProviderError | None = None
        if isinstance(answer, ProviderTimeoutError):
            stored = self._record(message, DeliveryStatus.UNKNOWN)
        elif isinstance(answer, ProviderError):
            stored, error = self._refused(sender, message, answer), answer
        elif isinstance(answer, Exception):
            self._record(message, DeliveryStatus.UNKNOWN)
            raise answer
        else:
            stored = self._record(
                message, answer.status, provider_message_id=answer.provider_message_id
            )
        self.record_activity(stored, sender.user)
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

    def _new_message(self, sender: Sender, outgoing: Outgoing) -> Message:
        now = self._context.now()
        return Message(
            id=self._context.make_id(),
            account_id=self._context.account.id,
            line_id=sender.line.id,
            direction=Direction.OUTBOUND,
            sender=sender.line.number,
            recipient=outgoing.recipient,
            body=outgoing.body,
            status=DeliveryStatus.PENDING,
            created_at=now,
            updated_at=now,
            candidate_id=outgoing.candidate_id,
            user_id=sender.user.id if sender.user else None,
            segments=outgoing.analysis.segments,
        )

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

    def _refused(self, sender: Sender, message: Message, err: ProviderError) -> Message:
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
                    line=sender.line.number,
                )
                host_events.record_opt_out(context, connection, opt_out)
            if isinstance(err, _PASSING_FAILURES):
                message_store.release_idempotency_key(connection, account_id, message.id)
            stored = message_store.get_message(connection, account_id, message.id)
        assert stored is not None
        return stored


def _visible(character: str) -> bool:
    """Whether a reader sees the character: not a space, control or formatting mark."""
    return not character.isspace() and unicodedata.category(character) not in _INVISIBLE


def _sendable(character: str) -> bool:
    """Whether a text may carry it: no control but line breaks and tabs, no lone surrogate."""
    category = unicodedata.category(character)
    if category == "Cc":
        return character in "\n\r\t"
    return category != "Cs"


def _uses_allowance(sender: Sender, outgoing: Outgoing) -> bool:
    """Whether storing the text uses an allowance, which may refuse it."""
    return outgoing.metered and is_metered(sender.policy, sender.line)


def own_line_refusal(sender: Sender, recipient: PhoneNumber) -> InvalidInputError | None:
    """The refusal for texting the sender's own line (carriers refuse To equal to From)."""
    if recipient != sender.line.number:
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


def opted_out_error(opt_out: OptOut) -> CandidateOptedOutError:
    """The refusal for texting a number that opted out."""
    how = {
        OptOutSource.KEYWORD: f"texted {opt_out.keyword!r}" if opt_out.keyword else "opted out",
        OptOutSource.CARRIER: "opted out at the carrier",
        OptOutSource.HOST: "opted out through the host",
    }[opt_out.source]
    return CandidateOptedOutError(
        f"{opt_out.number} {how} on {opt_out.opted_out_at:%Y-%m-%d %H:%M} UTC and cannot be "
        "texted from any line of the account; only the candidate's opt-in (START) or an "
        "admin's lift with a recorded reason allows it again",
        number=opt_out.number.e164,
        opted_out_at=opt_out.opted_out_at,
    )


def _quiet_hours_error(recipient: PhoneNumber, decision: QuietHoursDecision) -> QuietHoursError:
    message = f"{recipient} cannot be texted now because of quiet hours: {decision.reason}"
    if decision.next_allowed is not None:
        message += f" ({_local_times(decision.next_allowed, decision.zones)}); send it then"
    return QuietHoursError(message, number=recipient.e164, next_allowed=decision.next_allowed)


def _local_times(moment: datetime, zones: tuple[str, ...]) -> str:
    """``moment`` as the recipient's clocks read it: ``"08:00 local time in America/Denver"``."""
    readings: dict[str, list[str]] = {}
    for zone in zones:
        readings.setdefault(f"{moment.astimezone(ZoneInfo(zone)):%H:%M}", []).append(zone)
    parts = []
    for local, names in list(readings.items())[:_ZONES_SHOWN]:
        shown = ", ".join(names[:_ZONES_SHOWN])
        more = f" and {len(names) - _ZONES_SHOWN} more zones" if len(names) > _ZONES_SHOWN else ""
        parts.append(f"{local} local time in {shown}{more}")
    return "; ".join(parts)

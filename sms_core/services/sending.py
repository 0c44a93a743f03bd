# Over 400 lines: one object owns every send's steps, so the order is the same for each caller.
"""The send pipeline: every outbound text checked, stored, handed to the carrier, and settled.

One object, :class:`SendPipeline`, owns the order for every way a text leaves: a user's text
(:meth:`SendPipeline.send_text`, every check included), a mass text
(:meth:`SendPipeline.send_many`, a body per recipient, each recipient checked), the SDK's
automatic replies to keywords (:meth:`SendPipeline.reply`) and the texts recovery sends for a
stopped process (:meth:`SendPipeline.resend`). Callers reach the steps only through it, so the
order never changes and nothing the user asked to send is lost or sent twice:

1. Every rule is checked before anything is written: the sender is an active user the host
   allows to text, on a registered line (:meth:`SendPipeline.sending_line`); the recipient is a
   valid number that has not opted out, has consent when the account requires it
   (:mod:`.consent_rule`), and is within its quiet hours (:meth:`SendPipeline.check_recipient`);
   the body is not empty and fits the host's limit. The checks that need no database are in
   :mod:`.send_checks`; a text to many runs them per body and per recipient through
   :mod:`.send_plan`.
2. One transaction uses the allowance (a seat's or the account's pool, see :mod:`.allowance`)
   and stores the message as ``PENDING`` with its idempotency key (:mod:`.send_storage`).
3. A second transaction marks the text as being handed over (``handed_at``), with a
   conditional ``UPDATE`` that only one process can win; only then is the carrier called, with
   the SDK's message id and the account's status callback URL.
4. Its answer is stored, and the host told (:mod:`.send_settlement`): the carrier's id and
   first status; ``UNKNOWN`` when the answer was lost (reconciled, never sent again); or
   ``FAILED`` with the carrier's code when it refused, giving the allowance back.

A scheduled text (:mod:`.scheduled`) is checked when scheduled (:meth:`check_recipient` at
its due time) and again, through :meth:`SendPipeline.send_text`, when its time comes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from queue import Empty, SimpleQueue

import attrs

from sms_core.compliance.quiet_hours import QuietHoursDecision, QuietHoursPolicy
from sms_core.domain import Action, HostPolicy, Line, Message, PhoneNumber, SendReceipt, User
from sms_core.exceptions import (
    QuietHoursError,
    SmsError,
    UnregisteredLineError,
    UserWithoutLineError,
)
from sms_core.segments import SegmentAnalysis, analyze
from sms_core.services.carrier_calls import CallLanes
from sms_core.services.consent_rule import consent_refusals
from sms_core.services.context import AccountContext
from sms_core.services.optouts import opt_out_refusals
from sms_core.services.send_checks import (
    Outgoing,
    SendingLine,
    check_body,
    checked_key,
    own_line_refusal,
    quiet_hours_decision,
    quiet_hours_refusal,
)
from sms_core.services.send_plan import Earlier, TextRequest, check_bodies, plan_recipients
from sms_core.services.send_settlement import SendSettlement
from sms_core.services.send_storage import Delivery, SendStorage
from sms_core.store import lines as line_store

__all__ = [
    "Delivery",
    "Outgoing",
    "ResultCallback",
    "SendPipeline",
    "SendingLine",
    "TextRequest",
]

#: Told each text's result of :meth:`SendPipeline.send_many` by its index, as it is known.
ResultCallback = Callable[[int, Delivery | SmsError], None]

#: Longest a carrier's answer waits to be stored with the answers that follow it (seconds).
SETTLE_WITHIN = 0.02

_logger = logging.getLogger(__name__)


@attrs.define
class SendPipeline:
    """The one way outbound texts are checked, stored, handed to the carrier and settled.

    Attributes:
        quiet_hours: The quiet-hours rules for hosts that enforce them (the bundled federal
            window and state rules by default); hosts with ``quiet_hours=False`` send any time.
    """

    _context: AccountContext
    quiet_hours: QuietHoursPolicy = attrs.field(factory=QuietHoursPolicy)
    _storage: SendStorage = attrs.field(
        init=False, default=attrs.Factory(lambda self: SendStorage(self._context), takes_self=True)
    )
    _settlement: SendSettlement = attrs.field(
        init=False,
        default=attrs.Factory(lambda self: SendSettlement(self._context), takes_self=True),
    )

    # -- checks that read the database --------------------------------------------------------

    def sending_line(self, actor_id: str, *, recipients: int = 1) -> SendingLine:
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
        # The actor and their line are read together (one transaction per send, not two);
        # the host is asked before a missing or unregistered line is reported.
        with context.database.transaction() as connection:
            actor = context.actor(connection, actor_id)
            line = line_store.line_of_user(connection, context.account.id, actor.id)
        context.authorize(actor, Action.SEND_MESSAGE, recipients=recipients)
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
        return self.sending_line_for(line, actor)

    def sending_line_for(self, line: Line, user: User | None) -> SendingLine:
        """``line`` ready to text, without the actor checks (the SDK's own replies, recovery)."""
        policy = self._context.policy()
        limit = self.body_limit(policy)
        return SendingLine(line=line, user=user, policy=policy, max_body_characters=limit)

    def body_limit(self, policy: HostPolicy | None = None) -> int:
        """The most characters a text may have: the host's limit, capped by the carrier's."""
        context = self._context
        policy = policy or context.policy()
        limit = context.hooks.provider_info(context.account).capabilities.max_body_characters
        if policy.max_body_characters is not None:
            limit = min(limit, policy.max_body_characters)
        return limit

    def check_recipient(
        self, sending: SendingLine, recipient: PhoneNumber, *, at: datetime | None = None
    ) -> None:
        """Refuse a recipient that is the sender's own line, opted out, or is in quiet hours.

        Args:
            at: The moment the text would be sent, for quiet hours: now by default (a
                scheduled send checks its due time).

        Raises:
            InvalidInputError: When it is the sender's own line.
            CandidateOptedOutError: When the number opted out.
            ConsentRequiredError: When the account requires consent before a first text and
                the number has none (:mod:`.consent_rule`).
            QuietHoursError: When it is outside the number's allowed local hours.
        """
        if (own := own_line_refusal(sending, recipient)) is not None:
            raise own
        with self._context.database.transaction() as connection:
            account_id = self._context.account.id
            refusals = opt_out_refusals(connection, account_id, [recipient])
            unconsented = consent_refusals(connection, account_id, [recipient])
        if recipient in refusals:
            raise refusals[recipient]
        if recipient in unconsented:
            raise unconsented[recipient]
        refusal = self.quiet_hours_refusal(sending, recipient, at or self._context.now())
        if refusal is not None:
            raise refusal

    def quiet_hours_refusal(
        self, sending: SendingLine, recipient: PhoneNumber, at: datetime
    ) -> QuietHoursError | None:
        """The refusal for texting ``recipient`` at ``at``, or ``None`` when allowed."""
        return quiet_hours_refusal(self.quiet_hours, sending, recipient, at)

    def quiet_hours_decision(
        self, sending: SendingLine, recipient: PhoneNumber, at: datetime
    ) -> QuietHoursDecision:
        """Whether ``recipient`` may be texted at ``at``, and the next moment it may."""
        return quiet_hours_decision(self.quiet_hours, sending, recipient, at)

    def previous(self, key: str | None) -> Message | None:
        """The message an earlier call with idempotency key ``key`` stored, if any."""
        return self._storage.previous(key)

    # -- sending ------------------------------------------------------------------------------

    def send_text(
        self,
        actor_id: str,
        *,
        recipient: PhoneNumber,
        candidate_id: str | None,
        body: str,
        idempotency_key: str | None,
        answers: bool = False,
    ) -> tuple[Delivery, SegmentAnalysis]:
        """A user's text to one candidate: every check, then stored, handed over and settled.

        With ``answers`` the text is the user's answer in the thread: storing it marks the
        thread read in the user's inbox (see :mod:`.inbox`).

        Returns:
            How it went (the stored message, with the carrier's refusal when it refused; or
            the earlier delivery the key points to), and the body's segments.

        Raises:
            UserNotFoundError, PermissionDeniedError, UserWithoutLineError,
            UnregisteredLineError: As :meth:`sending_line` says; nothing was written.
            MessageBodyError: When the body is blank or too long; nothing was written.
            InvalidInputError, CandidateOptedOutError, QuietHoursError: As
                :meth:`check_recipient` says; nothing was written.
            AllowanceExhaustedError: When the allowance cannot cover it; nothing was written.
            IdempotencyKeyError: When the key was used for another text.
        """
        sending = self.sending_line(actor_id)
        analysis = check_body(sending, body)
        self.check_recipient(sending, recipient)
        outgoing = Outgoing(
            recipient=recipient,
            candidate_id=candidate_id,
            body=body,
            analysis=analysis,
            idempotency_key=idempotency_key,
            answers=answers,
        )
        return self._send(sending, outgoing), analysis

    def reply(
        self,
        line: Line,
        *,
        recipient: PhoneNumber,
        candidate_id: str | None,
        body: str,
        idempotency_key: str,
    ) -> Delivery:
        """The SDK's own answer to a candidate's keyword (HELP, an opt-out confirmation).

        It uses no allowance and skips the opt-out and quiet-hours checks: the candidate asked
        for it just now. A body over the line's limit is cut to it.
        """
        sending = self.sending_line_for(line, None)
        text = body[: sending.max_body_characters]
        outgoing = Outgoing(
            recipient=recipient,
            candidate_id=candidate_id,
            body=text,
            analysis=analyze(text),
            idempotency_key=idempotency_key,
            metered=False,
        )
        return self._send(sending, outgoing)

    def _send(self, sending: SendingLine, outgoing: Outgoing) -> Delivery:
        """Store a checked text, hand it to the carrier, and store the answer (steps 2 to 4).

        Returns:
            The stored message, with the carrier's refusal when it refused; or the earlier
            delivery its idempotency key points to.

        Raises:
            AllowanceExhaustedError: When the allowance cannot cover it; nothing was written.
            IdempotencyKeyError: When the key was used for another text.
        """
        stored = self._storage.store(sending, outgoing)
        if isinstance(stored, Delivery):
            return stored
        [marked], taken = self._storage.mark_handed([stored])
        if marked is None:
            return Delivery(message=taken[0], duplicate=True)
        answer = self._settlement.hand_over(sending, marked, outgoing)
        return self._settlement.settle(sending, marked, answer)

    def send_many(
        self,
        sending: SendingLine,
        requests: Sequence[TextRequest],
        on_result: ResultCallback,
        *,
        idempotency_key: str | None = None,
    ) -> list[SegmentAnalysis]:
        """Text each recipient their own body: all checked, then stored, then handed over.

        First every body is checked, then each recipient (see :mod:`.send_plan`): a body that
        does not fit refuses the whole request naming its recipient, while a recipient refused
        on its own (a bad or repeated number, opted out, quiet hours) is reported and the
        others go on. The texts that pass are stored (and their allowance used) in this thread,
        in one transaction, before any carrier call. They are then marked as handed over in
        waves, one transaction per wave, just before their carrier calls: at most twice the
        carrier's concurrency (``ProviderCapabilities.max_concurrent_sends``) is marked ahead,
        so a process that dies leaves few texts whose fate only the carrier knows, and the rest
        certainly unsent, for recovery to send. The workers only wait on the carrier; the
        answers are stored here, up to a wave's worth per transaction, none held back longer
        than :data:`SETTLE_WITHIN`. A carrier call that fails unexpectedly leaves its text
        ``UNKNOWN``, to be reconciled.

        Args:
            sending: The sender's line, checked (:meth:`sending_line`).
            on_result: Told each text's result by its index in ``requests``, in this thread,
                as soon as it is known: the delivery (an earlier call's, with the same key,
                marked ``duplicate`` unless this call handed it over), or the refusal that
                kept it from being sent (``InvalidInputError``, ``CandidateOptedOutError``,
                ``QuietHoursError``, ``AllowanceExhaustedError``, ``IdempotencyKeyError``).
            idempotency_key: The request's key; each recipient's text gets
                ``"{key}:{number}"``.

        Returns:
            Each body's encoding and segments, by index.

        Raises:
            MessageBodyError: When a body is blank or too long, naming the recipient; nothing
                was stored or sent.
            IdempotencyKeyError: When the key is malformed, or an earlier call used it for
                another text.
        """
        key = checked_key(idempotency_key)
        analyses = check_bodies(sending, requests)
        planned = plan_recipients(
            self._context,
            sending,
            requests,
            analyses,
            key=key,
            previous=self.previous,
            resolve=self._resolve,
            rules=self.quiet_hours,
        )
        checked: list[tuple[int, Outgoing]] = []
        for index, plan in enumerate(planned):
            if isinstance(plan, Outgoing):
                checked.append((index, plan))
            elif isinstance(plan, Earlier):
                on_result(index, Delivery(message=plan.message, duplicate=not plan.sent_now))
            else:
                on_result(index, plan)
        outgoings = [outgoing for _, outgoing in checked]
        stored: list[tuple[int, Outgoing, Message]] = []
        for (index, outgoing), result in zip(
            checked, self._storage.store_many(sending, outgoings), strict=True
        ):
            if isinstance(result, Message):
                stored.append((index, outgoing, result))
            else:
                on_result(index, result)
        if stored:
            self._hand_over_in_waves(sending, stored, on_result)
        return analyses

    def resend(
        self,
        sending: SendingLine | None,
        message: Message,
        *,
        refused: Callable[[Message], Message] | None = None,
    ) -> tuple[Message, bool]:
        """Send a text a stopped process stored but never handed over (recovery's step 3).

        The text is marked first, so only one process goes on with it. Then it is failed
        with ``refused``, when given (recovery decided it must not go), or handed to the
        carrier and settled.

        Args:
            sending: The text's line ready to text; ``None`` only with ``refused``.

        Returns:
            The text as it stands now, and whether it was handed to the carrier now.
        """
        [marked], taken = self._storage.mark_handed([message])
        if marked is None:
            return (taken[0] if taken else message), False  # another process is sending it
        if refused is not None:
            return refused(marked), False
        assert sending is not None, "a text without a line that can text is refused"
        outgoing = Outgoing(
            recipient=message.recipient,
            candidate_id=message.candidate_id,
            body=message.body,
            analysis=analyze(message.body),
        )
        answer = self._settlement.hand_over(sending, marked, outgoing)
        try:
            return self._settlement.settle(sending, marked, answer).message, True
        except Exception:  # stored UNKNOWN by settle: looked up next time, never resent
            _logger.exception("recovering message %s failed unexpectedly", message.id)
            return self._storage.reload(marked), True

    def _resolve(self, message: Message) -> tuple[Message, bool]:
        """Settle an earlier call's text at once, for a retry with its idempotency key."""
        # Imported here: the reconciler is built on this pipeline.
        from sms_core.services.reconciliation import Reconciler  # noqa: PLC0415

        return Reconciler(self._context, self).resolve(message)

    def record_activity(self, message: Message, user: User | None) -> None:
        """Hand a stored message (an inbound text too) to the host's activity record."""
        self._settlement.record_activity(message, user)

    def _hand_over_in_waves(
        self,
        sending: SendingLine,
        stored: Sequence[tuple[int, Outgoing, Message]],
        on_result: ResultCallback,
    ) -> None:
        capabilities = self._context.hooks.provider_info(self._context.account).capabilities
        workers = max(1, min(capabilities.max_concurrent_sends, len(stored)))
        waves = _Waves(
            pipeline=self,
            sending=sending,
            on_result=on_result,
            workers=workers,
            waiting=list(reversed(stored)),
            lanes=self._context.carrier_calls.lanes(workers),
        )
        try:
            while waves.waiting or waves.in_flight or waves.answered:
                waves.mark()
                waves.collect()
                waves.settle()
        finally:
            # Stopped by an error here: the calls under way finish before it is raised (their
            # texts stay marked, for recovery to look up), as they did in a pool of their own.
            waves.drain()


#: A carrier's answer to one text of a mass text: its index, the marked text, the answer.
_Answer = tuple[int, Message, SendReceipt | Exception]
#: What a worker puts on the queue: an answer, or what stopped the worker outright.
_Called = tuple[int, Message, SendReceipt | BaseException]


@attrs.define(kw_only=True)
class _Waves:
    """One mass text's texts on their way: marked in waves, handed over, their answers stored.

    The carrier calls run on the SDK's kept threads (:class:`.CarrierCalls`), at most
    ``workers`` at once (:class:`.CallLanes`); their answers come back on a queue and are
    stored in this thread.
    """

    pipeline: SendPipeline
    sending: SendingLine
    on_result: ResultCallback
    workers: int
    #: Stored texts not marked yet, the next one last.
    waiting: list[tuple[int, Outgoing, Message]]
    lanes: CallLanes
    answers: SimpleQueue[_Called] = attrs.field(factory=SimpleQueue)
    in_flight: int = 0
    #: Carrier answers not stored yet, and when the first of them came.
    answered: list[_Answer] = attrs.field(factory=list)
    first_answer: float = 0.0

    def mark(self) -> None:
        """Mark the next wave, keeping texts whose fate only the carrier knows under 2 x limit."""
        unsettled = self.in_flight + len(self.answered)
        if not self.waiting or unsettled > self.workers:
            return
        ahead = min(len(self.waiting), 2 * self.workers - unsettled)
        wave = [self.waiting.pop() for _ in range(ahead)]
        marked, taken = self.pipeline._storage.mark_handed([message for _, _, message in wave])
        by_id = {message.id: message for message in taken}
        for (index, outgoing, message), mine in zip(wave, marked, strict=True):
            if mine is None:
                # Another call with the same key (or recovery) sends it.
                earlier = by_id.get(message.id, message)
                self.on_result(index, Delivery(message=earlier, duplicate=True))
            else:
                # Handed over as a lane frees up, at most ``workers`` at once.
                self.lanes.submit(partial(self._call, index, mine, outgoing))
                self.in_flight += 1

    def collect(self) -> None:
        """Wait for the next answer (no longer than the first unstored one may wait)."""
        if not self.in_flight:
            return
        timeout = (
            max(0.0, self.first_answer + SETTLE_WITHIN - time.monotonic())
            if self.answered
            else None
        )
        try:
            answer = self.answers.get(timeout=timeout)
        except Empty:
            return
        if not self.answered:
            self.first_answer = time.monotonic()
        self._take(answer)
        while self.in_flight and not self.answers.empty():
            self._take(self.answers.get())

    def settle(self) -> None:
        """Store the answers together, a wave's worth per transaction, none held too long.

        Each transaction costs the same however few texts it stores, and the progress callback
        still hears within :data:`SETTLE_WITHIN`.
        """
        if not self.answered or (
            self.in_flight
            and len(self.answered) < self.workers
            and time.monotonic() - self.first_answer < SETTLE_WITHIN
        ):
            return
        batch, self.answered = self.answered, []
        deliveries = self.pipeline._settlement.settle_many(
            self.sending, [(message, answer) for _, message, answer in batch]
        )
        for (index, _, _), delivery in zip(batch, deliveries, strict=True):
            self.on_result(index, delivery)

    def drain(self) -> None:
        """Wait for the calls under way."""
        for _ in range(self.in_flight):
            self.answers.get()
        self.in_flight = 0

    def _take(self, called: _Called) -> None:
        """Keep an answer to store; a worker stopped outright stops this thread too."""
        self.in_flight -= 1
        index, message, answer = called
        if not isinstance(answer, SendReceipt | Exception):
            # Not a carrier's error (hand_over returns those) but the process being stopped
            # (KeyboardInterrupt, SystemExit): the text stays marked, for recovery.
            raise answer
        self.answered.append((index, message, answer))

    def _call(self, index: int, message: Message, outgoing: Outgoing) -> None:
        """Hand one marked text to the carrier, in a worker; what happened reaches the queue."""
        answer: SendReceipt | BaseException
        try:
            answer = self.pipeline._settlement.hand_over(self.sending, message, outgoing)
        except BaseException as err:  # raised in the calling thread by _take
            answer = err
        self.answers.put((index, message, answer))

"""Texting candidates: single and mass sends, reconciliation, threads and history.

Every rule is in the services this class wires together (:mod:`.sending` for the checks and
the store-send-update cycle, :mod:`.mass_send`, :mod:`.reconciliation`, :mod:`.history`, and
:mod:`.allowance` for seats' and accounts' allowances); this is the account's one entry point
to them.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import timedelta

import attrs

from sms_core import inputs
from sms_core.domain import (
    Action,
    MassSendResult,
    Message,
    Page,
    PhoneNumber,
    Recipient,
    SendResult,
    Thread,
)
from sms_core.exceptions import InvalidFieldError
from sms_core.segments import SegmentAnalysis, analyze
from sms_core.services.context import AccountContext
from sms_core.services.history import MessageHistory
from sms_core.services.mass_send import MassTexting, ProgressCallback
from sms_core.services.reconciliation import Reconciler
from sms_core.services.send_checks import (
    Outgoing,
    check_body,
    check_same_request,
    checked_key,
    parse_number,
)
from sms_core.services.sending import SendPipeline

__all__ = ["Messaging"]


@attrs.define
class Messaging:
    """The account's texts: send them, one or many, reconcile them, and read them back."""

    _context: AccountContext
    _pipeline: SendPipeline
    _history: MessageHistory = attrs.field(
        default=attrs.Factory(lambda self: MessageHistory(self._context), takes_self=True)
    )
    #: Whether a text :meth:`send` sends is the user's answer, marking the thread read in
    #: their inbox (:mod:`.inbox`); the scheduled sends' messaging answers nothing.
    _answers: bool = True

    def send(
        self,
        actor_id: str,
        *,
        candidate_id: str | None,
        to: str | PhoneNumber,
        body: str,
        idempotency_key: str | None = None,
    ) -> SendResult:
        """Text a candidate from the actor's line.

        Every rule is checked before anything is stored or sent (see :mod:`.sending`). A call
        with the idempotency key of an earlier call returns that call's result and sends
        nothing; the key must then name the same text. When the earlier call stopped short of
        the carrier's answer (its process died), its text is settled first (see
        :meth:`Reconciler.resolve`): sent now if it never reached the carrier, looked up if it
        may have; a text then known never to have arrived is sent anew. The actor is checked
        before the key is looked up, so a key reveals nothing to someone who may not send.
        Sending answers the thread: the replies in it so far are marked read in the actor's
        inbox (:mod:`.inbox`).

        Args:
            actor_id: The recruiter sending.
            candidate_id: The host's id for the candidate; ``None`` for a number alone.
            to: The candidate's number as typed (US numbers need no ``+1``).
            body: The text; the result reports its encoding and segments.
            idempotency_key: A unique id for this request (at most 160 characters), so a
                retry after a lost answer never sends twice.

        Returns:
            The stored message (``QUEUED`` once the carrier took it; ``UNKNOWN`` when its
            answer was lost, to be reconciled) and the body's segments.

        Raises:
            InvalidPhoneNumberError: When ``to`` is not a valid number.
            IdempotencyKeyError: When the key is blank, too long, or named another text.
            PermissionDeniedError: When the host does not let the actor text.
            UserWithoutLineError: When the actor is on no line.
            UnregisteredLineError: When the actor's line is not registered.
            MessageBodyError: When the body is empty or too long.
            CandidateOptedOutError: When the number opted out.
            ConsentRequiredError: When the account requires consent before a first text and
                the number has no record and no conversation yet.
            QuietHoursError: When it is outside the number's allowed hours; says when not.
            AllowanceExhaustedError: When the seat's or the account's monthly allowance is
                used up.
            ProviderError: When the carrier refused it (stored as ``FAILED`` with its code).
            InvalidFieldError: When an id is not one (too long, unstorable characters) or an
                argument has the wrong type.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.optional_identifier("candidate_id", candidate_id)
        inputs.number("to", to)
        inputs.body("body", body)
        key = checked_key(idempotency_key)
        recipient = parse_number(to)
        # The actor is checked before the key is looked up, so a key tells nothing to
        # someone who may not send.
        self._context.require(actor_id, Action.SEND_MESSAGE, recipients=1)
        earlier = self._pipeline.previous(key)
        if earlier is not None:
            outgoing = Outgoing(
                recipient=recipient,
                candidate_id=candidate_id,
                body=body,
                analysis=analyze(earlier.body),
                idempotency_key=key,
            )
            check_same_request(earlier, actor_id, outgoing)
            # The earlier call may have stopped short of the carrier's answer: settle its
            # text first, so the answer is the truth (it is sent now if it never left).
            resolved, sent_now = self._reconciler().resolve(earlier)
            if self._pipeline.previous(key) is not None:
                return SendResult(
                    message=resolved, segments=outgoing.analysis, duplicate=not sent_now
                )
        delivery, analysis = self._pipeline.send_text(
            actor_id,
            recipient=recipient,
            candidate_id=candidate_id,
            body=body,
            idempotency_key=key,
            answers=self._answers,
        )
        if delivery.error is not None:
            raise delivery.error
        return SendResult(message=delivery.message, segments=analysis, duplicate=delivery.duplicate)

    def check_send(self, actor_id: str, *, to: str | PhoneNumber, body: str) -> SegmentAnalysis:
        """Whether :meth:`send` would take this text, without storing or sending anything.

        The same checks as a send, in the same order (the actor and line, the body, then the
        recipient: own line, opt-out, quiet hours), so a composer can show the refusal before
        the recruiter presses Send. The allowance and the carrier are not consulted.

        Returns:
            The body's encoding and segments.

        Raises:
            InvalidPhoneNumberError: As for :meth:`send`; so do ``PermissionDeniedError``,
                ``UserWithoutLineError``, ``UnregisteredLineError``, ``MessageBodyError``,
                ``CandidateOptedOutError`` and ``QuietHoursError``.
            InvalidFieldError: When an argument has the wrong type.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.number("to", to)
        inputs.body("body", body)
        recipient = parse_number(to)
        sending = self._pipeline.sending_line(actor_id)
        analysis = check_body(sending, body)
        self._pipeline.check_recipient(sending, recipient)
        return analysis

    def body_limit(self, actor_id: str) -> int:
        """The most characters the actor's text may have: the host's limit, capped by the carrier's.

        Raises:
            PermissionDeniedError, UserWithoutLineError, UnregisteredLineError: As for
                :meth:`send`.
        """
        inputs.identifier("actor_id", actor_id)
        return self._pipeline.sending_line(actor_id).max_body_characters

    def mass_text_cap(self) -> int:
        """The most candidates one mass text may reach: the host's cap."""
        return self._context.policy().mass_text_cap

    def send_mass(
        self,
        actor_id: str,
        recipients: Sequence[Recipient],
        body: str,
        *,
        idempotency_key: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> MassSendResult:
        """Text one body to many candidates; see :mod:`.mass_send` for the rules.

        A recipient whose candidate id or number cannot be used is refused on its own line;
        the others are sent.

        Args:
            actor_id: The recruiter sending.
            recipients: The candidates, at most the host's mass-text cap.
            body: The text.
            idempotency_key: A unique id for this request; each recipient's text gets
                ``"{key}:{number}"``, so a retry reaches only those not reached before.
            progress: Called with each recipient's outcome as soon as it is known.

        Returns:
            Every recipient's outcome (sent, refused or failed, with its reason), in order.

        Raises:
            TooManyRecipientsError: Over the host's cap, or none; nothing was sent.
            InvalidFieldError: When ``recipients`` is not a list of :class:`Recipient`, or
                another argument has the wrong type; nothing was sent.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.sequence_of(
            "recipients", recipients, Recipient, "a Recipient(candidate_id=..., number=...)"
        )
        inputs.body("body", body)
        if progress is not None and not callable(progress):
            raise InvalidFieldError.refused(
                field="progress", value=inputs.shown(progress), limit="a callable or None"
            )
        mass_texting = MassTexting(self._pipeline)
        return mass_texting.send(
            actor_id, recipients, body, idempotency_key=idempotency_key, progress=progress
        )

    def check_mass(
        self,
        actor_id: str,
        recipients: Sequence[Recipient],
        body: str,
        *,
        idempotency_key: str | None = None,
    ) -> None:
        """Refuse now what :meth:`send_mass` would refuse whole, without storing or sending.

        For a caller that runs the mass text later or elsewhere (the web UI runs it in the
        background and shows its progress): the same checks, in the same place, so a refusal
        reaches the user at once. Each recipient is checked only by :meth:`send_mass`.

        Raises:
            TooManyRecipientsError: As for :meth:`send_mass`; nothing was stored or sent.
            MessageBodyError: As for :meth:`send_mass`; likewise.
            PermissionDeniedError: As for :meth:`send_mass`; likewise.
            UserWithoutLineError: As for :meth:`send_mass`; likewise.
            UnregisteredLineError: As for :meth:`send_mass`; likewise.
            InvalidFieldError: As for :meth:`send_mass`; likewise.
            IdempotencyKeyError: When the key is malformed (one used before for another
                text is found only by :meth:`send_mass`).
        """
        inputs.identifier("actor_id", actor_id)
        inputs.sequence_of(
            "recipients", recipients, Recipient, "a Recipient(candidate_id=..., number=...)"
        )
        inputs.body("body", body)
        MassTexting(self._pipeline).check(
            actor_id, recipients, body, idempotency_key=idempotency_key
        )

    def reconcile(
        self, *, message_id: str | None = None, stale_after: timedelta | None = None
    ) -> builtins.list[Message]:
        """Settle texts a send left short of the carrier's answer (see :mod:`.reconciliation`).

        Texts whose answer was lost are looked up at the carrier, never sent again; texts a
        stopped process stored but never handed over are sent, once. ``smsadmin serve`` runs
        this for every account in the background (``SmsAdmin.reconcile_messages``).

        Args:
            message_id: Only this message.
            stale_after: Also texts short of a final status unchanged for this long.

        Returns:
            The messages looked at, as they stand now.

        Raises:
            InvalidFieldError: When ``message_id`` cannot be a message id, or ``stale_after``
                is not a ``timedelta`` from 0 to ``MAX_DURATION``.
        """
        inputs.optional_identifier("message_id", message_id, max_length=inputs.MESSAGE_ID_LENGTH)
        if stale_after is not None:
            inputs.duration("stale_after", stale_after)
        return self._reconciler().run(message_id=message_id, stale_after=stale_after)

    def _reconciler(self) -> Reconciler:
        return Reconciler(self._context, self._pipeline)

    def get(self, viewer_id: str, message_id: str) -> Message:
        """One message, for a user the host lets see message history.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            MessageNotFoundError: When the account has no such message.
        """
        inputs.identifier("viewer_id", viewer_id)
        inputs.identifier("message_id", message_id, max_length=inputs.MESSAGE_ID_LENGTH)
        return self._history.get(viewer_id, message_id)

    def thread(
        self,
        viewer_id: str,
        line_number: str | PhoneNumber,
        candidate_number: str | PhoneNumber,
    ) -> builtins.list[Message]:
        """The conversation between a line number and a candidate number, oldest first.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
        """
        inputs.identifier("viewer_id", viewer_id)
        inputs.number("line_number", line_number)
        inputs.number("candidate_number", candidate_number)
        return self._history.thread(viewer_id, line_number, candidate_number)

    def history(self, viewer_id: str, candidate_id: str) -> builtins.list[Thread]:
        """The candidate's threads, most recently active first (the talent profile's view).

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
        """
        inputs.identifier("viewer_id", viewer_id)
        inputs.identifier("candidate_id", candidate_id)
        return self._history.history(viewer_id, candidate_id)

    def thread_page(
        self,
        viewer_id: str,
        line_number: str | PhoneNumber,
        candidate_number: str | PhoneNumber,
        *,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Message]:
        """A page of :meth:`thread`, oldest first; pass ``next_cursor`` back for the next.

        Args:
            limit: The most messages on the page: 1 to ``PAGE_SIZE_MAX``, by default
                ``PAGE_SIZE_DEFAULT`` (:mod:`sms_core.inputs`).
            cursor: The ``next_cursor`` of the previous page; ``None`` for the first.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidFieldError: When ``limit`` is out of range, or another argument is refused.
            InvalidCursorError: When ``cursor`` is not one a page of this thread returned.
        """
        inputs.identifier("viewer_id", viewer_id)
        inputs.number("line_number", line_number)
        inputs.number("candidate_number", candidate_number)
        return self._history.thread_page(
            viewer_id, line_number, candidate_number, limit=limit, cursor=cursor
        )

    def history_page(
        self,
        viewer_id: str,
        candidate_id: str,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        newest_first: bool = False,
    ) -> Page[Message]:
        """A page of the candidate's messages across their threads, oldest first.

        The messages :meth:`history` groups into threads; each says its thread by its numbers.
        ``limit`` and ``cursor`` work as in :meth:`thread_page`. With ``newest_first`` the
        first page is the newest messages, newest first, and ``next_cursor`` leads to older
        ones (the talent profile's panel). The replies on the page are marked read in the
        viewer's inbox (:mod:`.inbox`).

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidFieldError: When ``limit`` is out of range, or another argument is refused.
            InvalidCursorError: When ``cursor`` is not one a page of this history returned.
        """
        inputs.identifier("viewer_id", viewer_id)
        inputs.identifier("candidate_id", candidate_id)
        inputs.flag("newest_first", newest_first)
        return self._history.history_page(
            viewer_id, candidate_id, limit=limit, cursor=cursor, newest_first=newest_first
        )

    def page(
        self, viewer_id: str, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[Message]:
        """A page of all the account's messages, both ways, oldest first.

        ``limit`` and ``cursor`` work as in :meth:`thread_page`.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidFieldError: When ``limit`` is out of range, or ``viewer_id`` is refused.
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
        """
        inputs.identifier("viewer_id", viewer_id)
        return self._history.page(viewer_id, limit=limit, cursor=cursor)

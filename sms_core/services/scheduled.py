# Over 400 lines: every rule of a scheduled send (schedule, cancel, run when due) in one service.
"""Scheduled sends: a text stored now and sent through the send pipeline when it is due.

The rules, in one place:

* **Checked twice.** :meth:`ScheduledSends.schedule` checks every rule the send pipeline
  checks, for the due time: the sender may text from a registered line, the number is valid,
  not the sender's own and not opted out, the body fits, and quiet hours allow the due time
  (``at=NEXT_ALLOWED`` picks the first moment they do). What fails is refused at once and
  nothing is stored. The allowance is not used until the text goes (a new month may refill it).
  When the time comes, the text goes through :meth:`Messaging.send`, so every rule is checked
  again: a candidate who opted out meanwhile is not texted, and the row is ``refused`` with
  the reason. A row scheduled for the next allowed time that a late run finds in quiet hours
  again waits for the next allowed time; one scheduled for a given time is refused.
* **Sent once.** Every row keeps the idempotency key its text is sent with (the caller's, or
  ``scheduled:<id>``). A process that stops after handing the text over leaves the row
  ``claimed``; once the claim expires (:data:`CLAIM_LEASE`) another process takes it again and
  sends with the same key, which finds the text already made (the pipeline's own recovery
  settles it) instead of making a second one.
* **Taken by one process.** :meth:`ScheduledSends.run_due` takes due rows one at a time with
  one conditional ``UPDATE`` (:func:`sms_core.store.scheduled.claim_due`), so however many
  processes run it, each row is taken by one of them. ``smsadmin serve`` runs it for every
  account in the background (:class:`ScheduledSendPoller`); a host's scheduler calls
  ``SmsAdmin.run_scheduled_sends()`` or ``account.scheduled.run_due()`` instead.
* **Cancelled while waiting.** :meth:`ScheduledSends.cancel` is a conditional ``UPDATE`` of a
  ``pending`` row, so it and a process taking the row cannot both win; it is on the audit trail.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, cast

import attrs

from sms_core import inputs
from sms_core.domain import (
    Action,
    AuditAction,
    Page,
    PhoneNumber,
    ScheduleAt,
    ScheduledRunReport,
    ScheduledSend,
    ScheduledState,
)
from sms_core.exceptions import (
    IdempotencyKeyError,
    InvalidFieldError,
    QuietHoursError,
    ScheduledSendNotFoundError,
    ScheduledSendStateError,
    SmsError,
)
from sms_core.services.context import AccountContext
from sms_core.services.messaging import Messaging
from sms_core.services.paging import Listing, page_size
from sms_core.services.schedule_checks import MAX_AHEAD, checked_due, checked_moment, same_request
from sms_core.services.send_checks import check_body, checked_key, parse_number
from sms_core.services.sending import SendPipeline
from sms_core.store import scheduled as scheduled_store

__all__ = ["CLAIM_LEASE", "MAX_AHEAD", "RUN_LIMIT", "ScheduledSends"]

#: How long a process holds a row it took; after that the row is taken again (it stopped).
CLAIM_LEASE = timedelta(minutes=5)
#: The most rows one :meth:`ScheduledSends.run_due` call sends, by default.
RUN_LIMIT = 100

_logger = logging.getLogger(__name__)


@attrs.define
class ScheduledSends:
    """The account's scheduled sends: schedule, list, cancel, and send the due ones."""

    _context: AccountContext
    _pipeline: SendPipeline
    _messages: Messaging

    def schedule(
        self,
        actor_id: str,
        *,
        to: str | PhoneNumber,
        body: str,
        at: datetime | ScheduleAt,
        candidate_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> ScheduledSend:
        """Store a text from the actor's line to be sent at ``at``, every rule checked now.

        Args:
            actor_id: The recruiter sending (it goes from their line, as when they text).
            to: The candidate's number as typed (US numbers need no ``+1``).
            body: The text.
            at: When: an aware ``datetime`` from now up to :data:`MAX_AHEAD` ahead, or
                ``NEXT_ALLOWED`` for the first moment the recipient's quiet hours allow.
            candidate_id: The host's id for the candidate; ``None`` for a number alone.
            idempotency_key: A unique id for this text (at most 160 characters); its text is
                sent with it. A retry with the key returns the scheduled send stored first (as
                it stands now), once the actor is checked, without checking the rest again.

        Returns:
            The scheduled send, ``pending``.

        Raises:
            InvalidFieldError: When ``at`` is naive, past or too far ahead, or an argument
                has the wrong type; nothing was stored.
            InvalidPhoneNumberError: As ``messages.send`` raises it, and so
                ``IdempotencyKeyError``, ``PermissionDeniedError``, ``UserWithoutLineError``,
                ``UnregisteredLineError``, ``MessageBodyError`` and ``CandidateOptedOutError``;
                nothing was stored.
            QuietHoursError: When quiet hours refuse a text at ``at`` (it says the next
                allowed time; or pass ``NEXT_ALLOWED``), or no moment in the next eight days
                is allowed; nothing was stored.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.optional_identifier("candidate_id", candidate_id)
        inputs.number("to", to)
        inputs.body("body", body)
        if not isinstance(at, ScheduleAt):
            at = checked_moment("at", at)
        key = checked_key(idempotency_key)
        recipient = parse_number(to)
        # The actor is checked before the key is looked up, so a key tells nothing to someone
        # who may not send; a retry then gets what the first call stored, whatever changed.
        self._context.require(actor_id, Action.SEND_MESSAGE, recipients=1)
        if key is not None:
            earlier = self._with_key(key)
            if earlier is not None:
                return same_request(
                    earlier,
                    user_id=actor_id,
                    recipient=recipient,
                    candidate_id=candidate_id,
                    body=body,
                )
            if self._pipeline.previous(key) is not None:
                raise IdempotencyKeyError(
                    f"idempotency key {key!r} was used for a text sent already; use a new key "
                    "for a new text"
                )
        sending = self._pipeline.sending_line(actor_id)
        check_body(sending, body)
        now = self._context.now()
        if isinstance(at, ScheduleAt):
            decision = self._pipeline.quiet_hours_decision(sending, recipient, now)
            refusal = decision.refusal(recipient)
            if decision.next_allowed is None and refusal is not None:
                raise refusal
            due = decision.next_allowed or now
        else:
            due = checked_due(at, now)
        self._pipeline.check_recipient(sending, recipient, at=due)
        scheduled_id = self._context.make_id()
        scheduled = ScheduledSend(
            id=scheduled_id,
            account_id=self._context.account.id,
            user_id=actor_id,
            recipient=recipient,
            candidate_id=candidate_id,
            body=body,
            due_at=due,
            when_allowed=isinstance(at, ScheduleAt),
            idempotency_key=key or f"scheduled:{scheduled_id}",
            state=ScheduledState.PENDING,
            created_at=now,
            updated_at=now,
        )
        with self._context.database.transaction() as connection:
            if scheduled_store.insert_scheduled(connection, scheduled):
                return scheduled
        # Another call with the key stored its scheduled send at the same moment.
        stored = self._with_key(scheduled.idempotency_key)
        assert stored is not None, "scheduled sends are never deleted"
        return same_request(
            stored, user_id=actor_id, recipient=recipient, candidate_id=candidate_id, body=body
        )

    def get(self, viewer_id: str, scheduled_id: str) -> ScheduledSend:
        """One scheduled send, as it stands now.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            ScheduledSendNotFoundError: When the account has no such scheduled send.
        """
        inputs.identifier("viewer_id", viewer_id)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        return self._find(scheduled_id)

    def list_page(
        self,
        viewer_id: str,
        *,
        state: ScheduledState | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        user_id: str | None = None,
        candidate_id: str | None = None,
    ) -> Page[ScheduledSend]:
        """A page of the account's scheduled sends, soonest due first; pass ``next_cursor`` back.

        Args:
            viewer_id: The user reading them, whom the host must allow ``Action.VIEW_HISTORY``.
            state: Only those in this state (a cursor of one choice does not continue another).
            limit: The most on the page: 1 to ``PAGE_SIZE_MAX``, by default
                ``PAGE_SIZE_DEFAULT`` (:mod:`sms_core.inputs`).
            cursor: The ``next_cursor`` of the previous page; ``None`` for the first.
            user_id: Only those this user scheduled (a recruiter's own list); ``None`` for
                everyone's. A filter, not a permission: whoever may see message history may
                see every scheduled send.
            candidate_id: Only those for this candidate (the host's id, as given to
                ``schedule``: what a texting panel lists); ``None`` for every candidate's.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidFieldError: When ``limit`` is out of range, ``state`` not a state, or
                ``user_id`` or ``candidate_id`` not an identifier.
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
        """
        inputs.identifier("viewer_id", viewer_id)
        if state is not None and not isinstance(state, ScheduledState):
            raise InvalidFieldError.refused(
                field="state", value=inputs.shown(state), limit="a ScheduledState or None"
            )
        inputs.optional_identifier("user_id", user_id)
        inputs.optional_identifier("candidate_id", candidate_id)
        size = page_size(limit)
        listing = Listing(
            name="scheduled sends",
            # A user's or a candidate's list is its own scope; without either the scope is as
            # it always was, so cursors handed out before stay good.
            scope=(state.value if state else "")
            + (f"|user:{user_id}" if user_id else "")
            + (f"|candidate:{candidate_id}" if candidate_id else ""),
            shape=(datetime, int),
        )
        after = listing.start(cursor)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            found = scheduled_store.scheduled_page(
                connection,
                self._context.account.id,
                state=state,
                after=cast("tuple[datetime, int] | None", after),  # Listing checked its shape
                limit=size + 1,
                user_id=user_id,
                candidate_id=candidate_id,
            )
        return listing.page(found, size)

    def cancel(self, actor_id: str, scheduled_id: str) -> ScheduledSend:
        """Cancel a scheduled send still waiting for its time; it is never sent.

        The user who scheduled it may cancel it while the host lets them text; anyone else
        needs ``Action.MANAGE_NUMBERS`` (an account admin).

        Returns:
            The scheduled send, ``cancelled``.

        Raises:
            PermissionDeniedError: When the actor may not cancel it.
            ScheduledSendNotFoundError: When the account has no such scheduled send.
            ScheduledSendStateError: When it is being sent, was sent, refused or cancelled.
        """
        inputs.identifier("actor_id", actor_id)
        scheduled = self._find(scheduled_id)
        own = scheduled.user_id == actor_id
        actor = self._context.require(
            actor_id, Action.SEND_MESSAGE if own else Action.MANAGE_NUMBERS
        )
        with self._context.database.transaction() as connection:
            account_id = self._context.account.id
            if scheduled_store.cancel(connection, account_id, scheduled_id, self._context.now()):
                cancelled = scheduled_store.get_scheduled(connection, account_id, scheduled_id)
                assert cancelled is not None, "scheduled sends are never deleted"
                self._context.audit(
                    connection,
                    actor=actor,
                    action=AuditAction.CANCEL_SCHEDULED_SEND,
                    target=cancelled.recipient,
                    before={"id": scheduled_id, "user_id": scheduled.user_id, "state": "pending"},
                    after={"state": cancelled.state.value, "due_at": scheduled.due_at.isoformat()},
                )
                return cancelled
            now = scheduled_store.get_scheduled(connection, account_id, scheduled_id)
        assert now is not None, "scheduled sends are never deleted"
        raise ScheduledSendStateError(
            f"scheduled send {scheduled_id} cannot be cancelled: it is {now.state.value}"
            + (f" (message {now.message_id})" if now.message_id else "")
            + "; only a pending one can be",
            scheduled_id=scheduled_id,
            state=now.state.value,
        )

    def run_due(self, now: datetime | None = None, *, limit: int = RUN_LIMIT) -> ScheduledRunReport:
        """Send the scheduled sends due by ``now``, each taken by this process alone.

        Rows are taken one at a time, oldest due first, so several processes share the work;
        each text goes through ``messages.send`` with the row's idempotency key (every rule
        checked again). A host's scheduler may call this as often as it likes.

        Args:
            now: The moment due rows are picked by; the SDK's clock by default. The send
                itself is checked at the clock's time.
            limit: The most rows this call takes (1 to ``LIST_LIMIT_MAX``); the rest wait for
                the next call.

        Returns:
            What happened to each row taken.

        Raises:
            InvalidFieldError: When ``now`` is naive or ``limit`` out of range.
        """
        moment = self._context.now() if now is None else checked_moment("now", now)
        count = inputs.count("limit", limit, minimum=1, maximum=inputs.LIST_LIMIT_MAX, unit="rows")
        claim = uuid.uuid4().hex
        sent: list[ScheduledSend] = []
        refused: list[ScheduledSend] = []
        deferred: list[ScheduledSend] = []
        failed: list[str] = []
        outcomes = {
            ScheduledState.SENT: sent,
            ScheduledState.REFUSED: refused,
            ScheduledState.PENDING: deferred,
        }
        for _ in range(count):
            with self._context.database.transaction() as connection:
                taken = scheduled_store.claim_due(
                    connection,
                    self._context.account.id,
                    claim=claim,
                    now=moment,
                    expires_at=moment + CLAIM_LEASE,
                )
            if taken is None:
                break
            try:
                outcome = self._send(taken, claim)
            except Exception:  # the database failed: the claim expires and the row is retaken
                _logger.exception("sending scheduled send %s failed unexpectedly", taken.id)
                failed.append(taken.id)
                continue
            if outcome is not None:
                outcomes[outcome.state].append(outcome)
        return ScheduledRunReport(
            sent=tuple(sent), refused=tuple(refused), deferred=tuple(deferred), failed=tuple(failed)
        )

    def _send(self, scheduled: ScheduledSend, claim: str) -> ScheduledSend | None:
        """Send a taken row through the pipeline and settle it; ``None`` if it was taken over."""
        now = self._context.now
        try:
            result = self._messages.send(
                scheduled.user_id,
                candidate_id=scheduled.candidate_id,
                to=scheduled.recipient,
                body=scheduled.body,
                idempotency_key=scheduled.idempotency_key,
            )
        except QuietHoursError as err:
            if scheduled.when_allowed and err.next_allowed is not None:
                due = err.next_allowed
                with self._context.database.transaction() as connection:
                    mine = scheduled_store.defer(
                        connection, scheduled.id, claim=claim, due_at=due, now=now()
                    )
                return _evolve(scheduled, mine, state=ScheduledState.PENDING, due_at=due)
            return self._settle(scheduled, claim, refusal=str(err))
        except SmsError as err:
            # A carrier's refusal comes after the text was stored: the row made that text.
            made = self._pipeline.previous(scheduled.idempotency_key)
            if made is not None:
                return self._settle(scheduled, claim, message_id=made.id)
            return self._settle(scheduled, claim, refusal=str(err))
        return self._settle(scheduled, claim, message_id=result.message.id)

    def _settle(
        self,
        scheduled: ScheduledSend,
        claim: str,
        *,
        message_id: str | None = None,
        refusal: str | None = None,
    ) -> ScheduledSend | None:
        state = ScheduledState.SENT if message_id is not None else ScheduledState.REFUSED
        with self._context.database.transaction() as connection:
            mine = scheduled_store.settle(
                connection,
                scheduled.id,
                claim=claim,
                state=state,
                now=self._context.now(),
                message_id=message_id,
                refusal=refusal,
            )
        if not mine:
            _logger.warning("scheduled send %s was taken over before it settled", scheduled.id)
        return _evolve(scheduled, mine, state=state, message_id=message_id, refusal=refusal)

    def _with_key(self, key: str) -> ScheduledSend | None:
        with self._context.database.transaction() as connection:
            return scheduled_store.find_by_key(connection, self._context.account.id, key)

    def _find(self, scheduled_id: str) -> ScheduledSend:
        inputs.identifier("scheduled_id", scheduled_id)
        with self._context.database.transaction() as connection:
            found = scheduled_store.get_scheduled(
                connection, self._context.account.id, scheduled_id
            )
        if found is None:
            raise ScheduledSendNotFoundError(
                f"no scheduled send {scheduled_id!r} in account {self._context.account.id!r}; "
                "list them with scheduled.list_page()"
            )
        return found


def _evolve(scheduled: ScheduledSend, mine: bool, **changes: Any) -> ScheduledSend | None:
    """The row as settled by this process, or ``None`` when another took it over meanwhile."""
    return attrs.evolve(scheduled, **changes) if mine else None

"""Host events: told to plugins after commit, at least once, each with an id to dedupe on.

The rule, in one place:

* a service that changes something a host mirrors (a delivery status, an inbound text, an
  opt-out, a registration step, a line) calls :func:`emit` inside the transaction of the
  change: the event is written to the outbox in that transaction, so a change that rolls back
  leaves no event and a committed change always has one;
* once the transaction commits, the event is delivered (:meth:`HostEventDelivery.deliver`):
  taken with one conditional UPDATE, handed to every implementation of its hook, each on its
  own, and marked delivered. An implementation that raises is logged with ids only (never a
  body or a phone number) and never undoes the change nor keeps the others from hearing;
* an event left undelivered (an implementation raised, or the process stopped between the
  commit and the delivery) is delivered again, to every implementation, by
  :meth:`HostEventDelivery.deliver_due` (``SmsAdmin.deliver_host_events()``, the
  :class:`HostEventPoller` in ``smsadmin serve``, ``smsadmin deliver-events``), after a
  backoff that doubles from :data:`FIRST_RETRY_DELAY` up to :data:`MAX_RETRY_DELAY` and keeps
  retrying at that pace, its last error recorded. A claim older than :data:`CLAIM_LEASE`
  belongs to a process that stopped and is taken over.

So delivery is **at least once**: hosts dedupe on ``event.id``. Order is **not** guaranteed,
not even within an account (an event delivered again arrives after later ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sms_core.domain import (
    DeliveryStatus,
    FailureReason,
    Line,
    Message,
    OptOut,
    PhoneNumber,
    RegistrationState,
    StepStatus,
    User,
)
from sms_core.domain.host_events import (
    HostEvent,
    InboundTextStored,
    LineChange,
    LineChanged,
    MessageStatusChanged,
    OptOutChange,
    OptOutChanged,
    RegistrationStepChanged,
)
from sms_core.services.context import AccountContext
from sms_core.services.host_event_delivery import (
    CLAIM_LEASE,
    FIRST_RETRY_DELAY,
    MAX_RETRY_DELAY,
    HostEventDelivery,
    HostEventPoller,
    HostEventReport,
)
from sms_core.store import Transaction
from sms_core.store import host_events as event_store
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store
from sms_core.store import optouts as optout_store
from sms_core.store import users as user_store
from sms_core.store.database import after_commit

# The delivery moved to its own module; its names stay importable from here.
__all__ = [
    "CLAIM_LEASE",
    "FIRST_RETRY_DELAY",
    "MAX_RETRY_DELAY",
    "HostEventDelivery",
    "HostEventPoller",
    "HostEventReport",
    "emit",
    "first_answers_stored",
    "lift_opt_out",
    "line_changed",
    "record_opt_out",
    "record_status",
    "status_changed",
    "step_changed",
    "text_stored",
]

_E = TypeVar("_E", bound=HostEvent)


def emit(
    context: AccountContext,
    connection: Transaction,
    kind: type[_E],
    **facts: Any,
) -> _E:
    """Write a host event in the transaction of ``connection``, delivered once it commits.

    Args:
        context: The account's :class:`~sms_core.services.context.AccountContext`: it gives
            the event's id, account and time, and the plugins and clock to deliver with.
        connection: The change's transaction (from ``Database.transaction()``).
        kind: The event type.
        facts: The event's own fields (all but ``id``, ``account_id`` and ``occurred_at``).

    Returns:
        The event; it is neither written nor delivered when no plugin implements its hook.
    """
    now = context.now()
    event = kind(id=context.make_id(), account_id=context.account.id, occurred_at=now, **facts)
    if not context.hooks.listens_to(kind):
        return event  # nobody to tell: keep no outbox row
    event_store.insert_event(connection, event, now)
    delivery = HostEventDelivery(
        database=context.database, hooks=context.hooks, clock=context.clock
    )
    account = context.account
    after_commit(connection, lambda: delivery.deliver(account, event))
    return event


def record_status(
    context: AccountContext,
    connection: Transaction,
    message_id: str,
    *,
    status: DeliveryStatus,
    provider_message_id: str | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
    failure_reason: FailureReason | None = None,
    locked: Message | None = None,
) -> bool:
    """Store a status report on a sent text, and emit :class:`MessageStatusChanged` if it moved.

    It is :func:`sms_core.store.messages.record_status` (never backwards; a duplicate changes
    nothing and so emits nothing) plus the event, in the caller's transaction.

    Args:
        locked: The message as the caller read it with ``lock_message`` in this
            transaction, so it is not read again; by default it is read and locked here.

    Returns:
        Whether the status changed.
    """
    account_id = context.account.id
    # Locked, so the status read is the one the update replaces, also beside other writers.
    before = (
        locked
        if locked is not None and locked.id == message_id
        else message_store.lock_message(connection, account_id, message_id)
    )
    # The carrier's id is stored only on a text that has none: the locked row says whether
    # one is there, so a report about a text that has it runs no UPDATE for it.
    if before is not None and before.provider_message_id is not None:
        provider_message_id = None
    changed = message_store.record_status(
        connection,
        account_id,
        message_id,
        status=status,
        now=context.now(),
        provider_message_id=provider_message_id,
        error_code=error_code,
        error_message=error_message,
        failure_reason=failure_reason,
    )
    if changed and before is not None:
        status_changed(
            context,
            connection,
            before,
            status,
            error_code=error_code,
            failure_reason=failure_reason,
        )
    return changed


def status_changed(
    context: AccountContext,
    connection: Transaction,
    before: Message,
    status: DeliveryStatus,
    *,
    error_code: str | None = None,
    failure_reason: FailureReason | None = None,
) -> None:
    """Emit :class:`MessageStatusChanged` for a text stored as ``before`` that is ``status`` now."""
    emit(
        context,
        connection,
        MessageStatusChanged,
        message_id=before.id,
        candidate_id=before.candidate_id,
        line_id=before.line_id,
        line=before.sender,
        candidate=before.recipient,
        old_status=before.status,
        new_status=status,
        error_code=error_code,
        failure_reason=failure_reason,
    )


def record_opt_out(context: AccountContext, connection: Transaction, opt_out: OptOut) -> OptOut:
    """Block a number, and emit :class:`OptOutChanged` when the block is new.

    It is :func:`sms_core.store.optouts.record_opt_out` (an opt-out in force already is kept)
    plus the event, in the caller's transaction.

    Returns:
        The opt-out in force.
    """
    account_id = context.account.id
    if optout_store.insert_opt_out(connection, account_id, opt_out):
        emit(
            context,
            connection,
            OptOutChanged,
            number=opt_out.number,
            change=OptOutChange.RECORDED,
            source=opt_out.source,
            line=opt_out.line,
        )
    return optout_store.in_force(connection, account_id, [opt_out.number])[opt_out.number]


def lift_opt_out(
    context: AccountContext,
    connection: Transaction,
    number: PhoneNumber,
    *,
    by: str | None,
    reason: str,
    line: PhoneNumber | None = None,
) -> OptOut | None:
    """Lift a number's opt-out, and emit :class:`OptOutChanged` when one was lifted.

    It is :func:`sms_core.store.optouts.lift_opt_out` plus the event, in the caller's
    transaction.

    Returns:
        The lifted opt-out, or ``None`` when none was in force.
    """
    lifted = optout_store.lift_opt_out(
        connection, context.account.id, number, at=context.now(), by=by, reason=reason
    )
    if lifted is not None:
        emit(
            context,
            connection,
            OptOutChanged,
            number=number,
            change=OptOutChange.LIFTED,
            source=lifted.source,
            by=by,
            line=line,
        )
    return lifted


def text_stored(
    context: AccountContext, connection: Transaction, message: Message, line: Line
) -> None:
    """Emit :class:`InboundTextStored` for a text just stored on ``line``, with its users."""
    users = user_store.get_users(connection, context.account.id, line.user_ids)
    emit(
        context,
        connection,
        InboundTextStored,
        message=message,
        candidate_id=message.candidate_id,
        line=line,
        users=tuple(users[user_id] for user_id in line.user_ids if user_id in users),
    )


def step_changed(
    context: AccountContext,
    connection: Transaction,
    old_status: StepStatus,
    state: RegistrationState,
) -> None:
    """Emit :class:`RegistrationStepChanged` for a step stored as ``state``, if its status moved."""
    if state.status is old_status:
        return
    emit(
        context,
        connection,
        RegistrationStepChanged,
        step=state.step,
        old_status=old_status,
        new_status=state.status,
        failures=state.failures,
    )


def line_changed(
    context: AccountContext,
    connection: Transaction,
    change: LineChange,
    before: Line,
    *,
    by: User | None,
) -> None:
    """Emit :class:`LineChanged` for ``before``, its users and forwarding read back after it."""
    after = line_store.get_line(connection, context.account.id, before.id)
    if change is LineChange.DEACTIVATED:
        after = None  # released: no users, no forwarding
    emit(
        context,
        connection,
        LineChanged,
        line_id=before.id,
        number=before.number,
        change=change,
        users_before=before.user_ids,
        users_after=() if after is None else after.user_ids,
        forward_to=None if after is None else after.forward_to,
        by=by.id if by is not None else None,
    )


def first_answers_stored(
    context: AccountContext,
    connection: Transaction,
    answers: Sequence[message_store.FirstAnswer],
    *,
    all_applied: bool,
    now: datetime,
) -> None:
    """Emit :class:`MessageStatusChanged` for the answers ``record_first_answers`` stored.

    When not every answer applied, the rows are read back in the same transaction: an answer
    applied when its row holds its status and carrier id with ``updated_at`` at ``now``.
    Nothing is read or built when no plugin listens (a mass text's answers, per wave).
    """
    if not context.hooks.listens_to(MessageStatusChanged):
        return
    for answer in answers:
        if not all_applied:
            stored = message_store.get_message(connection, context.account.id, answer.message.id)
            if stored is None or (stored.status, stored.provider_message_id, stored.updated_at) != (
                answer.status,
                answer.provider_message_id,
                now,
            ):
                continue
        status_changed(context, connection, answer.message, answer.status)

# Over 400 lines: every statement on the messages table, whose status-only-forward and idempotency
# rules share one set of columns.
"""Reading and writing messages, both ways, and their delivery status.

A message's status only moves forward: :func:`record_status` stores a report in one
conditional ``UPDATE`` that changes the status only when the report's
:attr:`~sms_core.domain.DeliveryStatus.rank` is higher than the stored one, so duplicate and
out-of-order reports, from webhooks, the send's own answer and reconciliation alike, can
never move it back. Idempotency keys and carrier ids are unique per account (schema).
"""

from __future__ import annotations

import heapq
import itertools
import operator
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sms_core.domain import AllowanceScope, DeliveryStatus, Direction, FailureReason, Message
from sms_core.store.rows import from_row
from sms_core.store.schema import messages

__all__ = [
    "Charge",
    "FirstAnswer",
    "KeyTaken",
    "MessageKey",
    "account_page",
    "by_seq",
    "candidate_messages",
    "candidate_page",
    "candidate_threads",
    "claim_message",
    "find_by_idempotency_key",
    "find_by_provider_id",
    "get_message",
    "insert_message",
    "insert_messages",
    "last_candidate_id",
    "lock_message",
    "mark_handed",
    "needing_reconciliation",
    "note_unresolved",
    "record_first_answer",
    "record_first_answers",
    "record_status",
    "release_claim",
    "release_idempotency_key",
    "savepoint",
    "take_charge",
    "thread_messages",
    "thread_page",
]

_m = messages.c
# Built once: a mass text stores many rows, and building the statement per row costs more
# than running it.
_INSERT = messages.insert()
_FIRST_ANSWER = (
    messages.update()
    .where(
        _m.account_id == sa.bindparam("b_account_id"),
        _m.id == sa.bindparam("b_id"),
        _m.provider_message_id.is_(None),
        _m.status_rank == sa.bindparam("b_stored_rank"),
        _m.status_rank < sa.bindparam("b_new_rank"),
    )
    .values(
        provider_message_id=sa.bindparam("b_provider_message_id"),
        status=sa.bindparam("b_status"),
        status_rank=sa.bindparam("b_new_rank"),
        updated_at=sa.bindparam("b_now"),
    )
)
_FINAL_RANK = DeliveryStatus.DELIVERED.rank
_MARK_HANDED = (
    messages.update()
    .where(
        _m.account_id == sa.bindparam("b_account_id"),
        _m.id.in_(sa.bindparam("b_ids", expanding=True)),
        _m.handed_at.is_(None),
        _m.status == DeliveryStatus.PENDING.value,
    )
    .values(handed_at=sa.bindparam("b_now"))
    .returning(_m.id)
)

# Statements every status report runs, built once: building them per call cost more CPU than
# running them (benchmarks/webhook_throughput.py).
_BY_ID = messages.select().where(
    _m.account_id == sa.bindparam("b_account_id"), _m.id == sa.bindparam("b_id")
)
_BY_ID_LOCKED = _BY_ID.with_for_update()
_FIRST_CARRIER_ID = (
    messages.update()
    .where(
        _m.account_id == sa.bindparam("b_account_id"),
        _m.id == sa.bindparam("b_id"),
        _m.provider_message_id.is_(None),
    )
    .values(provider_message_id=sa.bindparam("b_provider_message_id"))
)
_STATUS_FORWARD = (
    messages.update()
    .where(
        _m.account_id == sa.bindparam("b_account_id"),
        _m.id == sa.bindparam("b_id"),
        _m.status_rank < sa.bindparam("b_rank"),
    )
    .values(
        status=sa.bindparam("b_status"),
        status_rank=sa.bindparam("b_rank"),
        error_code=sa.bindparam("b_error_code"),
        error_message=sa.bindparam("b_error_message"),
        failure_reason=sa.bindparam("b_failure_reason"),
        updated_at=sa.bindparam("b_now"),
    )
)

# A status report when nothing needs the text as it was (no plugin hears of status changes):
# one UPDATE that moves the status forward and keeps a first carrier id, by the SDK's id or,
# for a report without it, by the carrier's.
_ADVANCE = (
    messages.update()
    .where(
        _m.account_id == sa.bindparam("b_account_id"),
        _m.direction == Direction.OUTBOUND.value,
        _m.status_rank < sa.bindparam("b_rank"),
    )
    .values(
        provider_message_id=sa.func.coalesce(
            _m.provider_message_id, sa.bindparam("b_provider_message_id", type_=sa.String)
        ),
        status=sa.bindparam("b_status"),
        status_rank=sa.bindparam("b_rank"),
        error_code=sa.bindparam("b_error_code"),
        error_message=sa.bindparam("b_error_message"),
        failure_reason=sa.bindparam("b_failure_reason"),
        updated_at=sa.bindparam("b_now"),
    )
)
_ADVANCE_BY_ID = _ADVANCE.where(_m.id == sa.bindparam("b_id"))
_FIRST_CARRIER_ID_OUTBOUND = _FIRST_CARRIER_ID.where(_m.direction == Direction.OUTBOUND.value)
_ADVANCE_BY_CARRIER_ID = _ADVANCE.where(
    _m.provider_message_id == sa.bindparam("b_carrier_id", type_=sa.String)
)


@attrs.frozen(kw_only=True)
class Charge:
    """What a message used of an allowance.

    Attributes:
        scope: Whose allowance: a seat's (``seat_id`` says which) or the account's pool.
        units: How much of it (messages or segments).
        period: The month the units were used in, ``"YYYY-MM"``.
        seat_id: The seat charged, for a seat's allowance.
    """

    scope: AllowanceScope
    units: int
    period: str
    seat_id: str | None = None


class KeyTaken(Exception):  # noqa: N818 - a store signal, not an error shown to anyone
    """Raised by :func:`insert_message` when the account has a message with the same key.

    The services answer it with the earlier message; the write the insert was part of is
    rolled back by leaving its transaction (or :func:`savepoint`) with this exception.
    """


def insert_message(
    connection: sa.Connection,
    message: Message,
    *,
    idempotency_key: str | None = None,
    charge: Charge | None = None,
) -> None:
    """Store a new message.

    Raises:
        KeyTaken: When the account has a message with the same idempotency key (the schema's
            unique constraint decides, so two processes racing with one key store one text).
    """
    try:
        with connection.begin_nested():
            connection.execute(_INSERT, _row(message, idempotency_key, charge))
    except IntegrityError as err:
        if idempotency_key is None:
            raise
        raise KeyTaken(idempotency_key) from err


@contextmanager
def savepoint(connection: sa.Connection) -> Iterator[None]:
    """Writes undone on their own, when the block raises, leaving the transaction usable."""
    with connection.begin_nested():
        yield


def insert_messages(connection: sa.Connection, new: Sequence[Message]) -> None:
    """Store new messages without idempotency keys or charges, in one statement.

    Raises:
        StoreConflict: When one has a carrier id the account already has, as the transaction
            ends.
    """
    if new:
        connection.execute(_INSERT, [_row(message, None, None) for message in new])


def _row(message: Message, idempotency_key: str | None, charge: Charge | None) -> dict[str, Any]:
    outbound = message.direction is Direction.OUTBOUND
    line_number, candidate_number = (
        (message.sender, message.recipient) if outbound else (message.recipient, message.sender)
    )
    return {
        "id": message.id,
        "account_id": message.account_id,
        "line_id": message.line_id,
        "direction": message.direction.value,
        "line_number": line_number.e164,
        "candidate_number": candidate_number.e164,
        "candidate_id": message.candidate_id,
        "user_id": message.user_id,
        "body": message.body,
        "segments": message.segments,
        "keyword": message.keyword,
        "status": message.status.value,
        "status_rank": message.status.rank,
        "provider_message_id": message.provider_message_id,
        "error_code": message.error_code,
        "error_message": message.error_message,
        "failure_reason": message.failure_reason,
        "idempotency_key": idempotency_key,
        "charged_scope": charge.scope.value if charge else None,
        "charged_seat_id": charge.seat_id if charge else None,
        "charged_units": charge.units if charge else 0,
        "charged_period": charge.period if charge else None,
        "created_at": message.created_at,
        "updated_at": message.updated_at,
        "handed_at": message.handed_at,
    }


def get_message(connection: sa.Connection, account_id: str, message_id: str) -> Message | None:
    """The account's message with the SDK's id ``message_id``, if any."""
    key = {"b_account_id": account_id, "b_id": message_id}
    row = connection.execute(_BY_ID, key).mappings().first()
    return _message(row) if row is not None else None


def lock_message(connection: sa.Connection, account_id: str, message_id: str) -> Message | None:
    """The message, its row locked until the transaction ends, so nothing changes it meanwhile.

    On PostgreSQL a concurrent writer of the row waits (``SELECT ... FOR UPDATE``); SQLite's
    write transactions run one at a time already.
    """
    key = {"b_account_id": account_id, "b_id": message_id}
    row = connection.execute(_BY_ID_LOCKED, key).mappings().first()
    return _message(row) if row is not None else None


def find_by_idempotency_key(connection: sa.Connection, account_id: str, key: str) -> Message | None:
    """The account's message sent with idempotency key ``key``, if any."""
    return _one(connection, _m.account_id == account_id, _m.idempotency_key == key)


def find_by_provider_id(
    connection: sa.Connection, account_id: str, provider_message_id: str
) -> Message | None:
    """The account's message with the carrier's id ``provider_message_id``, if any."""
    return _one(
        connection, _m.account_id == account_id, _m.provider_message_id == provider_message_id
    )


def record_status(
    connection: sa.Connection,
    account_id: str,
    message_id: str,
    *,
    status: DeliveryStatus,
    now: datetime,
    provider_message_id: str | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
    failure_reason: FailureReason | None = None,
) -> bool:
    """Store a status report for a message, never moving its status back.

    The carrier's id is kept when the message had none yet. The status, and the error (code,
    words and reason) that comes with it, are stored only when ``status`` ranks above the
    stored status; an equal or lower rank (a duplicate, or a report overtaken by a later one)
    changes nothing else.

    Returns:
        Whether the status changed.
    """
    key = {"b_account_id": account_id, "b_id": message_id}
    if provider_message_id is not None:
        connection.execute(_FIRST_CARRIER_ID, key | {"b_provider_message_id": provider_message_id})
    advanced = connection.execute(
        _STATUS_FORWARD,
        key
        | {
            "b_status": status.value,
            "b_rank": status.rank,
            "b_error_code": error_code,
            "b_error_message": error_message,
            "b_failure_reason": failure_reason,
            "b_now": now,
        },
    )
    return advanced.rowcount == 1


def advance_status(
    connection: sa.Connection,
    account_id: str,
    *,
    message_id: str | None,
    provider_message_id: str | None,
    status: DeliveryStatus,
    now: datetime,
    error_code: str | None = None,
    error_message: str | None = None,
    failure_reason: FailureReason | None = None,
) -> bool:
    """:func:`record_status` for a text found by a report's ids, without reading it first.

    The text is the account's outbound one with the SDK's id ``message_id``, else the one with
    the carrier's id ``provider_message_id`` (as a report names it); a report on neither (an
    unknown or inbound text) changes nothing. Its status moves only forward, as
    :func:`record_status` moves it, and it keeps the carrier's id when it had none. One
    UPDATE when the status moves; a report that moves nothing (a duplicate, one overtaken by
    a later one) looks further so that a first carrier id is still kept.

    Returns:
        Whether the status changed.
    """
    params: dict[str, Any] = {
        "b_account_id": account_id,
        "b_provider_message_id": provider_message_id,
        "b_status": status.value,
        "b_rank": status.rank,
        "b_error_code": error_code,
        "b_error_message": error_message,
        "b_failure_reason": failure_reason,
        "b_now": now,
    }
    by_id = params | {"b_id": message_id}
    if message_id is not None and connection.execute(_ADVANCE_BY_ID, by_id).rowcount == 1:
        return True
    if provider_message_id is None:
        return False
    by_carrier = params | {"b_carrier_id": provider_message_id}
    if connection.execute(_ADVANCE_BY_CARRIER_ID, by_carrier).rowcount == 1:
        return True
    if message_id is not None:  # not moved: still keep a first carrier id
        key = {"b_account_id": account_id, "b_id": message_id}
        connection.execute(
            _FIRST_CARRIER_ID_OUTBOUND, key | {"b_provider_message_id": provider_message_id}
        )
    return False


def note_unresolved(connection: sa.Connection, account_id: str, message_id: str, note: str) -> None:
    """Say on a message still short of a carrier answer why it is (its status stays as it is).

    Only a message whose status is ``PENDING`` or ``UNKNOWN`` takes the note, so a report that
    came meanwhile is never overwritten; ``updated_at`` is left alone, as nothing happened to
    the text itself.
    """
    connection.execute(
        messages.update()
        .where(
            _m.account_id == account_id,
            _m.id == message_id,
            _m.status_rank <= DeliveryStatus.UNKNOWN.rank,
        )
        .values(error_message=note)
    )


def mark_handed(
    connection: sa.Connection, account_id: str, message_ids: Sequence[str], now: datetime
) -> set[str]:
    """Mark PENDING texts as being handed to the carrier, before the carrier call.

    One conditional ``UPDATE`` marks only the texts nobody marked yet, so however many
    processes try, exactly one hands each text over: the one whose mark applied. Committed
    before the carrier is called, the mark tells a text that certainly never left (no mark)
    from one whose fate only the carrier knows.

    Returns:
        The ids this call marked; the caller hands over those and no other.
    """
    if not message_ids:
        return set()
    marked = connection.execute(
        _MARK_HANDED, {"b_account_id": account_id, "b_ids": list(message_ids), "b_now": now}
    )
    return set(marked.scalars())


def claim_message(
    connection: sa.Connection,
    account_id: str,
    message_id: str,
    *,
    claim: str,
    now: datetime,
    stale_before: datetime,
) -> bool:
    """Claim a message for reconciliation, unless another live process holds it.

    A claim taken before ``stale_before`` belongs to a process that stopped and may be taken.

    Returns:
        Whether the claim is this caller's.
    """
    claimed = connection.execute(
        messages.update()
        .where(
            _m.account_id == account_id,
            _m.id == message_id,
            sa.or_(_m.claim.is_(None), _m.claimed_at < stale_before),
        )
        .values(claim=claim, claimed_at=now)
    )
    return claimed.rowcount == 1


def release_claim(connection: sa.Connection, account_id: str, message_id: str, claim: str) -> None:
    """Give up a reconciliation claim (only the holder's own).

    ``claimed_at`` stays: it is when the text was last looked at, so background passes can
    space their lookups (see :func:`needing_reconciliation`).
    """
    connection.execute(
        messages.update()
        .where(_m.account_id == account_id, _m.id == message_id, _m.claim == claim)
        .values(claim=None)
    )


@attrs.frozen(kw_only=True)
class FirstAnswer:
    """The carrier's answer to a send, for :func:`record_first_answers`."""

    message: Message
    status: DeliveryStatus
    provider_message_id: str


def record_first_answer(
    connection: sa.Connection,
    account_id: str,
    message: Message,
    *,
    status: DeliveryStatus,
    provider_message_id: str,
    now: datetime,
) -> bool:
    """Store the carrier's answer to a send in one statement, if the row is still as stored.

    Applies only while the message has no carrier id and is still at its stored status, so a
    report that arrived first is never overwritten.

    Returns:
        Whether it applied; when not, use :func:`record_status`.
    """
    answer = FirstAnswer(message=message, status=status, provider_message_id=provider_message_id)
    applied = connection.execute(_FIRST_ANSWER, _first_answer_params(account_id, answer, now))
    return applied.rowcount == 1


def record_first_answers(
    connection: sa.Connection, account_id: str, answers: Sequence[FirstAnswer], now: datetime
) -> bool:
    """Store several first answers (see :func:`record_first_answer`) in one statement.

    Returns:
        Whether every one applied. When not, some may have: use :func:`record_status` for
        each, which leaves the applied ones as they are.
    """
    if not answers:
        return True
    if not connection.dialect.supports_sane_multi_rowcount:
        applied = [
            connection.execute(_FIRST_ANSWER, _first_answer_params(account_id, answer, now))
            for answer in answers
        ]
        return all(result.rowcount == 1 for result in applied)
    result = connection.execute(
        _FIRST_ANSWER, [_first_answer_params(account_id, answer, now) for answer in answers]
    )
    return result.rowcount == len(answers)


def _first_answer_params(account_id: str, answer: FirstAnswer, now: datetime) -> dict[str, Any]:
    return {
        "b_account_id": account_id,
        "b_id": answer.message.id,
        "b_stored_rank": answer.message.status.rank,
        "b_new_rank": answer.status.rank,
        "b_provider_message_id": answer.provider_message_id,
        "b_status": answer.status.value,
        "b_now": now,
    }


def release_idempotency_key(connection: sa.Connection, account_id: str, message_id: str) -> None:
    """Free the message's idempotency key, so a retry with the key sends anew.

    Used for a send that never reached the carrier for a passing reason (rate limit, outage).
    """
    connection.execute(
        messages.update()
        .where(_m.account_id == account_id, _m.id == message_id)
        .values(idempotency_key=None)
    )


def take_charge(connection: sa.Connection, account_id: str, message_id: str) -> Charge | None:
    """Clear what the message used of an allowance, and return it for a refund.

    Clearing first makes a refund happen once, however many processes try.
    """
    row = (
        connection.execute(
            sa.select(
                _m.charged_scope, _m.charged_seat_id, _m.charged_units, _m.charged_period
            ).where(_m.account_id == account_id, _m.id == message_id, _m.charged_units > 0)
        )
        .mappings()
        .first()
    )
    if row is None or row["charged_period"] is None:
        return None
    # Rows charged before scopes existed have no scope: all of them were seat charges.
    scope = AllowanceScope(row["charged_scope"] or AllowanceScope.SEAT)
    if scope is AllowanceScope.SEAT and row["charged_seat_id"] is None:
        return None
    cleared = connection.execute(
        messages.update()
        .where(_m.account_id == account_id, _m.id == message_id, _m.charged_units > 0)
        .values(charged_units=0)
    )
    if cleared.rowcount != 1:
        return None
    return Charge(
        scope=scope,
        units=row["charged_units"],
        period=row["charged_period"],
        seat_id=row["charged_seat_id"],
    )


#: A message's place in the order of every message list: ``(created_at, seq)``.
MessageKey = tuple[datetime, int]


def thread_messages(
    connection: sa.Connection, account_id: str, line_number: str, candidate_number: str
) -> list[Message]:
    """Every message between a line number and a candidate number, oldest first."""
    found = thread_page(connection, account_id, line_number, candidate_number, after=None)
    return [message for _, message in found]


def thread_page(
    connection: sa.Connection,
    account_id: str,
    line_number: str,
    candidate_number: str,
    *,
    after: MessageKey | None,
    limit: int | None = None,
) -> list[tuple[MessageKey, Message]]:
    """Up to ``limit`` messages of a thread after the place ``after``, oldest first, keyed.

    Read in order from ``ix_messages_thread``, whatever the size of the account.
    """
    return _keyed(
        connection,
        [
            _m.account_id == account_id,
            _m.line_number == line_number,
            _m.candidate_number == candidate_number,
        ],
        after=after,
        limit=limit,
    )


def by_seq(connection: sa.Connection, account_id: str, seqs: Sequence[int]) -> dict[int, Message]:
    """The account's messages whose ``seq`` is one of ``seqs`` (primary-key lookups), by seq."""
    if not seqs:
        return {}
    query = messages.select().where(_m.account_id == account_id, _m.seq.in_(sorted(set(seqs))))
    return {row["seq"]: _message(row) for row in connection.execute(query).mappings()}


def candidate_threads(
    connection: sa.Connection, account_id: str, candidate_id: str
) -> list[tuple[str, str]]:
    """The threads (line number, candidate number) the candidate was texted in.

    Answered from ``ix_messages_candidate`` alone.
    """
    query = (
        sa.select(_m.line_number, _m.candidate_number)
        .where(_m.account_id == account_id, _m.candidate_id == candidate_id)
        .distinct()
    )
    return [(row.line_number, row.candidate_number) for row in connection.execute(query)]


def candidate_messages(
    connection: sa.Connection, account_id: str, candidate_id: str
) -> list[Message]:
    """The candidate's messages, and the unattributed ones in the same threads, oldest first.

    An inbound text is attributed to a candidate only when the line texted them before; one
    that came first (or from a number texted for no known candidate) still belongs to the
    thread, so it is included without an id.
    """
    return [message for _, message in candidate_page(connection, account_id, candidate_id)]


def candidate_page(
    connection: sa.Connection,
    account_id: str,
    candidate_id: str,
    *,
    after: MessageKey | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[tuple[MessageKey, Message]]:
    """Up to ``limit`` of :func:`candidate_messages` after the place ``after``, keyed.

    The candidate's threads come from one index, then each thread's next messages from the
    thread index, merged in order: every read is an index range, so the cost follows the
    candidate's messages, never the account's (a tuple ``IN`` over a subquery let SQLite scan
    the account's messages instead). With ``newest_first`` the list runs the other way (each
    thread's index read backwards), ``after`` being the place the next older page ends at.
    """
    mine = sa.or_(_m.candidate_id == candidate_id, _m.candidate_id.is_(None))
    per_thread = [
        _keyed(
            connection,
            [
                _m.account_id == account_id,
                _m.line_number == line_number,
                _m.candidate_number == candidate_number,
                mine,
            ],
            after=after,
            limit=limit,
            newest_first=newest_first,
        )
        for line_number, candidate_number in candidate_threads(connection, account_id, candidate_id)
    ]
    merged = heapq.merge(*per_thread, key=operator.itemgetter(0), reverse=newest_first)
    return list(itertools.islice(merged, limit))


def account_page(
    connection: sa.Connection,
    account_id: str,
    *,
    after: MessageKey | None = None,
    limit: int | None = None,
) -> list[tuple[MessageKey, Message]]:
    """Up to ``limit`` of the account's messages after the place ``after``, oldest first."""
    return _keyed(connection, [_m.account_id == account_id], after=after, limit=limit)


def last_candidate_id(
    connection: sa.Connection, account_id: str, line_number: str, candidate_number: str
) -> str | None:
    """The candidate the line last texted at ``candidate_number``, if it ever did."""
    candidate: str | None = connection.execute(
        sa.select(_m.candidate_id)
        .where(
            _m.account_id == account_id,
            _m.line_number == line_number,
            _m.candidate_number == candidate_number,
            _m.direction == Direction.OUTBOUND.value,
            _m.candidate_id.is_not(None),
        )
        # The thread index's order, read backwards from the newest.
        .order_by(_m.created_at.desc(), _m.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return candidate


def needing_reconciliation(
    connection: sa.Connection,
    account_id: str,
    *,
    stale_before: datetime | None,
    abandoned_before: datetime | None = None,
    looked_at_before: datetime | None = None,
) -> list[Message]:
    """Outbound messages whose status must be fetched from the carrier, oldest first.

    Args:
        stale_before: Also take every message still short of a final status that has not
            changed since this moment (pending ones included); ``None`` takes only the
            messages whose send's answer was lost (``UNKNOWN``).
        abandoned_before: Also take the ``PENDING`` messages stored (never handed over) or
            handed over before this moment, whose sending process is taken to have stopped.
        looked_at_before: Leave out the messages looked at (claimed) after this moment.
    """
    wanted: sa.ColumnElement[bool] = _m.status == DeliveryStatus.UNKNOWN.value
    if stale_before is not None:
        wanted = sa.or_(wanted, sa.and_(_m.status_rank < _FINAL_RANK, _m.updated_at < stale_before))
    if abandoned_before is not None:
        since = sa.func.coalesce(_m.handed_at, _m.created_at)
        wanted = sa.or_(
            wanted,
            sa.and_(_m.status == DeliveryStatus.PENDING.value, since <= abandoned_before),
        )
    if looked_at_before is not None:
        wanted = sa.and_(wanted, sa.or_(_m.claimed_at.is_(None), _m.claimed_at <= looked_at_before))
    return _many(
        connection,
        _m.account_id == account_id,
        _m.direction == Direction.OUTBOUND.value,
        wanted,
    )


def _keyed(
    connection: sa.Connection,
    conditions: Sequence[sa.ColumnElement[bool]],
    *,
    after: MessageKey | None,
    limit: int | None,
    newest_first: bool = False,
) -> list[tuple[MessageKey, Message]]:
    """Messages in list order (created_at, seq) after the place ``after``, with their places.

    With ``newest_first`` the order is reversed and "after" means older than ``after``.
    """
    query = messages.select().where(*conditions)
    if after is not None:
        at, seq = after
        # The range on created_at lets the index seek; the OR settles ties within an instant.
        if newest_first:
            query = query.where(_m.created_at <= at, sa.or_(_m.created_at < at, _m.seq < seq))
        else:
            query = query.where(_m.created_at >= at, sa.or_(_m.created_at > at, _m.seq > seq))
    if newest_first:
        query = query.order_by(_m.created_at.desc(), _m.seq.desc())
    else:
        query = query.order_by(_m.created_at, _m.seq)
    if limit is not None:
        query = query.limit(limit)
    return [
        ((row["created_at"], row["seq"]), _message(row))
        for row in connection.execute(query).mappings()
    ]


def _one(connection: sa.Connection, *conditions: sa.ColumnElement[bool]) -> Message | None:
    found = _many(connection, *conditions)
    return found[0] if found else None


def _many(connection: sa.Connection, *conditions: sa.ColumnElement[bool]) -> list[Message]:
    query = messages.select().where(*conditions).order_by(_m.created_at, _m.seq)
    return [_message(row) for row in connection.execute(query).mappings()]


def _message(row: sa.RowMapping) -> Message:
    line, candidate = row["line_number"], row["candidate_number"]
    outbound = row["direction"] == Direction.OUTBOUND.value
    sender, recipient = (line, candidate) if outbound else (candidate, line)
    return from_row(row, Message, sender=sender, recipient=recipient)

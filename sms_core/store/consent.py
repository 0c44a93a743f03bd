"""Reading and writing consent records, and the account's setting that requires one.

Records are only ever inserted: a number's consent is its history, newest last. The setting
lives with the account's other policy settings (``policy_settings.consent_required``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime

import sqlalchemy as sa

from sms_core.domain import ConsentRecord, PhoneNumber
from sms_core.store import dialects
from sms_core.store.rows import from_row
from sms_core.store.schema import consent_records, lines, messages, policy_settings

__all__ = [
    "EXPORT_BATCH",
    "consent_history",
    "consent_page",
    "consent_required",
    "insert_consent",
    "iter_consent",
    "numbers_in_conversation",
    "numbers_with_consent",
    "save_consent_required",
]

#: Rows read from the database at a time while :func:`iter_consent` streams.
EXPORT_BATCH = 500

_c = consent_records.c


def insert_consent(connection: sa.Connection, account_id: str, record: ConsentRecord) -> None:
    """Store a consent record (a new row: earlier records of the number stay)."""
    connection.execute(
        consent_records.insert().values(
            id=record.id,
            account_id=account_id,
            number=record.number.e164,
            candidate_id=record.candidate_id,
            source=record.source.value,
            recorded_by=record.recorded_by,
            evidence=record.evidence,
            recorded_at=record.recorded_at,
            line_number=record.line.e164 if record.line else None,
        )
    )


def consent_history(
    connection: sa.Connection, account_id: str, number: PhoneNumber
) -> list[ConsentRecord]:
    """The number's consent records, oldest first (read from ``ix_consent_records_number``)."""
    query = (
        consent_records.select()
        .where(_c.account_id == account_id, _c.number == number.e164)
        .order_by(_c.seq)
    )
    return [_record(row) for row in connection.execute(query).mappings()]


def consent_page(
    connection: sa.Connection, account_id: str, *, after: tuple[int] | None, limit: int
) -> list[tuple[tuple[int], ConsentRecord]]:
    """Up to ``limit`` of the account's records, newest first, after the place ``after``.

    Read in order from ``ix_consent_records_account`` (keyset on ``seq``).
    """
    query = (
        consent_records.select()
        .where(_c.account_id == account_id)
        .order_by(_c.seq.desc())
        .limit(limit)
    )
    if after is not None:
        query = query.where(_c.seq < after[0])
    return [((row["seq"],), _record(row)) for row in connection.execute(query).mappings()]


def numbers_with_consent(
    connection: sa.Connection, account_id: str, numbers: Collection[PhoneNumber]
) -> set[PhoneNumber]:
    """Those of ``numbers`` that have at least one consent record on the account."""
    if not numbers:
        return set()
    query = (
        sa.select(_c.number)
        .where(_c.account_id == account_id, _c.number.in_([n.e164 for n in numbers]))
        .distinct()
    )
    return {PhoneNumber(e164=number) for number in connection.execute(query).scalars()}


def numbers_in_conversation(
    connection: sa.Connection, account_id: str, numbers: Collection[PhoneNumber]
) -> set[PhoneNumber]:
    """Those of ``numbers`` the account has a text with, either way, on any of its lines.

    Lines released since count too: the conversation happened. Read from
    ``ix_messages_thread`` (account, line number, candidate number).
    """
    if not numbers:
        return set()
    account_lines = sa.select(lines.c.number).where(lines.c.account_id == account_id)
    query = (
        sa.select(messages.c.candidate_number)
        .where(
            messages.c.account_id == account_id,
            messages.c.line_number.in_(account_lines),
            messages.c.candidate_number.in_([n.e164 for n in numbers]),
        )
        .distinct()
    )
    return {PhoneNumber(e164=number) for number in connection.execute(query).scalars()}


def iter_consent(
    connection: sa.Connection,
    account_id: str,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[ConsentRecord]:
    """The account's records with ``since <= recorded_at < until``, oldest first, streamed.

    Rows are fetched :data:`EXPORT_BATCH` at a time (a server-side cursor on PostgreSQL), so
    memory stays flat however many there are; ``connection`` must stay open while iterating.
    Read in order from ``ix_consent_records_account_time``.
    """
    query = (
        consent_records.select().where(_c.account_id == account_id).order_by(_c.recorded_at, _c.seq)
    )
    if since is not None:
        query = query.where(_c.recorded_at >= since)
    if until is not None:
        query = query.where(_c.recorded_at < until)
    # Set on the statement, so the caller's connection keeps its own options.
    for row in connection.execute(query.execution_options(yield_per=EXPORT_BATCH)).mappings():
        yield _record(row)


# Built once: every send asks it, and building the statement per call cost more CPU than
# running it (benchmarks/mass_send.py).
_CONSENT_REQUIRED = sa.select(policy_settings.c.consent_required).where(
    policy_settings.c.account_id == sa.bindparam("b_account_id")
)


def consent_required(connection: sa.Connection, account_id: str) -> bool:
    """Whether the account requires a consent record before the first text to a number."""
    required = connection.execute(_CONSENT_REQUIRED, {"b_account_id": account_id}).scalar()
    return bool(required)


def save_consent_required(
    connection: sa.Connection, account_id: str, *, required: bool, at: datetime, by: str
) -> None:
    """Turn the setting on or off, keeping the account's other policy settings."""
    values = {"consent_required": required, "updated_at": at, "updated_by": by}
    statement = dialects.insert(connection, policy_settings).values(account_id=account_id, **values)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["account_id"],
            set_={key: statement.excluded[key] for key in values},
        )
    )


def _record(row: sa.RowMapping) -> ConsentRecord:
    return from_row(row, ConsentRecord, line=row["line_number"])

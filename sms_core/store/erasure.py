"""Erasing a candidate's number and texts from every table that holds them, and the key for it.

An erased opt-out keeps blocking the number as a keyed hash: HMAC-SHA256 of the number in
E.164 form under a secret of the account (``erasure_keys``, 32 random bytes made by the
account's first erasure). A plain SHA-256 of a phone number is no protection, since there are
few enough numbers to hash them all; without the secret the hash tells nothing. The secret is
kept in the database (it must outlive any one process, and hosts share no other store with
the SDK), so it protects exports, backups of single tables and logs, not a copy of the whole
database; one secret per account keeps one agency's hashes from being matched with another's.

Each eraser takes one table's rows that hold the number and returns how many it changed; a
number already erased is found nowhere, so erasing again changes nothing. A table added later
that holds candidate numbers (scheduled sends, consent records) adds its eraser to
:data:`ERASERS`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from sms_core.domain import (
    ERASED_BODY,
    ERASED_NUMBER,
    DeliveryStatus,
    Direction,
    ScheduledState,
)
from sms_core.store import dialects
from sms_core.store.schema import (
    audit_log,
    consent_records,
    erasure_keys,
    host_events,
    inbox_threads,
    messages,
    opt_outs,
    scheduled_sends,
)

__all__ = ["ERASERS", "account_key", "candidate_numbers", "erase_number", "number_hash"]

_m, _o, _a, _e = messages.c, opt_outs.c, audit_log.c, host_events.c
_c, _s = consent_records.c, scheduled_sends.c

#: The note on a text erased before it was ever handed to the carrier (it never will be).
_NEVER_SENT = "erased before it was sent"


def account_key(
    connection: sa.Connection, account_id: str, *, now: datetime | None
) -> bytes | None:
    """The account's erasure key; made (once, whoever races) when ``now`` is given.

    Returns:
        The key, or ``None`` when the account has none and ``now`` is ``None``.
    """
    query = sa.select(erasure_keys.c.secret).where(erasure_keys.c.account_id == account_id)
    found = connection.execute(query).scalar_one_or_none()
    if found is None and now is not None:
        connection.execute(
            dialects.insert(connection, erasure_keys)
            .values(account_id=account_id, secret=secrets.token_hex(32), created_at=now)
            .on_conflict_do_nothing(index_elements=["account_id"])
        )
        found = connection.execute(query).scalar_one()
    return bytes.fromhex(found) if found is not None else None


def number_hash(key: bytes, e164: str) -> str:
    """The keyed hash of a number in E.164 form, as ``opt_outs.number_hash`` holds it."""
    return hmac.new(key, e164.encode("ascii"), hashlib.sha256).hexdigest()


def candidate_numbers(connection: sa.Connection, account_id: str, candidate_id: str) -> list[str]:
    """The numbers the account's messages attribute to the candidate (``ix_messages_candidate``)."""
    query = (
        sa.select(_m.candidate_number)
        .where(_m.account_id == account_id, _m.candidate_id == candidate_id)
        .distinct()
    )
    return sorted(
        number for number in connection.execute(query).scalars() if number != ERASED_NUMBER
    )


def _messages(connection: sa.Connection, account_id: str, e164: str, key: bytes) -> int:
    """Bodies and the number replaced by markers; a text never handed over will never be."""
    theirs = (_m.account_id == account_id, _m.candidate_number == e164)
    connection.execute(
        messages.update()
        .where(
            *theirs,
            _m.direction == Direction.OUTBOUND.value,
            _m.status == DeliveryStatus.PENDING.value,
            _m.handed_at.is_(None),
        )
        .values(
            status=DeliveryStatus.FAILED.value,
            status_rank=DeliveryStatus.FAILED.rank,
            error_message=_NEVER_SENT,
        )
    )
    erased = connection.execute(
        messages.update()
        .where(*theirs)
        .values(
            candidate_number=ERASED_NUMBER,
            body=ERASED_BODY,
            # ``keyword`` stays: the class of the text ("opt_out"), not the candidate's words.
            error_message=sa.func.replace(_m.error_message, e164, ERASED_NUMBER),
        )
    )
    return erased.rowcount


def _opt_outs(connection: sa.Connection, account_id: str, e164: str, key: bytes) -> int:
    """The number kept only as its hash; the marker in its place is unique per row.

    The marker is ``+999`` and the row's ``seq``: the one-in-force index is on the number, so
    two erased opt-outs in force cannot share one marker.
    """
    seqs = connection.execute(
        sa.select(_o.seq).where(_o.account_id == account_id, _o.number == e164)
    ).scalars()
    hashed = number_hash(key, e164)
    count = 0
    for seq in seqs.all():
        connection.execute(
            opt_outs.update()
            .where(_o.seq == seq)
            .values(
                number=f"{ERASED_NUMBER}{seq:011d}",
                number_hash=hashed,
                keyword=sa.case((_o.keyword.is_(None), None), else_=ERASED_BODY),
                lift_reason=sa.func.replace(_o.lift_reason, e164, ERASED_NUMBER),
            )
        )
        count += 1
    return count


def _audit(connection: sa.Connection, account_id: str, e164: str, key: bytes) -> int:
    """Entries about the number name the marker instead, in their target and snapshots."""
    mentions = sa.or_(
        _a.target == e164,
        sa.cast(_a.before, sa.Text).contains(e164, autoescape=True),
        sa.cast(_a.after, sa.Text).contains(e164, autoescape=True),
    )
    rows = connection.execute(
        sa.select(_a.id, _a.target, _a.before, _a.after).where(
            _a.account_id == account_id, mentions
        )
    ).all()
    for row in rows:
        connection.execute(
            audit_log.update()
            .where(_a.id == row.id)
            .values(
                target=ERASED_NUMBER if row.target == e164 else row.target,
                before=_scrubbed(row.before, e164),
                after=_scrubbed(row.after, e164),
            )
        )
    return len(rows)


def _host_events(connection: sa.Connection, account_id: str, e164: str, key: bytes) -> int:
    """Events about the number keep their shape (so they still deliver) with markers in it."""
    rows = connection.execute(
        sa.select(_e.seq, _e.payload).where(
            _e.account_id == account_id,
            sa.cast(_e.payload, sa.Text).contains(e164, autoescape=True),
        )
    ).all()
    for row in rows:
        connection.execute(
            host_events.update()
            .where(_e.seq == row.seq)
            .values(payload=_scrubbed(row.payload, e164))
        )
    return len(rows)


#: The keys of JSON data that hold a candidate's words: a text's body, a consent's evidence.
_WORDS = frozenset({"body", "evidence"})


def _scrubbed(value: Any, e164: str) -> Any:
    """JSON data with the number replaced by the marker, and the candidate's words by theirs."""
    if isinstance(value, str):
        return value.replace(e164, ERASED_NUMBER)
    if isinstance(value, list):
        return [_scrubbed(item, e164) for item in value]
    if isinstance(value, dict):
        return {
            name: ERASED_BODY if name in _WORDS and item is not None else _scrubbed(item, e164)
            for name, item in value.items()
        }
    return value


def _consent(connection: sa.Connection, account_id: str, e164: str, key: bytes) -> int:
    """Consent records keep their source, recorder and time; the number and evidence go."""
    erased = connection.execute(
        consent_records.update()
        .where(_c.account_id == account_id, _c.number == e164)
        .values(number=ERASED_NUMBER, evidence=ERASED_BODY)
    )
    return erased.rowcount


def _scheduled(connection: sa.Connection, account_id: str, e164: str, key: bytes) -> int:
    """Scheduled texts to the number lose it and their words; those still pending are cancelled.

    A pending one would otherwise go out, to nobody, when due; one already claimed by a
    process is left to that process, which holds its text already (and the opt-out the
    erasure records refuses it).
    """
    mine = sa.and_(_s.account_id == account_id, _s.recipient == e164)
    connection.execute(
        scheduled_sends.update()
        .where(mine, _s.state == ScheduledState.PENDING.value)
        .values(state=ScheduledState.CANCELLED.value, refusal="erased at the candidate's request")
    )
    erased = connection.execute(
        scheduled_sends.update().where(mine).values(recipient=ERASED_NUMBER, body=ERASED_BODY)
    )
    return erased.rowcount


def _inbox(connection: sa.Connection, account_id: str, e164: str, key: bytes) -> int:
    """The number's threads leave every inbox: their texts are markers, nobody's replies."""
    erased = connection.execute(
        inbox_threads.delete().where(
            inbox_threads.c.account_id == account_id, inbox_threads.c.candidate_number == e164
        )
    )
    return erased.rowcount


#: Erase one number from one table: (connection, account id, E.164, key) -> rows changed.
Eraser = Callable[[sa.Connection, str, str, bytes], int]

#: Every table that can hold a candidate's number or words, with its eraser.
ERASERS: Mapping[str, Eraser] = {
    "messages": _messages,
    "opt_outs": _opt_outs,
    "audit_log": _audit,
    "host_events": _host_events,
    "consent_records": _consent,
    "scheduled_sends": _scheduled,
    "inbox_threads": _inbox,
}


def erase_number(
    connection: sa.Connection, account_id: str, e164: str, key: bytes
) -> dict[str, int]:
    """Erase ``e164`` from every table of :data:`ERASERS`; rows changed by table."""
    return {table: erase(connection, account_id, e164, key) for table, erase in ERASERS.items()}

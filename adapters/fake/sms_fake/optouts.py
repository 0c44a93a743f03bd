"""Carrier-level opt-out: STOP-type replies block a sender, START-type replies lift the block.

This models Twilio's default keyword handling for long codes: only a reply that is exactly one
keyword counts (``"STOP"``, ``" stop "``, but not ``"STOP PLEASE"``), in any letter case. The
block covers the number that was replied to or, when that number is in a messaging service,
the whole service; later sends from it to the recipient are refused with error 21610. The
keyword text still reaches the account's webhook.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from sms_fake.carrier_time import to_micros
from sms_fake.records import CarrierNumber

__all__ = [
    "HELP_KEYWORDS",
    "OPT_IN_KEYWORDS",
    "OPT_OUT_KEYWORDS",
    "Keyword",
    "block",
    "classify",
    "is_blocked",
    "scope_of",
    "scopes_of",
    "unblock",
]

#: Replies that opt the sender out.
OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
#: Replies that opt the sender back in.
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
#: Replies that ask for help.
HELP_KEYWORDS = frozenset({"HELP", "INFO"})


class Keyword(StrEnum):
    """The carrier's verdict on an inbound keyword, as its webhooks report it."""

    #: An opt-out keyword.
    STOP = "STOP"
    #: An opt-in keyword.
    START = "START"
    #: A help keyword.
    HELP = "HELP"


def classify(body: str) -> Keyword | None:
    """The keyword class of an inbound text, or ``None`` for an ordinary text."""
    word = body.strip().upper()
    if word in OPT_OUT_KEYWORDS:
        return Keyword.STOP
    if word in OPT_IN_KEYWORDS:
        return Keyword.START
    if word in HELP_KEYWORDS:
        return Keyword.HELP
    return None


def scope_of(line: CarrierNumber) -> str:
    """What a STOP to ``line`` blocks: its messaging service, or the number alone."""
    return line.service_sid or line.number.e164


def scopes_of(line: CarrierNumber) -> list[str]:
    """Every scope whose block stops texts from ``line``."""
    return [line.number.e164, line.service_sid] if line.service_sid else [line.number.e164]


def block(
    conn: sqlite3.Connection, account_id: str, scope: str, recipient: str, now: datetime
) -> None:
    """Refuse sends from ``scope`` (a number or a messaging service) to ``recipient``."""
    conn.execute(
        "INSERT OR IGNORE INTO opt_outs (account_id, scope, recipient, created_us) "
        "VALUES (?, ?, ?, ?)",
        (account_id, scope, recipient, to_micros(now)),
    )


def unblock(
    conn: sqlite3.Connection, account_id: str, scopes: Collection[str], recipient: str
) -> None:
    """Lift the blocks ``recipient`` placed on any of ``scopes``."""
    conn.executemany(
        "DELETE FROM opt_outs WHERE account_id = ? AND scope = ? AND recipient = ?",
        [(account_id, scope, recipient) for scope in scopes],
    )


def is_blocked(
    conn: sqlite3.Connection, account_id: str, scopes: Collection[str], recipient: str
) -> bool:
    """Whether ``recipient`` blocked any of ``scopes``."""
    return any(
        conn.execute(
            "SELECT 1 FROM opt_outs WHERE account_id = ? AND scope = ? AND recipient = ?",
            (account_id, scope, recipient),
        ).fetchone()
        is not None
        for scope in scopes
    )

"""The words the admin screens share, so the command line and the web pages say the same thing.

A registration step's cue (icon, words and the seeds' colour), the wording of an audit entry's
change and the names a screen shows for user and seat ids live here once;
:mod:`sms_core.cli.render` draws them with Rich and :mod:`sms_core.web` with its templates.
This module imports neither Typer, Rich nor Starlette, so the web app does not load the command
line, nor the command line the web app; nor the domain at import, since the command line
imports it to list its commands.

A page names only its own ids (:func:`names_of`, and beside it one helper per kind of row:
:func:`audit_names`, :func:`message_names`, :func:`scheduled_names`, :func:`optout_names`,
:func:`consent_names`; one query for users and, where a row can name a seat, one for seats),
so it costs the same however many users and seats the account has.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import attrs

from sms_core.inputs import LIST_LIMIT_MAX

# From the leaf module that defines it (``sms_core.domain`` re-exports it): the command line
# imports this module to list its commands, which must not load the whole domain.
from sms_core.vocabulary import StepStatus

if TYPE_CHECKING:
    from sms_core.domain import AuditEntry, ConsentRecord, Message, OptOut, ScheduledSend
    from sms_core.services import AccountAdmin

__all__ = [
    "NONE",
    "STEP_CUES",
    "StepCue",
    "audit_names",
    "change_text",
    "consent_names",
    "message_names",
    "names_of",
    "optout_names",
    "scheduled_names",
]

#: What a screen shows for a missing value.
NONE = "—"


@attrs.frozen(kw_only=True)
class StepCue:
    """How a registration step's status reads: an icon and words, as well as a colour.

    Attributes:
        icon: One character that tells the status apart without colour.
        words: The status in words.
        colour: The seeds' colour for it: blue in progress, green approved, red failed (yellow
            while a person confirms, grey before the step starts).
    """

    icon: str
    words: str
    colour: str

    @property
    def text(self) -> str:
        """Icon and words together: ``"✔ Approved"``."""
        return f"{self.icon} {self.words}"


#: A registration step's cue, by status.
STEP_CUES: Mapping[StepStatus, StepCue] = {
    StepStatus.NOT_STARTED: StepCue(icon="○", words="Not started", colour="grey"),
    StepStatus.IN_PROGRESS: StepCue(icon="●", words="In progress", colour="blue"),
    StepStatus.CONFIRMING: StepCue(icon="◐", words="Waiting for confirmation", colour="yellow"),
    StepStatus.APPROVED: StepCue(icon="✔", words="Approved", colour="green"),
    StepStatus.FAILED: StepCue(icon="✘", words="Failed", colour="red"),
}


def names_of(account: AccountAdmin, ids: Iterable[str]) -> dict[str, str]:
    """Names to show for those of ``ids`` that are the account's users or seats.

    One query for users and one for seats (per ``LIST_LIMIT_MAX`` ids), reading only the ids
    asked for; an id that is neither is left out, so a screen shows it as it is.
    """
    names: dict[str, str] = {}
    for chunk in _chunks(ids):
        names.update(account.users.names_of(chunk))
        names.update(account.seats.names_of(chunk))
    return names


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    """``ids`` once each, at most ``LIST_LIMIT_MAX`` (what one lookup takes) at a time."""
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), LIST_LIMIT_MAX):
        yield wanted[start : start + LIST_LIMIT_MAX]


def audit_names(account: AccountAdmin, entries: Iterable[AuditEntry]) -> dict[str, str]:
    """Names for what a page of the audit trail shows by id: who acted, on what, and changes.

    Every actor, target and changed value that may be a user's or a seat's id is looked up,
    and only those (:func:`names_of`), so a page costs the same however many users and seats
    the account has.
    """
    return names_of(account, (text for entry in entries for text in _named(entry)))


def message_names(account: AccountAdmin, messages: Iterable[Message]) -> dict[str, str]:
    """Names for who sent ``messages`` (a conversation's page, the inbox's last messages)."""
    return _user_names(account, (message.user_id for message in messages if message.user_id))


def scheduled_names(account: AccountAdmin, rows: Iterable[ScheduledSend]) -> dict[str, str]:
    """Names for who scheduled ``rows``."""
    return _user_names(account, (row.user_id for row in rows))


def optout_names(account: AccountAdmin, optouts: Iterable[OptOut]) -> dict[str, str]:
    """Names for who lifted ``optouts`` (an opt-out still in force names no one)."""
    return _user_names(account, (optout.lifted_by for optout in optouts if optout.lifted_by))


def consent_names(account: AccountAdmin, records: Iterable[ConsentRecord]) -> dict[str, str]:
    """Names for who recorded ``records`` (a keyword's record names no user, and shows as is)."""
    return _user_names(account, (record.recorded_by for record in records))


def _user_names(account: AccountAdmin, ids: Iterable[str]) -> dict[str, str]:
    """Like :func:`names_of` for ids that can only be users': one query, none for seats.

    A user the host removed since is left out, so a screen shows their id.
    """
    names: dict[str, str] = {}
    for chunk in _chunks(ids):
        names.update(account.users.names_of(chunk))
    return names


def _named(entry: AuditEntry) -> Iterator[str]:
    """The texts of ``entry`` a screen shows by name when they are an id (see :func:`_value`)."""
    yield entry.actor_id
    yield entry.target
    for state in (entry.before, entry.after):
        for value in (state or {}).values():
            yield from _texts(value)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif value is not None:
        yield str(value)


def change_text(entry: AuditEntry, names: Mapping[str, str]) -> str:
    """What an audit entry's action changed, one field per line.

    A change reads ``field: before → after``; a creation or removal lists the fields the
    target had, after ``created`` or ``removed``. The target itself is not repeated. A value
    that is a user's or a seat's id shows as its name from ``names``; any other as it is.
    """
    before, after = entry.before, entry.after
    if before is None or after is None:
        state = after if before is None else before
        fields = [
            f"{key}: {_value(value, names)}"
            for key, value in (state or {}).items()
            if value not in (None, []) and value != entry.target
        ]
        return "\n".join(["created" if before is None else "removed", *fields])
    return "\n".join(
        f"{key}: {_value(before.get(key), names)} → {_value(after.get(key), names)}"
        for key in dict.fromkeys([*before, *after])
        if before.get(key) != after.get(key)
    )


def _value(value: object, names: Mapping[str, str]) -> str:
    if value is None or value == []:
        return NONE
    if isinstance(value, list):
        return ", ".join(_value(item, names) for item in value)
    return names.get(str(value), str(value))

"""The words the admin screens share, so the command line and the web pages say the same thing.

A registration step's cue (icon, words and the seeds' colour) and the wording of an audit
entry's change live here once; :mod:`sms_core.cli.render` draws them with Rich and
:mod:`sms_core.web` with its templates. This module imports neither Typer, Rich nor Starlette,
so the web app does not load the command line, nor the command line the web app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from sms_core.domain import StepStatus

if TYPE_CHECKING:
    from sms_core.domain import AuditEntry
    from sms_core.services import AccountAdmin

__all__ = ["NONE", "STEP_CUES", "StepCue", "change_text", "display_names"]

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


def display_names(account: AccountAdmin) -> dict[str, str]:
    """Names to show for the account's user and seat ids."""
    names = {user.id: user.full_name or user.id for user in account.users.list()}
    names.update({summary.seat.id: summary.seat.name for summary in account.seats.list()})
    return names


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

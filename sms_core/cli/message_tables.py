"""Tables for texting: conversations, mass-text outcomes and opt-outs.

A message's status carries a symbol and a word as well as a colour (green delivered, cyan on
its way, yellow unknown, red failed, blue received), so it reads the same with ``NO_COLOR``
set. Bodies and names go into :class:`rich.text.Text`, never into markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

import sms_core
from sms_core.segments import Encoding

if TYPE_CHECKING:
    from sms_core.domain import (
        DeliveryStatus,
        Message,
        OptOut,
        RecipientOutcome,
        RecipientStatus,
        Thread,
    )
    from sms_core.segments import SegmentAnalysis

__all__ = [
    "conversation_title",
    "delivery_cell",
    "messages_table",
    "optouts_table",
    "outcomes_table",
    "segments_text",
    "thread_title",
]

_NONE = "—"

# The cues by the enums' values (a member looks its value up), so that a command group importing
# this module to list its commands loads no domain (issue 14's start-up);
# ``tests/cli/test_cli_startup.py`` checks every member has its cue.
_DELIVERY_CUES: Mapping[DeliveryStatus | str, tuple[str, str]] = {
    "pending": ("… pending", "dim"),
    "unknown": ("? unknown", "yellow"),
    "queued": ("↗ queued", "cyan"),
    "sent": ("↗ sent", "cyan"),
    "delivered": ("✔ delivered", "green"),
    "undelivered": ("✘ undelivered", "red"),
    "failed": ("✘ failed", "red"),
    "canceled": ("✘ canceled", "red"),
    "received": ("↙ received", "blue"),
}

_OUTCOME_CUES: Mapping[RecipientStatus | str, tuple[str, str]] = {
    "sent": ("✔ sent", "green"),
    "refused": ("⊘ refused", "yellow"),
    "failed": ("✘ failed", "red"),
    "pending": ("… pending", "yellow"),
}


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def delivery_cell(status: DeliveryStatus) -> Text:
    """A message's status with its symbol, word and colour."""
    cue, style = _DELIVERY_CUES[status]
    return Text(cue, style=style)


def segments_text(analysis: SegmentAnalysis) -> Text:
    """``GSM-7, 1 segment (42 units)``: how a body is sent."""
    plural = "" if analysis.segments == 1 else "s"
    text = Text(f"{analysis.encoding.value}, {analysis.segments} segment{plural}")
    text.append(
        f" ({analysis.units} {'septets' if analysis.encoding is Encoding.GSM_7 else 'units'})"
    )
    if analysis.non_gsm_characters:
        text.append(f"; UCS-2 because of {' '.join(analysis.non_gsm_characters)}")
    return text


def _error(message: Message) -> Text:
    words = message.failure_text
    return Text(words, style="red") if words else Text("")


def _author(message: Message, names: Mapping[str, str]) -> Text:
    if message.direction is sms_core.Direction.INBOUND:
        return Text("candidate", style="blue")
    if message.user_id is None:
        return Text(_NONE, style="dim")
    return Text(names.get(message.user_id, message.user_id))


def messages_table(messages: Iterable[Message], names: Mapping[str, str], *, title: str) -> Table:
    """Messages oldest first: when, which way, who sent it, the text, its status and error.

    Args:
        messages: The messages, in the order to show.
        names: Display names by user id; unknown ids show as they are.
        title: The table's title.
    """
    table = Table(title=title, title_justify="left")
    table.add_column("When (UTC)", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("By", overflow="fold")
    table.add_column("Text", overflow="fold", ratio=1)
    table.add_column("Status", no_wrap=True)
    table.add_column("Error", overflow="fold")
    for message in messages:
        table.add_row(
            _when(message.created_at),
            "→" if message.direction is sms_core.Direction.OUTBOUND else "←",
            _author(message, names),
            Text(message.body),
            delivery_cell(message.status),
            _error(message),
        )
    return table


def thread_title(thread: Thread) -> str:
    """``+14155550100 ↔ +12065550142``: the line and the candidate of a conversation."""
    return f"{thread.line.e164} ↔ {thread.candidate.e164}"


def conversation_title(message: Message) -> str:
    """The title of the thread ``message`` is in: its line, then its candidate."""
    if message.direction is sms_core.Direction.OUTBOUND:
        return f"{message.sender.e164} ↔ {message.recipient.e164}"
    return f"{message.recipient.e164} ↔ {message.sender.e164}"


def outcomes_table(outcomes: Iterable[RecipientOutcome]) -> Table:
    """A mass text's result: every recipient with sent, refused (and why) or failed."""
    table = Table(title="Mass text", title_justify="left")
    table.add_column("Candidate", overflow="fold")
    table.add_column("Number", no_wrap=True)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Reason", overflow="fold", ratio=1)
    for outcome in outcomes:
        recipient, message = outcome.recipient, outcome.message
        cue, style = _OUTCOME_CUES[outcome.status]
        number = message.recipient.e164 if message is not None else str(recipient.number)
        table.add_row(
            recipient.candidate_id or _NONE,
            number,
            Text(cue, style=style),
            delivery_cell(message.status) if message is not None else Text(_NONE, style="dim"),
            Text(outcome.reason or ""),
        )
    return table


def optouts_table(optouts: Iterable[OptOut], names: Mapping[str, str]) -> Table:
    """Numbers that asked not to be texted: when, how, and whether and why it was lifted."""
    table = Table(title="Opt-outs", title_justify="left")
    table.add_column("Number", no_wrap=True)
    table.add_column("Opted out (UTC)", no_wrap=True)
    table.add_column("How", no_wrap=True)
    table.add_column("Keyword", overflow="fold")
    table.add_column("Line", no_wrap=True)
    table.add_column("Lifted", overflow="fold", ratio=1)
    for optout in optouts:
        table.add_row(
            optout.number.e164,
            _when(optout.opted_out_at),
            optout.source.value,
            Text(optout.keyword) if optout.keyword else Text(_NONE, style="dim"),
            optout.line.e164 if optout.line else _NONE,
            _lifted(optout, names),
        )
    return table


def _lifted(optout: OptOut, names: Mapping[str, str]) -> Text:
    if optout.lifted_at is None:
        return Text("⊘ blocks texts", style="red")
    by = names.get(optout.lifted_by, optout.lifted_by) if optout.lifted_by else "the candidate"
    reason = f": {optout.lift_reason}" if optout.lift_reason else ""
    return Text(f"{_when(optout.lifted_at)} by {by}{reason}", style="green")

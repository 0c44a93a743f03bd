"""``smsadmin send``, ``send-mass``, ``thread`` and ``history``: texting candidates.

The acting user (``--as``) is the recruiter who sends, from their own line.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from sms_core.cli import output, scheduled
from sms_core.cli.message_tables import (
    conversation_title,
    delivery_cell,
    messages_table,
    outcomes_table,
    segments_text,
    thread_title,
)
from sms_core.cli.options import global_options
from sms_core.cli.params import CursorOption, LimitOption
from sms_core.domain import DeliveryStatus, MassSendResult, Recipient, RecipientOutcome, Thread
from sms_core.presentation import message_names
from sms_core.segments import SegmentAnalysis, analyze

if TYPE_CHECKING:
    from sms_core.services import AccountAdmin

__all__ = [
    "history",
    "read_recipients",
    "send",
    "send_mass",
    "send_with_progress",
    "show_segments",
    "thread",
]

BodyOption = Annotated[str, typer.Option("--body", metavar="TEXT", help="The text to send.")]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        metavar="IDEMPOTENCY",
        help="A unique id for this request: running the command again with it sends nothing twice.",
    ),
]


def show_segments(console: Console, analysis: SegmentAnalysis) -> None:
    """How the body goes out, with a warning when it splits into several segments."""
    console.print(Text.assemble("Encoding: ", segments_text(analysis)), soft_wrap=True)
    if analysis.segments > 1:
        console.print(
            Text.assemble(
                ("⚠ Warning: ", "yellow"),
                f"this text splits into {analysis.segments} segments; the carrier bills each "
                "one and some phones show them apart",
            ),
            soft_wrap=True,
        )


def send(
    ctx: typer.Context,
    *,
    to: Annotated[
        str, typer.Option("--to", metavar="NUMBER", help="The candidate's number, e.g. +1206…")
    ],
    body: BodyOption,
    candidate: Annotated[
        str | None, typer.Option("--candidate", metavar="ID", help="The host's candidate id.")
    ] = None,
    key: KeyOption = None,
    at: scheduled.AtOption = None,
    when_allowed: scheduled.WhenAllowedOption = False,
) -> None:
    """Text a candidate from your line (or later, with --at or --when-allowed)."""
    if at is not None or when_allowed:
        scheduled.add(
            ctx,
            to=to,
            body=body,
            at=at,
            when_allowed=when_allowed,
            candidate=candidate,
            key=key,
        )
        return
    options = global_options(ctx)
    actor = options.actor()
    console = output.out_console()
    show_segments(console, analyze(body))
    with options.account() as account:
        result = account.messages.send(
            actor, candidate_id=candidate, to=to, body=body, idempotency_key=key
        )
    message = result.message
    if result.duplicate:
        output.hint(console, f"already sent with key {key!r}: nothing was sent again")
    console.print(
        Text.assemble(f"{message.sender} → {message.recipient}  ", delivery_cell(message.status)),
        soft_wrap=True,
    )
    if message.status is DeliveryStatus.UNKNOWN:
        output.hint(
            console, "the carrier's answer was lost; its status will be fetched, never resent"
        )
    output.success(console, f"Message {message.id}")


def read_recipients(path: Path) -> list[Recipient]:
    """The recipients in a CSV file with a ``candidate_id,number`` header.

    Raises:
        typer.BadParameter: When the file cannot be read or lacks the columns.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise typer.BadParameter(f"cannot read {path}: {err}", param_hint="'--file'") from err
    if not rows or not {"candidate_id", "number"} <= set(rows[0]):
        raise typer.BadParameter(
            f"{path} needs a header line 'candidate_id,number' and one recipient per line",
            param_hint="'--file'",
        )
    return [
        Recipient(candidate_id=(row["candidate_id"] or "").strip() or None, number=row["number"])
        for row in rows
    ]


def send_with_progress(
    console: Console,
    account: AccountAdmin,
    actor: str,
    recipients: list[Recipient],
    body: str,
    *,
    key: str | None = None,
) -> MassSendResult:
    """Send a mass text with a progress bar that moves as each recipient's outcome is known."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("Sending", total=len(recipients))

        def advance(outcome: RecipientOutcome) -> None:
            progress.advance(task)

        return account.messages.send_mass(
            actor, recipients, body, idempotency_key=key, progress=advance
        )


def send_mass(
    ctx: typer.Context,
    body: BodyOption,
    to: Annotated[
        list[str] | None,
        typer.Option("--to", metavar="NUMBER", help="A candidate's number; repeat for each."),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            metavar="CSV",
            help="A CSV file of recipients with a 'candidate_id,number' header.",
        ),
    ] = None,
    key: KeyOption = None,
) -> None:
    """Text many candidates at once; each is checked, sent or refused on its own."""
    if (to is None) == (file is None):
        raise typer.BadParameter("name the recipients with --to or --file (one of them)")
    recipients = (
        read_recipients(file)
        if file is not None
        else [Recipient(candidate_id=None, number=number) for number in to or []]
    )
    options = global_options(ctx)
    actor = options.actor()
    console = output.out_console()
    show_segments(console, analyze(body))
    with options.account() as account:
        result = send_with_progress(console, account, actor, recipients, body, key=key)
    console.print(outcomes_table(result.outcomes))
    summary = f"{result.sent} sent, {result.refused} refused, {result.failed} failed"
    if result.pending:
        summary += f", {result.pending} still being sent by an earlier call"
    output.success(console, summary)


def thread(
    ctx: typer.Context,
    line_number: Annotated[str, typer.Argument(metavar="LINE_NUMBER", help="The line's number.")],
    candidate_number: Annotated[
        str, typer.Argument(metavar="CANDIDATE_NUMBER", help="The candidate's number.")
    ],
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """The conversation between one of your numbers and a candidate's, oldest first."""
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        page = account.messages.thread_page(
            viewer, line_number, candidate_number, limit=limit, cursor=cursor
        )
        names = message_names(account, page.items)
    console = output.out_console()
    messages = list(page.items)
    if not messages:
        output.hint(console, "no messages between these numbers yet")
        return
    console.print(messages_table(messages, names, title=conversation_title(messages[0])))
    output.next_page(console, page.next_cursor)


def history(
    ctx: typer.Context,
    candidate_id: Annotated[
        str, typer.Argument(metavar="CANDIDATE_ID", help="The host's candidate id.")
    ],
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """A candidate's texts: one thread per number pair, with who sent each message.

    A page holds the candidate's texts in order across their threads (--limit of them), shown
    by thread, the most recently active first.
    """
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        page = account.messages.history_page(viewer, candidate_id, limit=limit, cursor=cursor)
        names = message_names(account, page.items)
    console = output.out_console()
    if not page.items:
        output.hint(console, f"no messages with candidate {candidate_id!r} yet")
        return
    for conversation in Thread.group(page.items):
        title = thread_title(conversation)
        console.print(messages_table(conversation.messages, names, title=title))
    output.next_page(console, page.next_cursor)

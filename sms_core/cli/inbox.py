"""``smsadmin inbox``: the candidates who replied to you, unread first to see, and reading them.

The inbox is the acting user's (``--as``): the threads of their line, newest reply first, each
with how many replies they have not read. ``inbox open`` shows a thread and so marks what it
shows read; ``inbox mark-read`` marks a thread read without showing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

import sms_core
from sms_core.cli import output
from sms_core.cli.message_tables import conversation_title, messages_table
from sms_core.cli.options import global_options
from sms_core.cli.params import CursorOption, LimitOption
from sms_core.presentation import message_names

if TYPE_CHECKING:
    from sms_core.domain import InboxThread

__all__ = ["app"]

app = typer.Typer(
    help="Your inbox: candidates' replies on your line, with unread counts, newest first.",
    invoke_without_command=True,
)

UnreadOption = Annotated[
    bool, typer.Option("--unread", help="Only the threads with a reply you have not read.")
]
LineArg = Annotated[str, typer.Argument(metavar="LINE_NUMBER", help="Your line's number.")]
CandidateArg = Annotated[
    str, typer.Argument(metavar="CANDIDATE_NUMBER", help="The candidate's number.")
]


@app.callback()
def inbox(
    ctx: typer.Context,
    unread: UnreadOption = False,
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """Your threads with unread counts (``list`` is the default command)."""
    if ctx.invoked_subcommand is None:
        list_threads(ctx, unread=unread, limit=limit, cursor=cursor)


@app.command("list")
def list_threads(
    ctx: typer.Context,
    unread: UnreadOption = False,
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """Your threads, the newest reply first, each with its unread count (--as you)."""
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        page = account.inbox.threads_page(viewer, unread_only=unread, limit=limit, cursor=cursor)
        total = account.inbox.unread_count(viewer)
        names = message_names(account, (thread.last_message for thread in page.items))
    console = output.out_console()
    console.print(Text(f"{total} unread {'reply' if total == 1 else 'replies'}", style="bold"))
    if page.items:
        console.print(inbox_table(page.items, names))
        output.next_page(console, page.next_cursor)
    else:
        output.hint(console, "no unread replies" if unread else "no candidate has replied yet")


@app.command("open")
def open_thread(
    ctx: typer.Context,
    line_number: LineArg,
    candidate_number: CandidateArg,
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """Show a thread, oldest first, which marks the replies shown read for you."""
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        page = account.messages.thread_page(
            viewer, line_number, candidate_number, limit=limit, cursor=cursor
        )
        left = account.inbox.unread_count(viewer)
        names = message_names(account, page.items)
    console = output.out_console()
    messages = list(page.items)
    if not messages:
        output.hint(console, "no messages between these numbers yet")
        return
    console.print(messages_table(messages, names, title=conversation_title(messages[0])))
    output.next_page(console, page.next_cursor)
    output.success(console, f"read; {left} unread {'reply' if left == 1 else 'replies'} left")


@app.command("mark-read")
def mark_read(ctx: typer.Context, line_number: LineArg, candidate_number: CandidateArg) -> None:
    """Mark every reply in one of your threads read, without showing it."""
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        moved = account.inbox.mark_read(viewer, line_number, candidate_number)
        left = account.inbox.unread_count(viewer)
    console = output.out_console()
    if moved:
        output.success(console, f"marked read; {left} unread {'reply' if left == 1 else 'replies'}")
    else:
        output.hint(console, "nothing was unread in that thread")


def inbox_table(threads: Iterable[InboxThread], names: Mapping[str, str]) -> Table:
    """Threads newest reply first: unread, the numbers, the candidate, and the last message."""
    table = Table(title="Inbox", title_justify="left")
    table.add_column("Unread", justify="right", no_wrap=True)
    table.add_column("Line ↔ candidate", no_wrap=True)
    table.add_column("Candidate", overflow="fold")
    table.add_column("Last message (UTC)", overflow="fold", ratio=1, min_width=20)
    for thread in threads:
        last = thread.last_message
        by = (
            "candidate"
            if last.direction is sms_core.Direction.INBOUND
            else names.get(last.user_id or "", last.user_id or "—")
        )
        when = last.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        table.add_row(
            Text(f"● {thread.unread}", style="bold") if thread.unread else Text("0", style="dim"),
            f"{thread.line.e164} ↔ {thread.candidate.e164}",
            thread.candidate_id or "—",
            Text(f"{when} {by}: ", style="dim").append(Text(last.body, style="")),
        )
    return table

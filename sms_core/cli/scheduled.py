"""``smsadmin scheduled``: texts to send later, listed, cancelled, and sent when due."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

import sms_core
from sms_core.cli import output
from sms_core.cli.options import global_options
from sms_core.cli.params import CursorOption, LimitOption
from sms_core.presentation import scheduled_names

if TYPE_CHECKING:
    from sms_core.domain import ScheduledRunReport, ScheduledSend, ScheduledState

__all__ = ["app", "parse_moment", "scheduled_table"]

app = typer.Typer(
    help="Texts scheduled for later: at a given time, or when quiet hours next allow.",
    invoke_without_command=True,
)

# A scheduled text's colour by its state's value (``ScheduledState``). The states are named by
# their values here, so that ``smsadmin scheduled --help`` loads no domain (issue 14's start-up);
# ``tests/cli/test_cli_startup.py`` checks they are the enum's.
_STYLES = {
    "pending": "cyan",
    "claimed": "yellow",
    "sent": "green",
    "cancelled": "dim",
    "refused": "red",
}

StateOption = Annotated[
    str | None,
    typer.Option(
        "--state",
        metavar=f"<{'|'.join(_STYLES)}>",
        help="Only those in this state.",
        show_default=False,
    ),
]


def _state(value: str | None) -> ScheduledState | None:
    """The ``--state`` given, as a ``ScheduledState`` (any case).

    Raises:
        typer.BadParameter: When it is none of them.
    """
    if value is None:
        return None
    try:
        return sms_core.ScheduledState(value.lower())
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not one of {', '.join(map(repr, _STYLES))}", param_hint="'--state'"
        ) from None


def parse_moment(value: str) -> datetime:
    """A time typed on the command line: ISO 8601 with its UTC offset (or ``Z``).

    Raises:
        typer.BadParameter: When it is not such a time.
    """
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise typer.BadParameter(
            f"{value!r} is not a time with its UTC offset; write it as ISO 8601, e.g. "
            "2026-03-12T09:00-08:00 or 2026-03-12T17:00Z",
            param_hint="'--at'",
        )
    return moment


AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="TIME",
        help="When to send it: ISO 8601 with its offset, e.g. 2026-03-12T09:00-08:00.",
    ),
]
WhenAllowedOption = Annotated[
    bool,
    typer.Option(
        "--when-allowed",
        help="Send it at the first moment the candidate's quiet hours allow (now if they do).",
    ),
]


def when(at: str | None, when_allowed: bool) -> datetime | None:
    """The due time asked for: a parsed ``--at``, or ``None`` for ``--when-allowed``.

    Raises:
        typer.BadParameter: When neither or both are given, or ``--at`` is malformed.
    """
    if (at is None) == (not when_allowed):
        raise typer.BadParameter(
            "give either --at TIME or --when-allowed", param_hint="'--at' / '--when-allowed'"
        )
    return None if at is None else parse_moment(at)


@app.callback()
def scheduled(
    ctx: typer.Context,
    state: StateOption = None,
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """The account's scheduled texts (``list`` is the default command)."""
    if ctx.invoked_subcommand is None:
        list_scheduled(ctx, state=state, limit=limit, cursor=cursor)


@app.command("add")
def add(
    ctx: typer.Context,
    *,
    to: Annotated[
        str, typer.Option("--to", metavar="NUMBER", help="The candidate's number, e.g. +1206…")
    ],
    body: Annotated[str, typer.Option("--body", metavar="TEXT", help="The text to send.")],
    at: AtOption = None,
    when_allowed: WhenAllowedOption = False,
    candidate: Annotated[
        str | None, typer.Option("--candidate", metavar="ID", help="The host's candidate id.")
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key", metavar="KEY", help="An idempotency key: a retry stores nothing new."
        ),
    ] = None,
) -> None:
    """Schedule a text from your line (--as), every rule checked now and again when due."""
    due = when(at, when_allowed)
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        scheduled = account.scheduled.schedule(
            actor,
            to=to,
            body=body,
            at=sms_core.NEXT_ALLOWED if due is None else due,
            candidate_id=candidate,
            idempotency_key=key,
        )
        names = scheduled_names(account, [scheduled])
    console = output.out_console()
    console.print(scheduled_table([scheduled], names))
    output.success(console, f"Scheduled {scheduled.id} for {_when(scheduled.due_at)} UTC")


@app.command("list")
def list_scheduled(
    ctx: typer.Context,
    state: StateOption = None,
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """The account's scheduled texts, soonest due first (--as a viewer)."""
    wanted = _state(state)
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        page = account.scheduled.list_page(viewer, state=wanted, limit=limit, cursor=cursor)
        names = scheduled_names(account, page.items)
    console = output.out_console()
    if page.items:
        console.print(scheduled_table(page.items, names))
        output.next_page(console, page.next_cursor)
    else:
        output.hint(console, "no scheduled texts; schedule one with 'smsadmin scheduled add'")


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    scheduled_id: Annotated[str, typer.Argument(metavar="ID", help="The scheduled text's id.")],
) -> None:
    """Cancel a scheduled text still waiting for its time (yours, or any as an admin)."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        cancelled = account.scheduled.cancel(actor, scheduled_id)
        names = scheduled_names(account, [cancelled])
    console = output.out_console()
    console.print(scheduled_table([cancelled], names))
    output.success(console, f"Cancelled {cancelled.id}: it will not be sent")


@app.command("run-due")
def run_due(ctx: typer.Context) -> None:
    """Send the scheduled texts that are due, once, however many processes run this.

    Every account, or only --account. 'smsadmin serve' does it in the background.
    """
    options = global_options(ctx)
    with options.sdk() as admin:
        if options.account_id is not None:
            report = admin.account(options.account_id).scheduled.run_due()
            reports = {options.account_id: report} if report.count else {}
        else:
            reports = admin.run_scheduled_sends()
        names = {
            account_id: scheduled_names(
                admin.account(account_id), (*report.sent, *report.refused, *report.deferred)
            )
            for account_id, report in reports.items()
        }
    console = output.out_console()
    for account_id, report in sorted(reports.items()):
        rows = (*report.sent, *report.refused, *report.deferred)
        if rows:
            console.print(scheduled_table(rows, names[account_id], title=f"Account {account_id}"))
    output.success(console, _summary(reports.values()))


def scheduled_table(
    rows: Iterable[ScheduledSend],
    names: Mapping[str, str],
    *,
    title: str = "Scheduled texts",
    ids: bool = True,
) -> Table:
    """Scheduled texts: when, to whom, from whom, where each stands and what it made.

    Args:
        rows: The scheduled texts.
        names: Users' names by id (``scheduled_names``); an id without one is shown as is.
        ids: Whether to show the scheduled texts' and their messages' ids (the demo does not:
            they are random, and its story reads the same every time).
    """
    table = Table(title=title, title_justify="left")
    if ids:
        table.add_column("Id", no_wrap=True)
    table.add_column("Due (UTC)", no_wrap=True)
    table.add_column("To", no_wrap=True)
    table.add_column("From", no_wrap=True)
    table.add_column("State", no_wrap=True)
    table.add_column("Text", overflow="fold", ratio=1)
    table.add_column("Outcome", overflow="fold", ratio=1)
    for row in rows:
        due = _when(row.due_at) + (" (when allowed)" if row.when_allowed else "")
        made = f"message {row.message_id}" if ids else "message sent"
        outcome = made if row.message_id else row.refusal or ""
        table.add_row(
            *([row.id] if ids else []),
            due,
            row.recipient.e164,
            names.get(row.user_id, row.user_id),
            Text(row.state.value, style=_STYLES[row.state]),
            Text(row.body),
            Text(outcome),
        )
    return table


def _summary(reports: Iterable[ScheduledRunReport]) -> str:
    listed = list(reports)
    sent = sum(len(report.sent) for report in listed)
    refused = sum(len(report.refused) for report in listed)
    deferred = sum(len(report.deferred) for report in listed)
    failed = sum(len(report.failed) for report in listed)
    if not sent + refused + deferred + failed:
        return "no scheduled text is due"
    return f"{sent} sent, {refused} refused, {deferred} waiting for allowed hours, {failed} failed"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")

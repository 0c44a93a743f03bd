"""``smsadmin optouts``: numbers that asked not to be texted, and lifting a block with a reason."""

from __future__ import annotations

from typing import Annotated

import typer

from sms_core.cli import output
from sms_core.cli.message_tables import optouts_table
from sms_core.cli.options import global_options
from sms_core.cli.params import CursorOption, LimitOption, NumberArg
from sms_core.presentation import optout_names

__all__ = ["app"]

app = typer.Typer(
    help="Opt-outs: numbers blocked on every line of the account (STOP and the like).",
    invoke_without_command=True,
)

AllOption = Annotated[bool, typer.Option("--all", help="Include lifted opt-outs.")]


@app.callback()
def optouts(
    ctx: typer.Context,
    include_lifted: AllOption = False,
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """The opt-outs in force (``list`` is the default command)."""
    if ctx.invoked_subcommand is None:
        list_optouts(ctx, include_lifted=include_lifted, limit=limit, cursor=cursor)


@app.command("list")
def list_optouts(
    ctx: typer.Context,
    include_lifted: AllOption = False,
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """The opt-outs in force, oldest first; with --all, lifted ones too (--as a viewer)."""
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        page = account.optouts.page(
            viewer, include_lifted=include_lifted, limit=limit, cursor=cursor
        )
        names = optout_names(account, page.items)
    console = output.out_console()
    if page.items:
        console.print(optouts_table(list(page.items), names))
        output.next_page(console, page.next_cursor)
    else:
        output.hint(console, "no number has opted out" if not include_lifted else "no opt-outs")


@app.command("lift")
def lift(
    ctx: typer.Context,
    number: NumberArg,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why the number may be texted again, e.g. how consent was given."
        ),
    ],
) -> None:
    """Lift a number's opt-out, recording who, when and why (admins only)."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        lifted = account.optouts.lift(actor, number, reason=reason)
        names = optout_names(account, [lifted])
    console = output.out_console()
    console.print(optouts_table([lifted], names))
    output.success(console, f"{lifted.number} may be texted again")

"""``smsadmin numbers``: search, buy, adopt, share, re-allocate, forward and deactivate numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

import sms_core
from sms_core.cli import adoption, output, prompts, render
from sms_core.cli.options import global_options
from sms_core.cli.params import AcceptTerms, AssumeYes, NumberArg, UserArg

if TYPE_CHECKING:
    from sms_core.domain import AvailableNumber, LineSummary, NumberQuery

__all__ = ["app", "no_offers_hint", "show_offers"]

app = typer.Typer(help="Buy phone numbers and manage who texts from them.", no_args_is_help=True)


def no_offers_hint(query: NumberQuery) -> str:
    """What to try when a search finds nothing (the services' ``no_offers_hint``)."""
    from sms_core.services.numbers import no_offers_hint as hint  # noqa: PLC0415  # lazy SDK

    return hint(query)


def show_offers(console: Console, offers: list[AvailableNumber], query: NumberQuery) -> None:
    """The offers as a table, or the hint when there are none."""
    if offers:
        console.print(render.available_table(offers))
    else:
        output.hint(console, no_offers_hint(query))


def _show(console: Console, summaries: list[LineSummary]) -> None:
    console.print(render.lines_table(summaries))


@app.command("search")
def search(
    ctx: typer.Context,
    *,
    country: Annotated[str, typer.Option(help="Two-letter country code.")] = "US",
    area_code: Annotated[str | None, typer.Option(help="Area code, e.g. 415.")] = None,
    region: Annotated[str | None, typer.Option(help="State or region, e.g. CA or Ontario.")] = None,
    locality: Annotated[
        str | None,
        typer.Option(help="City, e.g. 'San Francisco', at carriers that search by city."),
    ] = None,
    postal_code: Annotated[
        str | None, typer.Option(help="Zip or postal code; often finds nothing, best left out.")
    ] = None,
    contains: Annotated[
        str | None, typer.Option(help="Digits or letters the number contains, e.g. JOBS.")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=100, help="The most numbers to show (1-100).")
    ] = 20,
) -> None:
    """Numbers for sale; an empty answer comes with a hint."""
    options = global_options(ctx)
    actor = options.actor()
    query = sms_core.NumberQuery(
        country=country,
        area_code=area_code,
        region=region,
        locality=locality,
        postal_code=postal_code,
        contains=contains,
        limit=limit,
    )
    with options.account() as account:
        offers = account.numbers.search(actor, query)
    show_offers(output.out_console(), offers, query)


@app.command("purchase")
def purchase(
    ctx: typer.Context,
    number: NumberArg,
    user: Annotated[
        list[str] | None,
        typer.Option(
            "--user", "-u", metavar="USER", help="A user who will text from it; repeat to share."
        ),
    ] = None,
    accept_terms: AcceptTerms = False,
) -> None:
    """Buy a number for one user, or several sharing it."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        accepted = prompts.accept_terms(number, accepted=accept_terms)
        summary = account.numbers.purchase(actor, number, user or [], accept_terms=accepted)
    console = output.out_console()
    _show(console, [summary])
    output.success(console, f"Bought {summary.line.number}")


@app.command("list")
def list_numbers(ctx: typer.Context) -> None:
    """The account's numbers: status, forwarding, users (inactive in red), +N when shared."""
    with global_options(ctx).account() as account:
        summaries = account.numbers.list()
    console = output.out_console()
    if not summaries:
        output.hint(console, "no numbers yet: find one with 'smsadmin numbers search'")
        return
    _show(console, summaries)


@app.command("assign")
def assign(
    ctx: typer.Context,
    number: NumberArg,
    users: Annotated[
        list[str], typer.Argument(metavar="USER...", help="The host's user ids to add.")
    ],
) -> None:
    """Put active users without a line on a number: all of them, or none if one is refused."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        summary = account.numbers.assign_many(actor, number, users)
    console = output.out_console()
    _show(console, [summary])
    output.success(console, f"Assigned {', '.join(users)} to {summary.line.number}")


@app.command("unassign")
def unassign(ctx: typer.Context, number: NumberArg, user: UserArg, yes: AssumeYes = False) -> None:
    """Take a user off a number; the number stays."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        line = account.numbers.get(number).line
        prompts.confirm(f"remove {user} from {line.number}", assume_yes=yes)
        summary = account.numbers.unassign(actor, line.number, user)
    console = output.out_console()
    _show(console, [summary])
    output.success(console, f"Removed {user} from {summary.line.number}")


@app.command("reallocate")
def reallocate(
    ctx: typer.Context,
    number: NumberArg,
    from_user: Annotated[
        str, typer.Option("--from", metavar="USER", help="The user leaving (often inactive).")
    ],
    to_user: Annotated[
        str, typer.Option("--to", metavar="USER", help="The active user taking over.")
    ],
    yes: AssumeYes = False,
) -> None:
    """Move a number from one user to an active one."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        line = account.numbers.get(number).line
        prompts.confirm(f"re-allocate {line.number} from {from_user} to {to_user}", assume_yes=yes)
        summary = account.numbers.reallocate(actor, line.number, from_user, to_user)
    console = output.out_console()
    _show(console, [summary])
    output.success(console, f"Re-allocated {summary.line.number} from {from_user} to {to_user}")


@app.command("forward")
def forward(
    ctx: typer.Context,
    number: NumberArg,
    to: Annotated[
        str | None, typer.Argument(metavar="TO", help="Where voice calls go, e.g. a mobile.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Stop forwarding calls.")] = False,
) -> None:
    """Forward voice calls to the number elsewhere, or stop (--clear)."""
    if (to is not None) == clear:
        raise typer.BadParameter(
            "give either a forwarding number TO or --clear, not both or neither",
            param_hint="'TO'",
        )
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        summary = account.numbers.set_forwarding(actor, number, to)
    console = output.out_console()
    _show(console, [summary])
    target = summary.line.forward_to
    done = f"are forwarded to {target}" if target else "are no longer forwarded"
    output.success(console, f"Calls to {summary.line.number} {done}")


@app.command("deactivate")
def deactivate(ctx: typer.Context, number: NumberArg, yes: AssumeYes = False) -> None:
    """Release a number at the carrier and remove it from the list; its history stays."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        line = account.numbers.get(number).line
        prompts.confirm(f"deactivate {line.number} and give it back to the carrier", assume_yes=yes)
        account.numbers.deactivate(actor, line.number)
        summaries = account.numbers.list()
    console = output.out_console()
    if summaries:
        _show(console, summaries)
    output.success(console, f"Deactivated {line.number}")


app.command("adopt")(adoption.adopt_numbers)

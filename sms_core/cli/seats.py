"""``smsadmin seats``: the "Text Messaging Numbers" page of a seat-based host.

SEAT is a seat's id or its name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

import sms_core
from sms_core.cli import output, prompts, render
from sms_core.cli.numbers import show_offers
from sms_core.cli.options import global_options
from sms_core.cli.params import AcceptTerms, AssumeYes, NumberArg, UserArg

if TYPE_CHECKING:
    from sms_core.domain import SeatSummary
    from sms_core.services import SeatAdmin

__all__ = ["app", "resolve_seat"]

app = typer.Typer(
    help="Seats: a number, up to a few users, and a monthly allowance.", no_args_is_help=True
)

SeatRef = Annotated[str, typer.Argument(metavar="SEAT", help="The seat's id or name.")]


def resolve_seat(seats: SeatAdmin, text: str) -> SeatSummary:
    """The seat whose id, or else whose name, is ``text``.

    Raises:
        SeatNotFoundError: When no seat has that id or name.
    """
    summaries = seats.list()
    found = next((s for s in summaries if s.seat.id == text), None) or next(
        (s for s in summaries if s.seat.name == text), None
    )
    if found is not None:
        return found
    return seats.get(text)  # no seat by either: the service's error names the value


def _show(summaries: list[SeatSummary]) -> None:
    output.out_console().print(render.seats_table(summaries))


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The seat's name, e.g. 'Seat 1'.")],
    allowance: Annotated[
        int | None,
        typer.Option(
            "--allowance",
            min=0,
            max=1_000_000,
            help="Messages per month (up to 1000000); the host's default otherwise.",
        ),
    ] = None,
) -> None:
    """Add a seat."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        seat = account.seats.create(actor, name, monthly_allowance=allowance)
        _show([account.seats.get(seat.id)])
    output.success(output.out_console(), f"Created seat {seat.name!r} ({seat.id})")


@app.command("list")
def list_seats(ctx: typer.Context) -> None:
    """Every seat with its number, users and this month's remaining/total allowance.

    When the host pools the allowance for the whole account, the pool is shown below: it is
    what texts use then, not the seats' own allowances.
    """
    with global_options(ctx).account() as account:
        summaries = account.seats.list()
        pool = account.allowance.pool()
    console = output.out_console()
    if not summaries:
        output.hint(console, "no seats yet: add one with 'smsadmin seats create'")
    else:
        _show(summaries)
    if pool is not None:
        console.print(render.pool_text(pool))


@app.command("auto-assign")
def auto_assign(ctx: typer.Context, seat: SeatRef, accept_terms: AcceptTerms = False) -> None:
    """Buy a random open number for the seat."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        target = resolve_seat(account.seats, seat)
        accepted = prompts.accept_terms(f"a number for {target.seat.name}", accepted=accept_terms)
        summary = account.seats.auto_assign(actor, target.seat.id, accept_terms=accepted)
    _show([summary])
    number = summary.line.number if summary.line else "no number"
    output.success(output.out_console(), f"Seat {summary.seat.name!r} texts from {number}")


@app.command("choose")
def choose(
    ctx: typer.Context,
    seat: SeatRef,
    area_code: Annotated[str, typer.Option("--area-code", help="The area code, e.g. 415.")],
    country: Annotated[str, typer.Option(help="Two-letter country code.")] = "US",
) -> None:
    """Generate numbers in an area code to choose one for the seat."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        target = resolve_seat(account.seats, seat)
        offers = account.seats.generate_numbers(actor, area_code, country=country)
    console = output.out_console()
    show_offers(console, offers, sms_core.NumberQuery(country=country, area_code=area_code))
    if offers:
        output.hint(
            console,
            f"pick one and run: smsadmin seats complete-setup {target.seat.name!r} NUMBER",
        )


@app.command("complete-setup")
def complete_setup(
    ctx: typer.Context,
    seat: SeatRef,
    number: NumberArg,
    accept_terms: AcceptTerms = False,
) -> None:
    """Buy the chosen number for the seat."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        target = resolve_seat(account.seats, seat)
        accepted = prompts.accept_terms(number, accepted=accept_terms)
        summary = account.seats.complete_setup(actor, target.seat.id, number, accept_terms=accepted)
    _show([summary])
    output.success(output.out_console(), f"Seat {summary.seat.name!r} texts from {number}")


@app.command("adopt")
def adopt(ctx: typer.Context, seat: SeatRef, number: NumberArg) -> None:
    """Give the seat a number the account already holds at its carrier, buying nothing.

    'smsadmin numbers adopt' lists the numbers held; adopting points the number's texts and
    calls at the SDK.
    """
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        target = resolve_seat(account.seats, seat)
        summary = account.seats.adopt_number(actor, target.seat.id, number)
    _show([summary])
    output.success(output.out_console(), f"Seat {summary.seat.name!r} texts from {number}")


@app.command("assign")
def assign(
    ctx: typer.Context,
    seat: SeatRef,
    users: Annotated[list[str], typer.Argument(metavar="USER...", help="The users to add.")],
) -> None:
    """Put users on the seat's number."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        target = resolve_seat(account.seats, seat)
        summary = account.seats.assign_users(actor, target.seat.id, users)
    _show([summary])
    output.success(output.out_console(), f"Assigned {', '.join(users)} to {summary.seat.name!r}")


@app.command("remove")
def remove(
    ctx: typer.Context,
    seat: SeatRef,
    user: UserArg,
    yes: AssumeYes = False,
) -> None:
    """Take a user off the seat's number."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        target = resolve_seat(account.seats, seat)
        prompts.confirm(f"remove {user} from seat {target.seat.name!r}", assume_yes=yes)
        summary = account.seats.remove_user(actor, target.seat.id, user)
    _show([summary])
    output.success(output.out_console(), f"Removed {user} from {summary.seat.name!r}")

"""``smsadmin numbers adopt`` and ``smsadmin campaign adopt``: bring in what the carrier holds.

The two commands join the ``numbers`` and ``campaign`` groups (registered there); they live
here so that each group's module stays about its own screen. The SDK is imported inside each
command, as every command does (see :mod:`sms_core.cli`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from sms_core.cli import output, render
from sms_core.cli.options import global_options

if TYPE_CHECKING:
    from sms_core.domain import AdoptableNumber

__all__ = ["adopt_numbers", "adopt_registration", "adoptable_table", "users_by_number"]

_NONE = "—"


def users_by_number(pairs: Iterable[str]) -> dict[str, list[str]]:
    """``NUMBER=USER`` options as each number's users, in the order given.

    Raises:
        typer.BadParameter: When a pair has no ``=`` or an empty side.
    """
    chosen: dict[str, list[str]] = {}
    for pair in pairs:
        number, _, user = pair.partition("=")
        if not number.strip() or not user.strip():
            raise typer.BadParameter(
                f"{pair!r} is not NUMBER=USER; write the number, '=', and the user's id, "
                "such as +14155550100=ann",
                param_hint="--user",
            )
        chosen.setdefault(number.strip(), []).append(user.strip())
    return chosen


def adoptable_table(numbers: Iterable[AdoptableNumber]) -> Table:
    """The numbers held at the carrier that can be adopted, and where they answer now."""
    table = Table(title="Numbers held at the carrier", title_justify="left")
    table.add_column("Number", no_wrap=True)
    table.add_column("Carrier id", overflow="fold")
    table.add_column("Can")
    table.add_column("Texts go to", overflow="fold")
    for adoptable in numbers:
        abilities = adoptable.capabilities
        can = [name for name, able in (("sms", abilities.sms), ("mms", abilities.mms)) if able]
        if abilities.voice:
            can.append("voice")
        target = adoptable.held.settings.sms_url
        where = (
            Text(f"elsewhere: {target}" if target else "nowhere", style="yellow")
            if adoptable.points_elsewhere
            else Text("this SDK", style="green")
        )
        table.add_row(
            adoptable.number.e164, Text(adoptable.held.provider_ref), ", ".join(can), where
        )
    return table


def adopt_numbers(
    ctx: typer.Context,
    numbers: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[NUMBER]...", help="Numbers to adopt; without any, list the adoptable ones."
        ),
    ] = None,
    user: Annotated[
        list[str] | None,
        typer.Option(
            "--user",
            "-u",
            metavar="NUMBER=USER",
            help="A user who will text from an adopted number; repeat for more.",
        ),
    ] = None,
) -> None:
    """List the numbers the account holds at its carrier, or adopt some as lines.

    Adopting points each number's texts and calls at the SDK, as buying it would, without
    buying it; all the numbers given are adopted, or none.
    """
    options = global_options(ctx)
    actor = options.actor()
    chosen = users_by_number(user or [])
    console = output.out_console()
    with options.account() as account:
        if not numbers:
            if chosen:
                raise typer.BadParameter("name the numbers to adopt", param_hint="NUMBER")
            adoptable = account.numbers.adoptable(actor)
            if not adoptable:
                output.hint(
                    console, "the carrier holds no number for this account that is not a line"
                )
                return
            console.print(adoptable_table(adoptable))
            output.hint(console, "adopt with 'smsadmin numbers adopt NUMBER --user NUMBER=USER'")
            return
        lines = account.numbers.adopt(actor, numbers, users=chosen)
    console.print(render.lines_table(lines))
    output.success(console, f"Adopted {', '.join(s.line.number.e164 for s in lines)}")


def adopt_registration(
    ctx: typer.Context,
    brand: Annotated[str, typer.Option(help="The brand's id at the carrier.")],
    campaign: Annotated[str, typer.Option(help="The campaign's id at the carrier.")],
    service: Annotated[str, typer.Option(help="The messaging service's id at the carrier.")],
) -> None:
    """Take over a brand, campaign and messaging service registered at the carrier.

    Each step starts where the carrier says it stands; 'smsadmin campaign sync' keeps it
    current from then on.
    """
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        status = account.registration.adopt(
            actor, brand_id=brand, campaign_id=campaign, service_id=service
        )
    console = output.out_console()
    console.print(render.registration_table(status))
    output.success(console, f"Adopted the registration ({status.overall.words})")

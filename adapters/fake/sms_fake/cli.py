"""``smsadmin sandbox``: steer the sandbox carrier from the command line.

Published in the ``smsadmin.cli`` entry-point group, so ``smsadmin`` has a ``sandbox`` command
whenever sms-core-fake is installed. The commands do what a real carrier would not let anyone
do: move its clock (reviews end, texts get delivered), plan a registration failure (of a step,
or of a number's registration with the mobile carriers), confirm a brand as its person would,
change how long reviews and number registrations take, hold a number or a registration made
outside smsadmin (as in a carrier's console, to try adopting them). They act on the carrier's
state file: ``--state``, else ``SMS_FAKE_STATE``, else the default file the adapter uses.

Listing the commands (``smsadmin sandbox --help``) imports neither the carrier nor the core's
domain: the carrier is imported when a command opens it, and the domain's types are named
through ``sms_core``'s lazy exports (``sms_core.RegistrationStep``), which Typer resolves when
it builds a command, that is when the command runs or shows its own help.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import sms_core
from sms_fake.state import STATE_ENV, default_state_path

if TYPE_CHECKING:
    from sms_fake.carrier import SandboxCarrier

__all__ = ["LONGEST", "app", "parse_duration"]

app = typer.Typer(
    help="Steer the sandbox carrier: move its clock, plan a registration failure.",
    no_args_is_help=True,
)

_PART = re.compile(r"([0-9]+)([dhms])")
_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
#: The longest a duration may be: ten years of carrier time.
LONGEST = timedelta(days=3_650)

AccountOption = Annotated[
    str | None,
    typer.Option(metavar="ID", help="The account; default: smsadmin's --account."),
]
StateOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        metavar="PATH",
        envvar=STATE_ENV,
        show_envvar=True,
        help="The sandbox carrier's state file. Default: the adapter's default file.",
    ),
]


def parse_duration(text: str) -> timedelta:
    """A duration written like ``2h``, ``30m``, ``1d4h`` or ``90s``, of at most :data:`LONGEST`.

    Raises:
        ValueError: When ``text`` is not made of such parts, or is longer than that.
    """
    compact = text.replace(" ", "").lower()
    parts = _PART.findall(compact)
    if not parts or "".join(number + unit for number, unit in parts) != compact:
        raise ValueError(f"{text[:40]!r} is not a duration; write it like 2h, 30m, 1d4h or 90s")
    # Summed in seconds first: timedelta() overflows on a number of days past 999,999,999.
    seconds = sum(int(number) * _SECONDS[unit] for number, unit in parts)
    if seconds > LONGEST.total_seconds():
        raise ValueError(
            f"{text[:40]!r} is longer than the sandbox moves at once ({LONGEST.days} days); "
            "give a shorter duration"
        )
    return timedelta(seconds=seconds)


def _duration(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from err


def _account_id(ctx: typer.Context, account: str | None) -> str:
    """The account a command acts on: its own --account, else smsadmin's."""
    account_id = account or ctx.find_root().params.get("account")
    if not account_id:
        raise typer.BadParameter("name the account with --account ID", param_hint="'--account'")
    return str(account_id)


@contextmanager
def _carrier(state: Path | None) -> Iterator[SandboxCarrier]:
    """The carrier on its state file; a file that cannot be used is a usage error."""
    # The carrier (its store, delivery and webhooks) is imported when a command runs, not for
    # ``smsadmin sandbox --help``.
    from sms_fake.carrier import SandboxCarrier  # noqa: PLC0415

    path = state or default_state_path()
    problem: Exception | None = None
    if "\x00" in str(path):
        problem = ValueError("the path holds a NUL character")
    else:
        try:
            with SandboxCarrier(path) as carrier:
                yield carrier
                return
        except (OSError, sqlite3.Error) as err:
            problem = err
    raise typer.BadParameter(
        f"the sandbox state file {str(path)[:80]!r} cannot be used ({problem}); choose a file "
        "in a folder you can write",
        param_hint="'--state'",
    )


@app.command("advance")
def advance(
    duration: Annotated[str, typer.Argument(metavar="DURATION", help="E.g. 2h, 30m, 1d4h.")],
    state: StateOption = None,
) -> None:
    """Move the carrier's clock forward: reviews end, texts get delivered."""
    delta = _duration(duration)
    with _carrier(state) as carrier:
        now = carrier.advance(delta)
    typer.echo(f"Sandbox carrier time is now {now:%Y-%m-%d %H:%M} UTC (moved {delta}).")


@app.command("fail-next")
def fail_next(
    ctx: typer.Context,
    step: Annotated[
        sms_core.RegistrationStep, typer.Argument(case_sensitive=False, help="The step to fail.")
    ],
    reason: Annotated[str, typer.Argument(help="The carrier's reason, as it would word it.")],
    *,
    code: Annotated[str | None, typer.Option(help="The carrier's error code, e.g. 30893.")] = None,
    field: Annotated[str | None, typer.Option(help="The form field the reason is about.")] = None,
    account: AccountOption = None,
    state: StateOption = None,
) -> None:
    """Make the account's next submission of a step fail when its review ends."""
    account_id = _account_id(ctx, account)
    with _carrier(state) as carrier:
        carrier.fail_next(account_id, step, reason, code=code, field=field)
    typer.echo(f"The next {step.value.replace('_', ' ')} of {account_id!r} will fail: {reason}")


@app.command("confirm")
def confirm(
    ctx: typer.Context,
    brand: Annotated[str, typer.Argument(metavar="BRAND_ID", help="The brand's carrier id (BN…).")],
    *,
    account: AccountOption = None,
    state: StateOption = None,
) -> None:
    """Confirm a brand as its person would: the owner's text reply, the contact's 2FA link."""
    account_id = _account_id(ctx, account)
    with _carrier(state) as carrier:
        confirmed = carrier.confirm_brand(account_id, brand)
    typer.echo(f"Brand {confirmed.sid} of {account_id!r} is confirmed: {confirmed.status}.")


@app.command("hold-number")
def hold_number(
    ctx: typer.Context,
    *,
    area_code: Annotated[str, typer.Option(help="The area code of the number.")] = "415",
    sms_url: Annotated[
        str, typer.Option(help="Where its texts go: the system the agency used before.")
    ] = "https://previous-system.invalid/sms",
    account: AccountOption = None,
    state: StateOption = None,
) -> None:
    """Buy a number outside smsadmin, as in a carrier's console (to try 'numbers adopt')."""
    account_id = _account_id(ctx, account)
    with _carrier(state) as carrier:
        offered = carrier.search_numbers(sms_core.NumberQuery(area_code=area_code, limit=1))
        if not offered:
            raise typer.BadParameter(
                f"the sandbox has no number left in area code {area_code}; try another",
                param_hint="'--area-code'",
            )
        bought = carrier.purchase_number(
            account_id, offered[0].number, sms_core.NumberSettings(sms_url=sms_url)
        )
    typer.echo(f"{account_id!r} now holds {bought.number.e164} ({bought.sid}) at the sandbox.")


@app.command("hold-registration")
def hold_registration(
    ctx: typer.Context, *, account: AccountOption = None, state: StateOption = None
) -> None:
    """Register a brand, campaign and service outside smsadmin, approved (to try adoption)."""
    # The sample forms are test helpers: imported only when this command runs.
    from sms_core.testing.samples import sample_brand, sample_campaign  # noqa: PLC0415

    account_id = _account_id(ctx, account)
    with _carrier(state) as carrier:
        brand = carrier.submit_brand(account_id, sample_brand())
        carrier.complete_review(account_id, brand.sid)
        campaign = carrier.submit_campaign(account_id, brand.sid, sample_campaign())
        carrier.complete_review(account_id, campaign.sid)
        service = carrier.submit_messaging_service(account_id, campaign.sid)
        carrier.complete_review(account_id, service.sid)
    typer.echo(f"brand {brand.sid} campaign {campaign.sid} service {service.sid}")


@app.command("review-time")
def review_time(
    step: Annotated[
        sms_core.RegistrationStep, typer.Argument(case_sensitive=False, help="The step reviewed.")
    ],
    duration: Annotated[
        str | None,
        typer.Argument(metavar="[DURATION]", help="The new review time; shown when left out."),
    ] = None,
    state: StateOption = None,
) -> None:
    """Show or set how long the carrier's reviews of a step take, in carrier time."""
    with _carrier(state) as carrier:
        if duration is not None:
            carrier.set_review_duration(step, _duration(duration))
        current = carrier.review_duration(step)
    typer.echo(f"Reviews of the {step.value.replace('_', ' ')} take {current}.")


@app.command("fail-next-number")
def fail_next_number(
    ctx: typer.Context,
    reason: Annotated[str, typer.Argument(help="The carrier's reason, as it would word it.")],
    *,
    code: Annotated[str, typer.Option(help="The carrier's error code.")] = "30126",
    account: AccountOption = None,
    state: StateOption = None,
) -> None:
    """Make the registration of the account's next attached number fail."""
    account_id = _account_id(ctx, account)
    with _carrier(state) as carrier:
        carrier.fail_next_number_registration(account_id, reason, code=code)
    typer.echo(f"The next number {account_id!r} attaches will fail to register: {reason}")


@app.command("number-registration-time")
def number_registration_time(
    duration: Annotated[
        str | None,
        typer.Argument(metavar="[DURATION]", help="The new time; shown when left out."),
    ] = None,
    state: StateOption = None,
) -> None:
    """Show or set how long registering a number with the carriers takes, in carrier time."""
    with _carrier(state) as carrier:
        if duration is not None:
            carrier.set_number_registration_duration(_duration(duration))
        current = carrier.number_registration_duration()
    typer.echo(f"Registering a number with the carriers takes {current}.")

"""``smsadmin accounts``: the agencies in the database and their carriers."""

from __future__ import annotations

from typing import Annotated

import typer

from sms_core.cli import output, render
from sms_core.cli.options import global_options
from sms_core.cli.params import CursorOption, LimitOption

__all__ = ["app", "parse_settings"]

app = typer.Typer(help="Create, change and list accounts (agencies).", no_args_is_help=True)


def parse_settings(pairs: list[str]) -> dict[str, str]:
    """``key=value`` texts as a mapping.

    Raises:
        typer.BadParameter: When a text has no ``=`` or an empty key.
    """
    settings = {}
    for pair in pairs:
        key, sign, value = pair.partition("=")
        if not sign or not key.strip():
            raise typer.BadParameter(
                f"{pair!r} is not a setting: write it as key=value, e.g. state_path=/tmp/carrier",
                param_hint="'--setting'",
            )
        settings[key.strip()] = value.strip()
    return settings


@app.command("create")
def create(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(metavar="ID", help="The host's id for the agency.")],
    name: Annotated[str, typer.Option("--name", help="The agency's display name.")],
    provider: Annotated[
        str, typer.Option("--provider", help="The carrier adapter's name, e.g. fake.")
    ],
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--setting",
            metavar="KEY=VALUE",
            help="A non-secret carrier setting; repeat for more. Secrets stay in the environment.",
        ),
    ] = None,
) -> None:
    """Add an agency with its carrier."""
    settings = parse_settings(setting or [])
    with global_options(ctx).sdk() as sdk:
        admin = sdk.create_account(
            account_id, name=name, provider=provider, provider_settings=settings
        )
    console = output.out_console()
    console.print(render.accounts_table([admin.account]))
    output.success(console, f"Created account {account_id!r} on carrier {provider!r}")


@app.command("update")
def update(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(metavar="ID", help="The account to change.")],
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--setting",
            metavar="KEY=VALUE",
            help="A non-secret carrier setting to set; repeat for more.",
        ),
    ] = None,
    unset: Annotated[
        list[str] | None,
        typer.Option("--unset", metavar="KEY", help="A carrier setting to remove; repeat."),
    ] = None,
) -> None:
    """Change an agency's carrier settings; the carrier checks them, nothing changes on refusal."""
    settings = parse_settings(setting or [])
    if not settings and not unset:
        raise typer.BadParameter(
            "nothing to change: give --setting KEY=VALUE or --unset KEY",
            param_hint="'--setting' / '--unset'",
        )
    with global_options(ctx).sdk() as sdk:
        account = sdk.update_account_settings(account_id, settings=settings, unset=unset or ())
    console = output.out_console()
    console.print(render.accounts_table([account]))
    output.success(console, f"Updated the carrier settings of account {account_id!r}")


@app.command("list")
def list_accounts(
    ctx: typer.Context, limit: LimitOption = None, cursor: CursorOption = None
) -> None:
    """Every account, by id."""
    with global_options(ctx).sdk() as sdk:
        page = sdk.accounts_page(limit=limit, cursor=cursor)
    console = output.out_console()
    if not page.items:
        output.hint(console, "no accounts yet: add one with 'smsadmin accounts create'")
        return
    console.print(render.accounts_table(list(page.items)))
    output.next_page(console, page.next_cursor)

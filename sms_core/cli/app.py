"""The ``smsadmin`` command tree and its global options."""

from __future__ import annotations

from typing import Annotated

import typer

from sms_core.cli import accounts, numbers, seats, users
from sms_core.cli.audit import audit
from sms_core.cli.demo import demo
from sms_core.cli.errors import ReportingGroup
from sms_core.cli.options import ACCOUNT_ENV, ACTOR_ENV, HOST_ENV, GlobalOptions
from sms_core.store.engine import DATABASE_URL_ENV

__all__ = ["app", "main"]

app = typer.Typer(
    name="smsadmin",
    cls=ReportingGroup,
    help="Administer business texting: accounts, users, numbers, seats and the audit trail.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(accounts.app, name="accounts")
app.add_typer(users.app, name="users")
app.add_typer(numbers.app, name="numbers")
app.add_typer(seats.app, name="seats")
app.command("audit")(audit)
app.command("demo")(demo)


@app.callback()
def configure(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            metavar="URL",
            envvar=DATABASE_URL_ENV,
            show_envvar=True,
            help="SQLAlchemy database URL. Default: a SQLite file in the user's data folder.",
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            metavar="NAME",
            envvar=HOST_ENV,
            show_envvar=True,
            help="The host plugin to activate, e.g. hcm_widget or ats_seats. Default: none, "
            "the core defaults apply.",
        ),
    ] = None,
    account: Annotated[
        str | None,
        typer.Option(
            "--account", metavar="ID", envvar=ACCOUNT_ENV, show_envvar=True, help="The account."
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USER",
            envvar=ACTOR_ENV,
            show_envvar=True,
            help="The user performing admin actions.",
        ),
    ] = None,
) -> None:
    """Administer business texting from the command line."""
    ctx.obj = GlobalOptions(database_url=database, host=host, account_id=account, actor_id=actor)


def main() -> None:
    """Run ``smsadmin`` (the console script)."""
    app()

"""The ``smsadmin`` command tree and its global options."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Annotated

import typer

from sms_core.cli import accounts, campaign, numbers, optouts, policy, seats, users
from sms_core.cli.allowance import allowance
from sms_core.cli.audit import audit
from sms_core.cli.demo import demo
from sms_core.cli.errors import ReportingGroup
from sms_core.cli.host_events import deliver_events
from sms_core.cli.messages import history, send, send_mass, thread
from sms_core.cli.options import ACCOUNT_ENV, ACTOR_ENV, HOST_ENV, GlobalOptions
from sms_core.cli.plugins import plugins
from sms_core.cli.reconcile import reconcile
from sms_core.cli.serve import serve
from sms_core.exceptions import ConfigurationError
from sms_core.store.engine import DATABASE_URL_ENV

__all__ = ["CLI_ENTRY_POINT_GROUP", "app", "main"]

#: The entry-point group through which an installed plugin adds a command group: the entry
#: point's name is the command (``sandbox``), its object a :class:`typer.Typer`.
CLI_ENTRY_POINT_GROUP = "smsadmin.cli"

app = typer.Typer(
    name="smsadmin",
    cls=ReportingGroup,
    help="Administer business texting: accounts, users, numbers, seats, campaign registration, "
    "texting, opt-outs, the webhook app, the audit trail and the installed plugins.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(accounts.app, name="accounts")
app.add_typer(users.app, name="users")
app.add_typer(numbers.app, name="numbers")
app.add_typer(seats.app, name="seats")
app.command("allowance")(allowance)
app.add_typer(policy.app, name="policy")
app.add_typer(campaign.app, name="campaign")
app.command("send")(send)
app.command("send-mass")(send_mass)
app.command("thread")(thread)
app.command("history")(history)
app.add_typer(optouts.app, name="optouts")
app.command("reconcile")(reconcile)
app.command("deliver-events")(deliver_events)
app.command("serve")(serve)
app.command("audit")(audit)
app.command("demo")(demo)
app.command("plugins")(plugins)


def _add_plugin_commands(group: typer.Typer) -> None:
    """Add the command groups installed plugins publish (e.g. the sandbox carrier's)."""
    for entry_point in entry_points(group=CLI_ENTRY_POINT_GROUP):
        commands = entry_point.load()
        if not isinstance(commands, typer.Typer):
            raise ConfigurationError(
                f"the {CLI_ENTRY_POINT_GROUP!r} entry point {entry_point.name!r} "
                f"({entry_point.value}) is not a typer.Typer; fix or uninstall its plugin"
            )
        group.add_typer(commands, name=entry_point.name)


_add_plugin_commands(app)


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
    # A program running the commands in-process may pass options of its own (a clock, plugin
    # objects) as obj.
    embedded = ctx.obj if isinstance(ctx.obj, GlobalOptions) else GlobalOptions()
    ctx.obj = GlobalOptions(
        database_url=database,
        host=host,
        account_id=account,
        actor_id=actor,
        clock=embedded.clock,
        plugins=embedded.plugins,
    )


def main() -> None:
    """Run ``smsadmin`` (the console script)."""
    app()

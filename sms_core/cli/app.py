"""The ``smsadmin`` command tree and its global options.

The commands are listed in :data:`COMMANDS` and the plugins' entry points, and each is imported
when it runs (see :mod:`sms_core.cli` for why and how).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sms_core.cli.lazy import Deferred, LazyGroup
from sms_core.cli.options import ACCOUNT_ENV, ACTOR_ENV, DATABASE_URL_ENV, HOST_ENV, GlobalOptions

__all__ = ["CLI_ENTRY_POINT_GROUP", "COMMANDS", "SmsadminGroup", "app", "main"]

#: The entry-point group through which an installed plugin adds a command group: the entry
#: point's name is the command (``sandbox``), its object a :class:`typer.Typer`.
CLI_ENTRY_POINT_GROUP = "smsadmin.cli"

#: The built-in commands in the order ``smsadmin --help`` lists them, each imported when it is
#: run (see :mod:`sms_core.cli`).
COMMANDS: tuple[Deferred, ...] = (
    Deferred(
        name="allowance",
        target="sms_core.cli.allowance:allowance",
        help="The account's monthly allowance: per seat, one pool for the account, or none.",
    ),
    Deferred(
        name="send",
        target="sms_core.cli.messages:send",
        help="Text a candidate from your line (or later, with --at or --when-allowed).",
    ),
    Deferred(
        name="send-mass",
        target="sms_core.cli.messages:send_mass",
        help="Text many candidates at once; each is checked, sent or refused on its own.",
    ),
    Deferred(
        name="thread",
        target="sms_core.cli.messages:thread",
        help="The conversation between one of your numbers and a candidate's, oldest first.",
    ),
    Deferred(
        name="history",
        target="sms_core.cli.messages:history",
        help="A candidate's texts: one thread per number pair, with who sent each message.",
    ),
    Deferred(
        name="scheduled",
        target="sms_core.cli.scheduled:app",
        help="Texts scheduled for later: at a given time, or when quiet hours next allow.",
    ),
    Deferred(
        name="inbox",
        target="sms_core.cli.inbox:app",
        help="Your inbox: candidates' replies on your line, with unread counts, newest first.",
    ),
    Deferred(
        name="reconcile",
        target="sms_core.cli.reconcile:reconcile",
        help="Settle texts whose send stopped short of the carrier's answer, once.",
    ),
    Deferred(
        name="deliver-events",
        target="sms_core.cli.host_events:deliver_events",
        help="Deliver the host events left undelivered, once.",
    ),
    Deferred(
        name="serve",
        target="sms_core.cli.serve:serve",
        help="Take carriers' webhooks, and serve the web UI under /web (Ctrl+C stops).",
    ),
    Deferred(
        name="web",
        target="sms_core.cli.web:app",
        help="The web UI: sign-in links for its users.",
    ),
    Deferred(
        name="audit",
        target="sms_core.cli.audit:audit",
        help="The audit trail, newest first: who, what, when, before → after.",
    ),
    Deferred(
        name="export",
        target="sms_core.cli.records:export",
        help="Write the account's records for a date range as CSV or JSON Lines (admins only).",
    ),
    Deferred(
        name="erase",
        target="sms_core.cli.records:erase",
        help="Erase a candidate's texts and number for good; the number stays blocked.",
    ),
    Deferred(
        name="demo",
        target="sms_core.cli.demo:demo",
        help="Tell the story on the sandbox carrier: numbers, seats, registration, texting.",
    ),
    Deferred(
        name="plugins",
        target="sms_core.cli.plugins:plugins",
        help="The installed carriers and hosts: distribution, version, capabilities and policy.",
    ),
    Deferred(
        name="accounts",
        target="sms_core.cli.accounts:app",
        help="Create, change and list accounts (agencies).",
    ),
    Deferred(
        name="users",
        target="sms_core.cli.users:app",
        help="Sync, list and (de)activate the host's users.",
    ),
    Deferred(
        name="numbers",
        target="sms_core.cli.numbers:app",
        help="Buy phone numbers and manage who texts from them.",
    ),
    Deferred(
        name="seats",
        target="sms_core.cli.seats:app",
        help="Seats: a number, up to a few users, and a monthly allowance.",
    ),
    Deferred(
        name="policy",
        target="sms_core.cli.policy:app",
        help="The privacy policy and terms & conditions URLs that pre-fill campaign registration.",
    ),
    Deferred(
        name="campaign",
        target="sms_core.cli.campaign:app",
        help="Register the 10DLC brand and campaign, follow the review, troubleshoot failures.",
    ),
    Deferred(
        name="optouts",
        target="sms_core.cli.optouts:app",
        help="Opt-outs: numbers blocked on every line of the account (STOP and the like).",
    ),
    Deferred(
        name="consent",
        target="sms_core.cli.consent:app",
        help="Consent records: how and when candidates agreed to texts, beside their opt-outs.",
    ),
    Deferred(
        name="templates",
        target="sms_core.cli.templates:app",
        help="Templates: saved texts with merge fields, and sending one to many candidates.",
    ),
)


def plugin_commands() -> list[Deferred]:
    """The command groups installed plugins publish (e.g. the sandbox carrier's), not imported.

    Until one is run, ``--help`` lists it with its distribution's summary.
    """
    from importlib.metadata import entry_points  # noqa: PLC0415 - only when a command runs

    found = []
    for entry_point in entry_points(group=CLI_ENTRY_POINT_GROUP):
        summary = entry_point.dist.metadata["Summary"] if entry_point.dist else None
        found.append(
            Deferred(
                name=entry_point.name,
                target=entry_point.value,
                help=summary or f"The commands of the plugin {entry_point.name!r}.",
            )
        )
    return found


class SmsadminGroup(LazyGroup):
    """The top-level group: the built-in commands and the plugins', imported when run.

    The plugins' commands are looked up (in the installed distributions' metadata) only when
    the commands are listed or a word is not a built-in command.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for deferred in COMMANDS:
            self.add_deferred(deferred)
        self._plugins_added = False

    def _add_plugins(self) -> None:
        if not self._plugins_added:
            self._plugins_added = True
            for deferred in plugin_commands():
                self.add_deferred(deferred)

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command's name, the plugins' last."""
        self._add_plugins()
        return super().list_commands(ctx)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command named ``cmd_name``, looking among the plugins' if it is not built in."""
        if cmd_name not in self.commands:
            self._add_plugins()
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="smsadmin",
    cls=SmsadminGroup,
    help="Administer business texting: accounts, users, numbers, seats, campaign registration, "
    "texting, opt-outs, the webhook app, the audit trail and the installed plugins.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


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

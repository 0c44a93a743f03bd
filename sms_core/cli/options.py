"""The global options every command shares, and opening the SDK with them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import attrs
import typer

from sms_core.clock import Clock

if TYPE_CHECKING:
    from sms_core.services import AccountAdmin, SmsAdmin

__all__ = [
    "ACCOUNT_ENV",
    "ACTOR_ENV",
    "DATABASE_URL_ENV",
    "HOST_ENV",
    "GlobalOptions",
    "global_options",
]

#: The environment variable with the account to act on.
ACCOUNT_ENV = "SMS_ACCOUNT"
#: The environment variable with the acting user's id.
ACTOR_ENV = "SMS_ACTOR"
#: The environment variable with the database URL: the store's own name for it
#: (``sms_core.store.engine.DATABASE_URL_ENV``), spelled out here so that building the command
#: line imports no SQLAlchemy; ``tests/cli/test_cli_startup.py`` checks they agree.
DATABASE_URL_ENV = "SMS_DATABASE_URL"
#: The environment variable with the host plugin to activate.
HOST_ENV = "SMS_HOST"


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


@attrs.frozen(kw_only=True)
class GlobalOptions:
    """What ``smsadmin --database --host --account --as`` chose.

    Nothing is opened until a command asks: ``smsadmin --help`` touches no database.

    Attributes:
        database_url: The SQLAlchemy URL; ``None`` for the SDK's default (``SMS_DATABASE_URL``
            or the SQLite file in the user's data folder).
        host: The host plugin to activate; ``None`` for the core defaults.
        account_id: The account commands act on.
        actor_id: The user admin actions are performed as.
        clock: The SDK's time source; the wall clock when ``None``. No command-line option sets
            it: a program that runs the commands in-process passes it (tests, a fixed-time
            sandbox), see :class:`sms_core.cli.testing.SmsadminRunner`.
        plugins: Plugin objects to load besides the installed ones (a host application's own
            host plugin, a test's); like ``clock``, passed only by a program running the
            commands in-process.
    """

    database_url: str | None = attrs.field(default=None, converter=_blank_to_none)
    host: str | None = attrs.field(default=None, converter=_blank_to_none)
    account_id: str | None = attrs.field(default=None, converter=_blank_to_none)
    actor_id: str | None = attrs.field(default=None, converter=_blank_to_none)
    clock: Clock | None = None
    plugins: tuple[object, ...] = ()

    @contextmanager
    def sdk(self, *, webhook_base_url: str | None = None) -> Iterator[SmsAdmin]:
        """The SDK opened on the database with the host plugin, closed afterwards.

        Args:
            webhook_base_url: The public webhook base URL the SDK configures at the carrier;
                default ``SMS_WEBHOOK_BASE_URL`` or the local ``smsadmin serve`` address.
        """
        from sms_core.services import SmsAdmin  # noqa: PLC0415 - when a command runs

        admin = SmsAdmin.open(
            self.database_url,
            host=self.host,
            plugins=self.plugins,
            clock=self.clock,
            webhook_base_url=webhook_base_url,
        )
        try:
            yield admin
        finally:
            admin.close()

    @contextmanager
    def account(self) -> Iterator[AccountAdmin]:
        """The services of the ``--account`` account.

        Raises:
            typer.BadParameter: When no account was named (a usage error).
            AccountNotFoundError: When the database has no such account.
        """
        if self.account_id is None:
            raise typer.BadParameter(
                f"no account chosen; name it with --account ID or {ACCOUNT_ENV} "
                "('smsadmin accounts list' shows them)",
                param_hint="'--account'",
            )
        with self.sdk() as admin:
            yield admin.account(self.account_id)

    def actor(self) -> str:
        """The ``--as`` user's id.

        Raises:
            typer.BadParameter: When no acting user was named (a usage error).
        """
        if self.actor_id is None:
            raise typer.BadParameter(
                f"no acting user chosen; name the user doing this with --as USER or "
                f"{ACTOR_ENV} ('smsadmin users list' shows them)",
                param_hint="'--as'",
            )
        return self.actor_id


def global_options(ctx: typer.Context) -> GlobalOptions:
    """The options the top-level callback stored on the context."""
    options = ctx.find_object(GlobalOptions)
    if options is None:  # a command invoked without the app's callback: a programming error
        raise RuntimeError("smsadmin commands run under the smsadmin app, which sets the options")
    return options

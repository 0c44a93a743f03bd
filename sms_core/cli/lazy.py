"""Commands imported when they run, not when ``smsadmin --help`` lists them.

A :class:`LazyGroup` starts with a :class:`DeferredCommand` per command: the command's name,
where it is defined (``"module:attribute"``) and its one-line help. Listing the commands in
``--help`` reads those and imports nothing; running a command (or asking for its own
``--help``) imports its module, builds the real command and keeps it in place of the deferred
one. See :mod:`sms_core.cli` for why.
"""

from __future__ import annotations

import importlib
from typing import Any

import attrs
import typer
import typer.main
from typer.core import TyperCommand

from sms_core.cli.errors import ReportingGroup
from sms_core.exceptions import ConfigurationError

__all__ = ["Deferred", "DeferredCommand", "LazyGroup", "load"]

# Set in ``ctx.meta`` while a group formats its help: commands are listed, not loaded.
_LISTING = "sms_core.cli.listing"


@attrs.frozen(kw_only=True)
class Deferred:
    """A command of the tree, before it is imported.

    Attributes:
        name: The command's word (``send-mass``).
        target: Where it is defined, ``"module:attribute"``: a :class:`typer.Typer` (a group
            of commands) or a command function.
        help: Its one-line help, as its own help's first line says it
            (``tests/cli/test_cli_startup.py`` checks that the two agree).
    """

    name: str
    target: str
    help: str


class DeferredCommand(TyperCommand):
    """What a :class:`LazyGroup` lists for a command it has not imported yet."""

    def __init__(self, deferred: Deferred) -> None:
        super().__init__(deferred.name, short_help=deferred.help, help=deferred.help)
        self.deferred = deferred


def load(deferred: Deferred) -> Any:
    """Import ``deferred.target`` and build its command.

    Raises:
        ConfigurationError: When the target is neither a :class:`typer.Typer` nor a function.
    """
    module, _, attributes = deferred.target.partition(":")
    target: Any = importlib.import_module(module)
    for attribute in attributes.split("."):
        target = getattr(target, attribute)
    command: Any
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)
    elif callable(target):
        single = typer.Typer()
        single.command(deferred.name)(target)
        command = typer.main.get_command(single)
    else:
        raise ConfigurationError(
            f"{deferred.target!r} (command {deferred.name!r}) is not a typer.Typer or a "
            "command function; fix or uninstall what declares it"
        )
    command.name = deferred.name
    return command


class LazyGroup(ReportingGroup):
    """A command group whose commands are imported when one of them is run.

    ``commands`` holds a :class:`DeferredCommand` for each command not yet imported, so every
    name is known (for listing, usage errors and "did you mean"); asking for a command by name
    outside of help listing replaces it by the real one.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # What help lists for each deferred command, kept once the command is imported.
        self._listed: dict[str, DeferredCommand] = {}

    def add_deferred(self, deferred: Deferred) -> None:
        """Add a command that is imported when it is first asked for by name."""
        listed = DeferredCommand(deferred)
        self._listed[deferred.name] = listed
        self.commands[deferred.name] = listed

    # Typed loosely, as in ReportingGroup: Typer's click classes are not its public API.
    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command named ``cmd_name``, imported now unless help is only listing it.

        Help lists a command by its deferred one-line help even once it is imported, so the
        listing reads the same whatever ran before.
        """
        if ctx.meta.get(_LISTING) and cmd_name in self._listed:
            return self._listed[cmd_name]
        command = self.commands.get(cmd_name)
        if isinstance(command, DeferredCommand):
            command = self.commands[cmd_name] = load(command.deferred)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Format the help, listing the commands from their deferred one-line help."""
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            del ctx.meta[_LISTING]

    def loaded(self, ctx: Any) -> dict[str, Any]:
        """Every command, imported: for tools and tests that walk the whole tree."""
        return {name: self.get_command(ctx, name) for name in self.list_commands(ctx)}

"""Commands imported when they run, not when ``smsadmin --help`` lists them.

A :class:`LazyGroup` starts with a :class:`DeferredCommand` per command: the command's name,
where it is defined (``"module:attribute"``) and its one-line help. Listing the commands in
``--help`` reads those and imports nothing; running a command (or asking for its own
``--help``) imports its module, builds the real command and keeps it in place of the deferred
one. See :mod:`sms_core.cli` for why.

A group (a :class:`typer.Typer`) is built the same way one level down: ``smsadmin numbers
--help`` imports the group's module but builds none of its commands, only a
:class:`PendingCommand` per command with its name and help. Typer builds a command's
parameters with pydantic (a ``TypeAdapter`` per option, pydantic imported on first use), which
cost more than the rest of a group's help; a command's parameters are built when it runs or
shows its own help.
"""

from __future__ import annotations

import copy
import importlib
import inspect
from typing import Any

import attrs
import typer
import typer.main
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo, TyperInfo

from sms_core.cli.errors import ReportingGroup
from sms_core.exceptions import ConfigurationError

__all__ = ["Deferred", "DeferredCommand", "LazyGroup", "PendingCommand", "load"]

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
        command = _group(target)
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

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Parse the group's own options, coercing only those given a value (see below)."""
        for param in self.get_params(ctx):
            _coerce_when_given(param)
        result: list[str] = super().parse_args(ctx, args)
        return result

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


class PendingCommand(TyperCommand):
    """What a group built by :func:`load` holds for a command it has not built yet.

    It carries what the group's help lists (name, help, panel, hidden, deprecated); the group
    builds the real command from ``info`` when the command is asked for by name outside of
    help listing.
    """

    def __init__(self, info: CommandInfo, *, pretty_exceptions_short: bool, markup: Any) -> None:
        assert info.callback is not None, "a registered command has a function"
        name = info.name or typer.main.get_command_name(info.callback.__name__)
        help_text = (
            inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
        )
        super().__init__(
            name,
            help=help_text,
            short_help=info.short_help,
            hidden=info.hidden,
            deprecated=info.deprecated,
            rich_help_panel=info.rich_help_panel,
            rich_markup_mode=markup,
        )
        self.info = info
        self._pretty_exceptions_short = pretty_exceptions_short
        self._markup = markup

    def build(self) -> Any:
        """The real command, as Typer builds it."""
        return typer.main.get_command_from_info(
            self.info,
            pretty_exceptions_short=self._pretty_exceptions_short,
            rich_markup_mode=self._markup,
        )


class _PendingGroup(TyperGroup):
    """A Typer group holding a :class:`PendingCommand` per command until one is asked for."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command named ``cmd_name``, built now unless help is only listing it."""
        command = self.commands.get(cmd_name)
        if isinstance(command, PendingCommand) and not ctx.meta.get(_LISTING):
            command = self.commands[cmd_name] = command.build()
        return command

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Parse the group's own options, coercing only those given a value."""
        for param in self.get_params(ctx):
            _coerce_when_given(param)
        result: list[str] = super().parse_args(ctx, args)
        return result

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Format the help, listing the commands without building them."""
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            del ctx.meta[_LISTING]

    def loaded(self, ctx: Any) -> dict[str, Any]:
        """Every command, built: for tools and tests that walk the whole tree."""
        return {name: self.get_command(ctx, name) for name in self.list_commands(ctx)}


def _group(target: typer.Typer) -> Any:
    """``target``'s group with its commands pending; as Typer builds it when that cannot be.

    Groups with groups of their own or a group class of their own are built whole.
    """
    if target.registered_groups or not isinstance(target.info.cls, type(TyperInfo().cls)):
        return typer.main.get_group(target)
    shell = copy.copy(target)
    shell.registered_commands = []
    group = typer.main.get_group_from_info(
        TyperInfo(shell, cls=_PendingGroup),
        pretty_exceptions_short=target.pretty_exceptions_short,
        rich_markup_mode=target.rich_markup_mode,
        suggest_commands=target.suggest_commands,
    )
    for info in target.registered_commands:
        pending = PendingCommand(
            info,
            pretty_exceptions_short=target.pretty_exceptions_short,
            markup=target.rich_markup_mode,
        )
        assert pending.name is not None
        group.commands[pending.name] = pending
    return group


class _WhenGiven:
    """A Typer parameter's coercion, left unbuilt while the parameter has no value.

    Typer coerces every parameter of a command it runs, a missing one too (to ``None``), and
    builds the coercion on first use with pydantic, which it imports then: a fifth of what
    ``smsadmin <group> --help`` cost, spent on the top-level options nobody gave and on the
    ``--help`` flag. This answers ``None`` for a missing single value, a flag's bool and the
    text of a plain ``str`` option (``SMS_DATABASE_URL``) itself, and hands anything else to
    Typer's own coercion, built then.
    """

    def __init__(self, param: Any) -> None:
        self._param = param

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """``None`` for a missing value; a flag's bool, plain text as they are; else Typer's."""
        if value is None and not (param.multiple or param.nargs == -1):
            return None
        if isinstance(value, bool) and getattr(param, "is_flag", False):
            return value
        if isinstance(value, str) and _plain_text(param):
            return value  # text for a text option: the global options from the environment
        param._runtime_param = None  # Typer builds its own now, and keeps it
        return param.get_runtime_param().coerce(value, param=param, ctx=ctx)


def _plain_text(param: Any) -> bool:
    """Whether a Typer parameter takes one ``str`` with no parser or click type of its own."""
    descriptor = param.type_descriptor
    info = descriptor.parameter_info
    return (
        descriptor.annotation is str
        and getattr(info, "parser", None) is None
        and getattr(info, "click_type", None) is None
        and not (param.multiple or param.nargs == -1)
    )


def _coerce_when_given(param: Any) -> None:
    """Give a Typer parameter :class:`_WhenGiven` while its coercion is unbuilt.

    Typer versions that build no coercion lazily have no ``_runtime_param``: left alone.
    """
    if getattr(param, "_runtime_param", False) is None:
        param._runtime_param = _WhenGiven(param)

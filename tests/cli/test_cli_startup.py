"""``smsadmin --help`` starts without the database layer; commands are imported when run.

What the command line costs at start-up is measured by ``benchmarks/startup.py``; these tests
check what makes it cheap, in a fresh interpreter each (this process has imported it all).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from sms_core.cli.app import COMMANDS, SmsadminGroup, app, plugin_commands
from sms_core.cli.lazy import Deferred, DeferredCommand, LazyGroup, PendingCommand, load
from sms_core.cli.numbers import app as numbers_app
from sms_core.cli.options import DATABASE_URL_ENV
from sms_core.exceptions import ConfigurationError
from sms_core.store.engine import DATABASE_URL_ENV as STORE_DATABASE_URL_ENV

#: What ``--help`` must not import.
HEAVY = ("sqlalchemy", "alembic", "sms_core.store", "sms_core.services")
#: What a group's ``--help`` must not import either: pydantic (Typer builds a parameter's
#: coercion with it, for the options given, and for the commands run); httpx (the sandbox
#: carrier posts webhooks with it).
GROUP_HEAVY = ("pydantic", "httpx")
#: What a group's ``--help`` must not import either: the domain (about a third of a group's
#: start-up, with ``phonenumbers``), and the database layer.
GROUP_DOMAIN = ("sqlalchemy", "alembic", "sms_core.domain", "phonenumbers")
#: Every command group: the built-in ones and the plugins'.
GROUPS = [command.name for command in COMMANDS if command.target.endswith(":app")] + [
    command.name for command in plugin_commands()
]
#: Every command line whose ``--help`` is checked: the top level, each group (the plugins'
#: too) and each command.
HELP_LINES = [
    (),
    *((command.name,) for command in COMMANDS),
    *((command.name,) for command in plugin_commands()),
]


def _help_imports(words: tuple[str, ...], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``heavy`` modules a fresh ``smsadmin <words> --help`` leaves imported."""
    code = (
        "import sys\n"
        "from sms_core.cli import main\n"
        f"sys.argv = ['smsadmin', *{list(words)!r}, '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as end:\n"
        "    assert end.code in (0, None), end.code\n"
        f"print('LOADED:', *(m for m in sys.modules if m.split('.')[0] in {heavy!r} "
        f"or m in {heavy!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert 0 == done.returncode, done.stderr
    [loaded] = [line for line in done.stdout.splitlines() if line.startswith("LOADED:")]
    return loaded.split()[1:]


def _commands_panel(group: LazyGroup, capsys: pytest.CaptureFixture[str]) -> str:
    """The command list of ``smsadmin --help`` as ``group`` renders it (Rich prints it)."""
    capsys.readouterr()
    with _context(group) as ctx:
        ctx.get_help()
    text = capsys.readouterr().out
    return text[text.index("Commands") :]


def _context(group: LazyGroup) -> typer.Context:
    return typer.Context(group, info_name="smsadmin", terminal_width=200, max_content_width=200)


class TestHelpImportsNoDatabaseLayer:
    """``--help`` at every level loads no SQLAlchemy, Alembic, store or services."""

    @pytest.mark.parametrize("words", HELP_LINES, ids=lambda words: " ".join(words) or "top")
    def test_help(self, words: tuple[str, ...]) -> None:
        assert [] == _help_imports(words)


class TestGroupHelpBuildsNoCommand:
    """``smsadmin <group> --help`` builds none of the group's commands and coerces nothing.

    Measured by ``benchmarks/startup.py``; these check what made it cheaper stays so.
    """

    @pytest.mark.parametrize(
        "words",
        [(command.name,) for command in COMMANDS if command.target.endswith(":app")]
        + [(command.name,) for command in plugin_commands()],
        ids=" ".join,
    )
    def test_group_help_imports_no_pydantic_or_httpx(self, words: tuple[str, ...]) -> None:
        assert [] == _help_imports(words, GROUP_HEAVY)

    def test_the_group_lists_pending_commands_and_builds_one_asked_for(self) -> None:
        [numbers] = [command for command in COMMANDS if command.name == "numbers"]
        group = load(numbers)
        assert isinstance(group.commands["search"], PendingCommand)
        with typer.Context(group, info_name="numbers") as ctx:
            ctx.get_help()
            assert isinstance(group.commands["search"], PendingCommand)
            built = group.get_command(ctx, "search")
        assert not isinstance(built, PendingCommand)
        assert "--area-code" in [opt for param in built.params for opt in param.opts]
        assert built is group.commands["search"]

    def test_a_group_lists_its_commands_as_typer_does(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The help of a group with pending commands reads as Typer's own group's."""
        [numbers] = [command for command in COMMANDS if command.name == "numbers"]
        pages = []
        for group in (load(numbers), typer.main.get_group(numbers_app)):
            capsys.readouterr()
            with typer.Context(group, info_name="numbers", terminal_width=100) as ctx:
                ctx.get_help()
            pages.append(capsys.readouterr().out)
        assert pages[0] == pages[1]
        assert "deactivate" in pages[0]

    def test_an_option_given_is_still_coerced(self) -> None:
        """Typer's coercion runs for a value given: a bad one is still a usage error."""
        result = CliRunner().invoke(app, ["numbers", "search", "--limit", "many"])
        assert 2 == result.exit_code
        assert "Invalid value for '--limit'" in result.output


class TestGroupHelpImportsNoDomain:
    """``smsadmin <group> --help`` lists the group without the domain or the database layer.

    A group's options are typed with plain values or with the domain's names through
    ``sms_core``'s lazy exports (resolved when a command is built); its modules take the
    enums a cue is looked up by from ``sms_core.vocabulary`` or key the cues by value, and
    import what else the domain offers when a command runs.
    """

    @pytest.mark.parametrize("group", GROUPS)
    def test_group_help(self, group: str) -> None:
        assert [] == _help_imports((group,), GROUP_DOMAIN)

    def test_the_scheduled_states_are_the_domains(self) -> None:
        """``scheduled --state`` names the states by value (for start-up): the enum's, each."""
        from sms_core.cli import scheduled  # noqa: PLC0415 - the subject of the test
        from sms_core.domain import ScheduledState  # noqa: PLC0415

        assert [state.value for state in ScheduledState] == list(scheduled._STYLES)

    def test_every_status_keyed_by_value_has_its_cue(self) -> None:
        """The cue tables keyed by value cover their enum exactly."""
        from sms_core.cli import message_tables, render  # noqa: PLC0415 - the subjects
        from sms_core.domain import (  # noqa: PLC0415
            CarrierRegistration,
            DeliveryStatus,
            RecipientStatus,
        )

        tables = (
            (render.CARRIER_CUES, CarrierRegistration),
            (message_tables._DELIVERY_CUES, DeliveryStatus),
            (message_tables._OUTCOME_CUES, RecipientStatus),
        )
        for cues, kind in tables:
            assert {member.value for member in kind} == set(cues), kind.__name__
            assert all(cues[member] for member in kind)


class TestSandboxHelpImportsNoCarrier:
    """``smsadmin sandbox --help`` imports the sandbox's command module, not its carrier.

    The package ``sms_fake`` imports its public names on first use, ``sms_fake.cli`` imports
    the carrier when a command runs and names the domain's types through ``sms_core``'s lazy
    exports, so listing the sandbox's commands loads neither the adapter (with the core's hooks
    and pluggy), the carrier and its store, nor the core's domain.
    """

    def test_sandbox_help_imports_no_adapter_carrier_hooks_or_domain(self) -> None:
        heavy = ("sms_fake.adapter", "sms_fake.carrier", "sms_fake.store", "sms_core.hookspecs")
        assert [] == _help_imports(("sandbox",), (*heavy, "sms_core.domain", "pluggy"))

    def test_the_sandbox_group_lists_its_commands_as_typer_does(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from sms_fake.cli import app as sandbox_app  # noqa: PLC0415 - a plugin's group

        [sandbox] = [command for command in plugin_commands() if command.name == "sandbox"]
        pages = []
        for group in (load(sandbox), typer.main.get_group(sandbox_app)):
            capsys.readouterr()
            with typer.Context(group, info_name="sandbox", terminal_width=100) as ctx:
                ctx.get_help()
            pages.append(capsys.readouterr().out)
        assert pages[0] == pages[1]
        assert "hold-registration" in pages[0]


class TestDeferredCommands:
    """The listing reads each command's deferred help; running a command imports it."""

    def test_listing_imports_no_command(self, capsys: pytest.CaptureFixture[str]) -> None:
        group = typer.main.get_command(app)
        assert isinstance(group, SmsadminGroup)
        _commands_panel(group, capsys)
        assert all(isinstance(command, DeferredCommand) for command in group.commands.values())

    @pytest.mark.parametrize("deferred", COMMANDS, ids=lambda deferred: deferred.name)
    def test_the_deferred_help_is_the_commands_own(self, deferred: Deferred) -> None:
        """The one-line help in the table is the first paragraph of the command's own help."""
        command = load(deferred)
        own = (command.short_help or command.help or "").split("\n\n")[0]
        assert " ".join(own.split()) == deferred.help

    def test_the_listing_reads_the_same_once_commands_are_imported(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        group = typer.main.get_command(app)
        assert isinstance(group, SmsadminGroup)
        before = _commands_panel(group, capsys)
        with _context(group) as ctx:
            loaded = group.loaded(ctx)
        assert not any(isinstance(command, DeferredCommand) for command in loaded.values())
        assert before == _commands_panel(group, capsys)

    def test_the_order_is_the_tables(self) -> None:
        group = typer.main.get_command(app)
        assert isinstance(group, SmsadminGroup)
        with _context(group) as ctx:
            names = group.list_commands(ctx)
        assert [command.name for command in COMMANDS] == names[: len(COMMANDS)]

    def test_a_typo_is_a_usage_error_naming_the_closest_command(self) -> None:
        result = CliRunner().invoke(app, ["acounts"])
        assert 2 == result.exit_code
        assert "accounts" in result.output

    def test_a_target_that_is_not_a_command_is_a_configuration_error(self) -> None:
        with pytest.raises(ConfigurationError, match=r"not a typer\.Typer"):
            load(Deferred(name="broken", target="sms_core.cli.app:CLI_ENTRY_POINT_GROUP", help=""))

    def test_the_database_variable_is_the_stores(self) -> None:
        assert STORE_DATABASE_URL_ENV == DATABASE_URL_ENV

"""The ``smsadmin`` command line: a thin layer over the services, with Rich tables.

Run ``smsadmin --help`` for the command tree and ``smsadmin demo`` for the whole story on the
sandbox carrier.

Start-up: a command's work is imported when the command runs, never to print help.

* ``sms_core.cli.app`` lists the built-in commands in one table, ``COMMANDS``: each command's
  name, where it is defined (``"module:attribute"``) and its one-line help. The top-level group
  (:class:`sms_core.cli.lazy.LazyGroup`) holds a placeholder per command, so ``smsadmin
  --help`` prints the list from the table and imports no command module. A plugin's command
  group (entry-point group ``smsadmin.cli``) is listed with its distribution's summary, and
  the entry points are read only when the commands are listed or a word is not built in.
* Running ``smsadmin <command>`` (or ``smsadmin <command> --help``) imports that command's
  module only. The command modules import Typer and Rich at the top, and not the domain: an
  option typed with a domain value names it through ``sms_core``'s lazy exports
  (``sms_core.AuditAction``, resolved when Typer builds the command, which a group's
  ``--help`` does not), a cue table takes its enum from :mod:`sms_core.vocabulary` or is
  keyed by the enum's values, and the rest of the domain is imported when a command runs or
  under ``TYPE_CHECKING`` for annotations. The SDK itself (services, store, SQLAlchemy,
  Alembic, plugin loading, uvicorn) is imported inside the command functions, through
  :meth:`sms_core.cli.options.GlobalOptions.sdk`.
* ``sms_core`` itself resolves its public names on first use, so importing any part of the
  package does not load the rest.

``tests/cli/test_cli_startup.py`` checks that ``--help`` at the top level, for each group and
for each command imports no SQLAlchemy, Alembic, store or services, that a group's imports no
domain either, and that each one-line help in the table is the command's own.
``benchmarks/startup.py`` prints the CPU time.
"""

from sms_core.cli.app import app, main

__all__ = ["app", "main"]

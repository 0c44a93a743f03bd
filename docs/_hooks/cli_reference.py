"""MkDocs hook: the command-line reference, generated from the ``smsadmin`` command tree.

``docs/reference/cli.md`` holds the marker :data:`MARKER`; at build time it is replaced by the
``--help`` text of every command, as ``smsadmin`` itself prints it, so the page cannot drift
from the code. Command groups that installed plugins publish (the sandbox carrier's
``sandbox``) are included when their distribution is installed in the docs environment.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from sms_core.cli import app

__all__ = ["MARKER", "on_page_markdown", "render_reference"]

#: The line of ``reference/cli.md`` the generated reference replaces.
MARKER = "<!-- smsadmin-cli-reference -->"

# A fixed terminal width and no colour, so the text is the same on every machine.
_ENV = {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}


def _commands(command: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every command path under ``command``, parents before children, in the tree's order."""
    paths = [path]
    if isinstance(command, TyperGroup):
        # Typer's own click-style classes: typed loosely, as Typer does not export them.
        context = typer.Context(command)
        for name in command.list_commands(context):
            child = command.get_command(context, name)
            if child is not None and not child.hidden:
                paths.extend(_commands(child, (*path, name)))
    return paths


def render_reference() -> str:
    """The Markdown for every command: a heading and its ``--help`` text."""
    runner = CliRunner()
    sections = []
    for path in _commands(typer.main.get_command(app), ()):
        result = runner.invoke(app, [*path, "--help"], env=_ENV, prog_name="smsadmin")
        if result.exit_code != 0:
            raise RuntimeError(f"smsadmin {' '.join(path)} --help failed: {result.output}")
        title = " ".join(("smsadmin", *path))
        level = "#" * min(2 + len(path), 4)
        text = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())
        sections.append(f"{level} `{title}`\n\n```text\n{text}\n```\n")
    return "\n".join(sections)


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    """Replace the marker of the CLI reference page with the generated reference."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, render_reference())

"""``smsadmin export`` and ``smsadmin erase``: an account's records out, a candidate erased."""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from sms_core.cli import output, prompts
from sms_core.cli.errors import CliError
from sms_core.cli.options import global_options
from sms_core.cli.params import AssumeYes
from sms_core.domain import ExportFormat

__all__ = ["erase", "export"]

_WHEN = "An ISO 8601 date or time, e.g. 2026-03-01 or 2026-03-01T09:00-05:00 (UTC if no offset)."


def export(
    ctx: typer.Context,
    *,
    kind: Annotated[
        str, typer.Option("--kind", help="What to export: messages, opt-outs, consent or audit.")
    ] = "messages",
    since: Annotated[
        str | None, typer.Option("--since", help=f"The first moment included. {_WHEN}")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help=f"The moment the range ends, excluded. {_WHEN}")
    ] = None,
    format: Annotated[
        ExportFormat, typer.Option("--format", help="CSV with a header, or JSON Lines.")
    ] = ExportFormat.CSV,
    to: Annotated[
        str, typer.Option("--output", "-o", help="The file to write; - for standard output.")
    ] = "-",
) -> None:
    """Write the account's records for a date range as CSV or JSON Lines (admins only).

    Messages, opt-outs, consent records or the audit trail, streamed from the database. A
    file appears only once the export is complete: it is written beside its name first.
    """
    options = global_options(ctx)
    actor = options.actor()
    first, last = _moment("--since", since), _moment("--until", until)
    with options.account() as account:
        if to == "-":
            summary = account.export.write(
                actor, kind, sys.stdout, format=format, since=first, until=last
            )
            console = output.error_console()
            where = "standard output"
        else:
            target = Path(to)
            if not target.name:
                raise CliError(f"--output {to!r} is not a file name; give a file, or - for stdout")
            partial = target.with_name(f".{target.name}.partial")
            try:
                with partial.open("w", encoding="utf-8", newline="") as stream:
                    summary = account.export.write(
                        actor, kind, stream, format=format, since=first, until=last
                    )
                partial.replace(target)
            except OSError as err:
                raise CliError(
                    f"cannot write the export to that --output file ({err.strerror}); choose "
                    "a file in a folder you can write; no file was written"
                ) from err
            finally:
                with contextlib.suppress(OSError):
                    partial.unlink()
            console, where = output.out_console(), os.fspath(target)
    output.success(console, f"Exported {summary.rows} {summary.kind} records to {where}")


def erase(
    ctx: typer.Context,
    number: Annotated[
        str | None,
        typer.Argument(metavar="NUMBER", help="The candidate's number, e.g. +12125550101."),
    ] = None,
    candidate: Annotated[
        str | None,
        typer.Option("--candidate", help="Erase every number of this host candidate id instead."),
    ] = None,
    yes: AssumeYes = False,
) -> None:
    """Erase a candidate's texts and number for good; the number stays blocked.

    Admins only. The audit trail keeps that it happened, by whom and how many rows.
    """
    if (number is None) == (candidate is None):
        raise CliError(
            "give the candidate's NUMBER or --candidate ID (one of them); nothing changed"
        )
    options = global_options(ctx)
    actor = options.actor()
    who = number if number is not None else f"candidate {candidate}"
    with options.account() as account:
        prompts.confirm(
            f"erase the texts and number of {who} for good (they will never be texted again)",
            assume_yes=yes,
        )
        if number is not None:
            report = account.erasure.erase(actor, number)
        else:
            assert candidate is not None
            report = account.erasure.erase_candidate(actor, candidate)
    console = output.out_console()
    for table, count in report.rows.items():
        console.print(f"{table}: {count} rows")
    if report.total:
        output.success(console, f"Erased {who}: {report.total} rows changed")
    else:
        output.hint(console, f"nothing of {who} was left to erase; the number stays blocked")


def _moment(option: str, text: str | None) -> datetime | None:
    """A time typed on the command line, UTC when it has no offset."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text!r} is not a date or time; {_WHEN}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

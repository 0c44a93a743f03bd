"""``smsadmin consent``: how candidates agreed to texts, and the rule requiring it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sms_core.cli import output
from sms_core.cli.options import global_options
from sms_core.cli.params import CursorOption, LimitOption, NumberArg
from sms_core.presentation import consent_names

if TYPE_CHECKING:
    from sms_core.domain import ConsentStanding

__all__ = ["app"]

app = typer.Typer(
    help="Consent records: how and when candidates agreed to texts, beside their opt-outs.",
    invoke_without_command=True,
)


class Source(StrEnum):
    """The sources a user records (a keyword's consent is recorded when it is texted).

    ``ConsentSource``'s user values, spelled here so that ``--help`` loads none of the SDK;
    the SDK checks the value again.
    """

    #: A web form the candidate filled in.
    WEB_FORM = "web_form"
    #: A signed paper form.
    PAPER = "paper"
    #: Said to a recruiter.
    VERBAL = "verbal"


class Switch(StrEnum):
    """On or off."""

    #: A first text to a number needs a consent record.
    ON = "on"
    #: It does not (the default).
    OFF = "off"


@app.callback()
def consent(ctx: typer.Context, limit: LimitOption = None, cursor: CursorOption = None) -> None:
    """The consent records, newest first (``list`` is the default command)."""
    if ctx.invoked_subcommand is None:
        list_consent(ctx, limit=limit, cursor=cursor)


@app.command("list")
def list_consent(
    ctx: typer.Context, limit: LimitOption = None, cursor: CursorOption = None
) -> None:
    """The consent records, newest first, each beside its number's opt-out (--as a viewer)."""
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        page = account.consent.list_page(viewer, limit=limit, cursor=cursor)
        required = account.policy.get().consent_required
        names = consent_names(account, (each.record for each in page.items))
    console = output.out_console()
    if page.items:
        console.print(_table(page.items, names))
        output.next_page(console, page.next_cursor)
    else:
        output.hint(console, "no consent recorded; record it with 'smsadmin consent record'")
    _show_rule(console, required=required)


@app.command("show")
def show(ctx: typer.Context, number: NumberArg) -> None:
    """A number's consent records, oldest first, and its opt-out (--as a viewer)."""
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        records = account.consent.of(viewer, number)
        opt_out = account.optouts.get(viewer, number)
        names = consent_names(account, records)
    from sms_core.domain import ConsentStanding  # noqa: PLC0415 (the SDK loads when run)

    console = output.out_console()
    if records:
        standing = [ConsentStanding(record=record, opt_out=opt_out) for record in records]
        console.print(_table(standing, names))
    else:
        output.hint(console, f"{number} has no consent record")


@app.command("record")
def record(
    ctx: typer.Context,
    number: NumberArg,
    source: Annotated[
        Source, typer.Option("--source", help="How the candidate agreed.", case_sensitive=False)
    ],
    evidence: Annotated[
        str,
        typer.Option(
            "--evidence", help="What shows it: a form's reference, where the paper is kept, a note."
        ),
    ],
    candidate: Annotated[
        str | None, typer.Option("--candidate", metavar="ID", help="The host's candidate id.")
    ] = None,
) -> None:
    """Record how a candidate agreed to texts (--as the recruiter recording it)."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        saved = account.consent.record(
            actor, number, source=source.value, evidence=evidence, candidate_id=candidate
        )
        opted_out = account.optouts.is_opted_out(saved.number)
        names = consent_names(account, [saved])
    from sms_core.domain import ConsentStanding  # noqa: PLC0415 (the SDK loads when run)

    console = output.out_console()
    console.print(_table([ConsentStanding(record=saved)], names))
    output.success(console, f"Recorded the consent of {saved.number}")
    if opted_out:
        output.hint(
            console,
            "the number is opted out: it is texted again only after it texts START, or an "
            "admin's 'smsadmin optouts lift'",
        )


@app.command("require")
def require(
    ctx: typer.Context,
    switch: Annotated[
        Switch | None,
        typer.Argument(metavar="[on|off]", help="Turn the rule on or off; omitted, show it."),
    ] = None,
) -> None:
    """Whether a first text to a number needs a consent record (admins change it)."""
    options = global_options(ctx)
    with options.account() as account:
        if switch is None:
            settings = account.policy.get()
        else:
            settings = account.policy.set_consent_required(options.actor(), switch is Switch.ON)
    required = settings.consent_required
    console = output.out_console()
    if switch is not None:
        output.success(console, "Saved the consent rule")
    _show_rule(console, required=required)


def _show_rule(console: Console, *, required: bool) -> None:
    rule = (
        "on: a first text to a number needs a consent record"
        if required
        else "off: a first text needs no consent record"
    )
    console.print(f"Consent required before the first text: {rule}")


def _table(standing: Iterable[ConsentStanding], names: Mapping[str, str]) -> Table:
    """Consent records: the number, when, how, by whom, the evidence, and the opt-out."""
    table = Table(title="Consent", title_justify="left")
    table.add_column("Number", no_wrap=True)
    table.add_column("Recorded (UTC)", no_wrap=True)
    table.add_column("How", no_wrap=True)
    table.add_column("By", no_wrap=True)
    table.add_column("Candidate", no_wrap=True)
    table.add_column("Evidence", overflow="fold", ratio=1)
    table.add_column("Opt-out", overflow="fold")
    for each in standing:
        record = each.record
        by = names.get(record.recorded_by, record.recorded_by)
        if record.line is not None:
            by = f"{by} (to {record.line.e164})"
        table.add_row(
            record.number.e164,
            record.recorded_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
            record.source.value,
            Text(by),
            Text(record.candidate_id or "—"),
            Text(record.evidence),
            Text(
                f"⊘ opted out {each.opt_out.opted_out_at.astimezone(UTC):%Y-%m-%d %H:%M}",
                style="red",
            )
            if each.opt_out is not None
            else Text("—", style="dim"),
        )
    return table

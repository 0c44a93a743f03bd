"""``smsadmin templates``: the account's saved texts with merge fields, and sending one to many.

``send`` reads the recipients and their merge values from a CSV file (a ``candidate_id,number``
header, plus a column per merge field, such as ``candidate.first_name``) or a JSON file (a
list of objects with the same keys); ``--value field=text`` gives a value to every recipient.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

import sms_core
from sms_core.cli import output
from sms_core.cli.options import global_options
from sms_core.cli.params import CursorOption, LimitOption
from sms_core.templating import MERGE_FIELDS

if TYPE_CHECKING:
    from sms_core.domain import MassSendResult, Template, TemplateRecipient

__all__ = ["app", "read_template_recipients"]

app = typer.Typer(
    help="Templates: saved texts with merge fields, and sending one to many candidates.",
    invoke_without_command=True,
)

NameArg = Annotated[str, typer.Argument(metavar="TEMPLATE", help="The template's name or id.")]
SampleOption = Annotated[
    bool | None,
    typer.Option(
        "--sample/--no-sample",
        help="Whether it is the campaign's sample wording (names the brand, has an opt-out line).",
    ),
]
_FIELDS_HELP = "Merge fields: " + ", ".join("{" + name + "}" for name in MERGE_FIELDS) + "."


@app.callback()
def templates(ctx: typer.Context, limit: LimitOption = None, cursor: CursorOption = None) -> None:
    """The account's templates by name (``list`` is the default command)."""
    if ctx.invoked_subcommand is None:
        list_templates(ctx, limit=limit, cursor=cursor)


@app.command("list")
def list_templates(
    ctx: typer.Context, limit: LimitOption = None, cursor: CursorOption = None
) -> None:
    """The account's templates by name."""
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        page = account.templates.list_page(viewer, limit=limit, cursor=cursor)
    console = output.out_console()
    if page.items:
        console.print(templates_table(page.items))
        output.next_page(console, page.next_cursor)
    else:
        output.hint(console, "no templates yet; add one with 'smsadmin templates add'")


@app.command("show")
def show(ctx: typer.Context, template: NameArg) -> None:
    """One template with its whole body and the merge fields it uses."""
    options = global_options(ctx)
    viewer = options.actor()
    with options.account() as account:
        found = account.templates.get(viewer, template)
    console = output.out_console()
    console.print(templates_table([found], whole=True))


@app.command("add", help=f"Add a template, checked before it is saved. {_FIELDS_HELP}")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="A name unique in the account.")],
    body: Annotated[str, typer.Option("--body", help="The text, with merge fields.")],
    sample: SampleOption = None,
) -> None:
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        made = account.templates.create(actor, name=name, body=body, sample_compliant=bool(sample))
    console = output.out_console()
    console.print(templates_table([made], whole=True))
    output.success(console, f"template {made.name!r} saved")


@app.command("edit", help=f"Change a template's name, body or sample flag. {_FIELDS_HELP}")
def edit(
    ctx: typer.Context,
    template: NameArg,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    body: Annotated[str | None, typer.Option("--body", help="A new text.")] = None,
    sample: SampleOption = None,
) -> None:
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        changed = account.templates.update(
            actor, template, name=name, body=body, sample_compliant=sample
        )
    console = output.out_console()
    console.print(templates_table([changed], whole=True))
    output.success(console, f"template {changed.name!r} saved")


@app.command("remove")
def remove(ctx: typer.Context, template: NameArg) -> None:
    """Remove a template (texts sent from it keep their bodies)."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        removed = account.templates.delete(actor, template)
    output.success(output.out_console(), f"template {removed.name!r} removed")


@app.command("send")
def send(
    ctx: typer.Context,
    template: NameArg,
    file: Annotated[
        Path,
        typer.Option(
            "--file",
            metavar="CSV|JSON",
            help="Recipients: 'candidate_id,number' and a column (or key) per merge field.",
        ),
    ],
    value: Annotated[
        list[str] | None,
        typer.Option("--value", metavar="FIELD=TEXT", help="A value for every recipient."),
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="An idempotency key: a retry texts nobody twice.")
    ] = None,
) -> None:
    """Text the template to many candidates, each with their own merge values."""
    # The send's tables, imported when it runs: they load the domain, and listing the group's
    # commands must not (issue 14's start-up).
    from sms_core.cli.message_tables import outcomes_table  # noqa: PLC0415
    from sms_core.cli.messages import show_segments  # noqa: PLC0415

    recipients = read_template_recipients(file)
    common = _pairs(value or [])
    options = global_options(ctx)
    actor = options.actor()
    console = output.out_console()
    with options.account() as account:
        result: MassSendResult = account.templates.send(
            actor, template, recipients, values=common, idempotency_key=key
        )
    show_segments(console, result.segments)  # the rendered text that takes the most
    console.print(outcomes_table(result.outcomes))
    output.success(console, f"{result.sent} sent, {result.refused} refused, {result.failed} failed")


def templates_table(found: tuple[Template, ...] | list[Template], *, whole: bool = False) -> Table:
    """Templates with their body (cut short unless ``whole``) and sample flag."""
    table = Table(title="Templates", title_justify="left")
    table.add_column("Name", overflow="fold")
    table.add_column("Sample", no_wrap=True)
    table.add_column("Body", overflow="fold", ratio=1)
    table.add_column("Updated (UTC)", no_wrap=True)
    for template in found:
        body = template.body if whole or len(template.body) <= 60 else template.body[:59] + "…"
        table.add_row(
            template.name,
            Text("✓ yes", style="green") if template.sample_compliant else Text("no", style="dim"),
            Text(body),
            f"{template.updated_at:%Y-%m-%d %H:%M} by {template.updated_by}",
        )
    return table


def read_template_recipients(path: Path) -> list[TemplateRecipient]:
    """The recipients and their merge values in a CSV or JSON file (by its suffix).

    Raises:
        typer.BadParameter: When the file cannot be read or has no number for a recipient.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
        rows = json.loads(text) if path.suffix.lower() == ".json" else _csv_rows(text)
    except (OSError, UnicodeDecodeError, csv.Error, json.JSONDecodeError) as err:
        raise typer.BadParameter(f"cannot read {path}: {err}", param_hint="'--file'") from err
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise typer.BadParameter(
            f"{path} needs one recipient per row (CSV) or a list of objects (JSON), each with "
            "'number' and optional 'candidate_id' and merge fields",
            param_hint="'--file'",
        )
    recipients = []
    for index, row in enumerate(rows, start=1):
        number = row.get("number")
        if not isinstance(number, str) or not number.strip():
            raise typer.BadParameter(
                f"recipient {index} in {path} has no 'number'", param_hint="'--file'"
            )
        candidate = row.get("candidate_id")
        values = {
            str(name): str(text)
            for name, text in row.items()
            if name not in ("number", "candidate_id") and text not in (None, "")
        }
        recipients.append(
            sms_core.TemplateRecipient(
                candidate_id=str(candidate).strip() or None if candidate else None,
                number=number,
                values=values,
            )
        )
    return recipients


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def _pairs(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"{pair!r} is not FIELD=TEXT", param_hint="'--value'")
        values[name.strip()] = text
    return values

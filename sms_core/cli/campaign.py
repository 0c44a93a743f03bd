# Over 400 lines: one module per smsadmin command group, so that running `smsadmin campaign`
# imports this module alone (COMMANDS in cli/app.py); it holds the group's commands and the
# registration form's loading.
"""``smsadmin campaign``: register the brand and campaign, follow the review, troubleshoot.

A registration form is a TOML or JSON file (by its suffix) with a ``brand`` and a ``campaign``
table whose keys are the fields of :class:`~sms_core.BrandProfile` and
:class:`~sms_core.CampaignProfile`::

    [brand]
    legal_name = "Northwind Staffing LLC"
    entity_type = "PRIVATE_PROFIT"      # PUBLIC_PROFIT, NON_PROFIT, GOVERNMENT, SOLE_PROPRIETOR
    tax_id = "12-3456789"
    website = "https://northwind.example.com"
    vertical = "HUMAN_RESOURCES"
    # a PUBLIC_PROFIT company also needs stock_symbol, stock_exchange and
    # brand_contact_email (on its own domain: it gets the registry's 2FA e-mail);
    # low_volume = true registers a cheaper low-volume brand (< ~6,000 segments a day)

    [brand.address]
    street = "100 Market Street"
    city = "San Francisco"
    region = "CA"
    postal_code = "94105"

    [brand.contact]
    first_name = "Dana"
    last_name = "Reyes"
    email = "dana@northwind.example.com"
    phone = "+1 415 555 0134"

    [campaign]
    use_case = "CUSTOMER_CARE"
    description = "…"
    message_flow = "…"
    sample_messages = ["…", "…"]
    has_embedded_links = false
    has_embedded_phone = false
    # privacy_policy_url and terms_and_conditions_url default to the policy settings

Without ``--file``, ``register`` asks for every field at the terminal, the policy URLs pre-filled
from the policy settings.
"""

from __future__ import annotations

import json
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import attrs
import typer
from rich.console import Console
from rich.text import Text

import sms_core
from sms_core.cli import adoption, output, prompts, render
from sms_core.cli.errors import CliError
from sms_core.cli.options import global_options
from sms_core.cli.params import finite
from sms_core.exceptions import RegistrationLintError, SmsError

# From the leaf module that defines them (``sms_core.domain`` re-exports them): listing the
# group's commands must not load the domain (issue 14's start-up). The form's types, its
# converter and the prompts' enums are imported when a command needs them.
from sms_core.vocabulary import RegistrationStep, StepStatus

if TYPE_CHECKING:
    import cattrs

    from sms_core.domain import (
        BrandProfile,
        CampaignProfile,
        CampaignUseCase,
        EntityType,
        Line,
        PolicySettings,
        RegistrationStatus,
        Submission,
        SyncReport,
    )
    from sms_core.services import AccountAdmin

__all__ = ["app", "describe_sync", "load_form", "watch"]

app = typer.Typer(
    help="Register the 10DLC brand and campaign, follow the review, troubleshoot failures.",
    no_args_is_help=True,
)

_T = TypeVar("_T")


@cache
def _forms() -> cattrs.Converter:
    """The form files' own converter: strict about unknown keys, lenient about numbers' types."""
    import cattrs  # noqa: PLC0415 - see the imports

    from sms_core.domain import BrandProfile, CampaignProfile, PhoneNumber  # noqa: PLC0415

    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(PhoneNumber, lambda value, _: PhoneNumber.parse(str(value)))
    attrs.resolve_types(
        _Form, localns={"BrandProfile": BrandProfile, "CampaignProfile": CampaignProfile}
    )
    return converter


_OUTCOMES = {
    StepStatus.APPROVED: "is approved",
    StepStatus.FAILED: "failed",
    StepStatus.CONFIRMING: "waits for a confirmation",
}


@attrs.frozen(kw_only=True)
class _Form:
    brand: BrandProfile | None = None
    campaign: CampaignProfile | None = None


FormFile = Annotated[
    Path | None,
    typer.Option(
        "--file",
        "-f",
        metavar="PATH",
        exists=True,
        dir_okay=False,
        help="A TOML or JSON registration form with \\[brand] and \\[campaign] tables.",
    ),
]


def load_form(path: Path) -> tuple[BrandProfile | None, CampaignProfile | None]:
    """The brand and campaign forms in a TOML or JSON file (either may be absent).

    Raises:
        CliError: When the file cannot be read or does not hold valid forms; the message
            names each bad key by its path (``$.campaign.use_case``).
    """
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as err:
        raise CliError(f"cannot read the form {str(path)!r}: {err}") from err
    try:
        form = _forms().structure(data, _Form)
    except Exception as err:  # cattrs groups every problem of the file in one error
        import cattrs  # noqa: PLC0415 - see the imports

        problems = cattrs.transform_error(err, format_exception=_explain)
        raise CliError(f"the form {str(path)!r} is not valid: {'; '.join(problems)}") from err
    return form.brand, form.campaign


def _explain(error: BaseException, kind: type | None) -> str:
    from cattrs.v import format_exception  # noqa: PLC0415 - see the imports

    if isinstance(error, SmsError):
        return str(error)
    return format_exception(error, kind)


def _form_file(path: Path) -> tuple[BrandProfile, CampaignProfile]:
    brand, campaign = load_form(path)
    if brand is None or campaign is None:
        missing = " and ".join(
            name for name, form in (("brand", brand), ("campaign", campaign)) if form is None
        )
        raise CliError(
            f"the form {str(path)!r} has no [{missing}] table; a registration needs both"
        )
    return brand, campaign


# -- commands ----------------------------------------------------------------------------------


@app.command("register")
def register(ctx: typer.Context, form: FormFile = None) -> None:
    """Lint the form and submit the brand; the campaign follows once the brand is approved."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        if form is not None:
            brand, campaign = _form_file(form)
        elif prompts.interactive():
            brand, campaign = _ask(account.policy.get())
        else:
            raise CliError(
                "no form to register: give --file PATH (TOML or JSON), or run the command in a "
                "terminal to be asked for each field"
            )
        submission = _linted(lambda: account.registration.register(actor, brand, campaign))
        _report_submission(account, submission, "Submitted the brand for review")


@app.command("resubmit")
def resubmit(
    ctx: typer.Context,
    step: Annotated[
        RegistrationStep,
        typer.Argument(
            case_sensitive=False, help="The failed step: brand, campaign or messaging_service."
        ),
    ],
    form: FormFile = None,
) -> None:
    """Submit a failed step again, with the fixed form from --file (or the one on record)."""
    options = global_options(ctx)
    actor = options.actor()
    brand, campaign = load_form(form) if form is not None else (None, None)
    with options.account() as account:
        submission = _linted(
            lambda: account.registration.resubmit(actor, step, brand=brand, campaign=campaign)
        )
        _report_submission(account, submission, f"Resubmitted the {step.words}")


@app.command("resend-confirmation")
def resend_confirmation(ctx: typer.Context) -> None:
    """Have the registry send the brand's confirmation (2FA e-mail or OTP text) again."""
    options = global_options(ctx)
    actor = options.actor()
    with options.account() as account:
        status = account.registration.resend_confirmation(actor)
        console = output.out_console()
        output.success(console, "Asked the registry to send the confirmation again")
        _show_status(console, account, status)


@app.command("lint")
def lint(
    ctx: typer.Context,
    form: Annotated[Path, typer.Argument(exists=True, dir_okay=False, metavar="PATH")],
) -> None:
    """Check a form file as register would, without submitting it."""
    brand, campaign = _form_file(form)
    with global_options(ctx).account() as account:
        report = account.registration.lint(brand, campaign)
    console = output.out_console()
    if report.issues:
        console.print(render.lint_table(report.issues))
    if not report.ok:
        raise CliError(f"the form has {len(report.errors)} error(s) to fix before registering")
    output.success(
        console, "The form passes the checks" + (" (see the warnings)" if report.warnings else "")
    )


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Each step in the seeds' colours, the carrier's reasons and the next step on failure."""
    with global_options(ctx).account() as account:
        _show_status(output.out_console(), account, account.registration.status())


@app.command("sync")
def sync(
    ctx: typer.Context,
    *,
    watch_: Annotated[
        bool, typer.Option("--watch", help="Keep polling until nothing is in progress.")
    ] = False,
    interval: Annotated[
        float,
        typer.Option(
            min=0,
            max=86_400,
            callback=finite,
            metavar="SECONDS",
            help="Seconds between polls with --watch (at most a day).",
        ),
    ] = 60.0,
    max_polls: Annotated[
        int | None, typer.Option(min=1, max=1_000_000, help="Stop watching after this many polls.")
    ] = None,
) -> None:
    """Ask the carrier for news: submit what is due, attach numbers once approved."""
    console = output.out_console()
    with global_options(ctx).account() as account:

        def show(report: SyncReport) -> None:
            for line in describe_sync(report):
                console.print(line)

        if watch_:
            report = watch(
                account.registration.sync,
                interval=interval,
                max_polls=max_polls,
                sleep=time.sleep,
                on_report=show,
            )
        else:
            report = account.registration.sync()
            show(report)
        _show_status(console, account, report.status)


# -- watching ----------------------------------------------------------------------------------


def watch(
    sync: Callable[[], SyncReport],
    *,
    interval: float,
    max_polls: int | None,
    sleep: Callable[[float], None],
    on_report: Callable[[SyncReport], None],
) -> SyncReport:
    """Sync until nothing is in progress (or ``max_polls`` syncs), pausing between polls.

    Returns:
        The last report.
    """
    polls = 0
    while True:
        report = sync()
        polls += 1
        on_report(report)
        if not report.status.in_progress or (max_polls is not None and polls >= max_polls):
            return report
        sleep(interval)


def describe_sync(report: SyncReport) -> list[Text]:
    """One line per thing a sync did: submissions, decisions, registered numbers."""
    lines = []
    for step in report.changed:
        name = step.words
        if step in report.submitted:
            lines.append(Text.assemble(("→ ", "blue"), f"Submitted the {name}"))
        record = report.status.step(step)
        if (outcome := _OUTCOMES.get(record.status)) is not None:
            cue, style = render.STEP_CUES[record.status]
            lines.append(Text.assemble((cue[:1] + " ", style), f"The {name} {outcome}"))
    lines += [
        Text.assemble(("✔ ", "green"), f"Registered {number} with the messaging service")
        for number in report.attached
    ]
    return lines or [Text("No news from the carrier.", style="dim")]


# -- output ------------------------------------------------------------------------------------


def _linted(submit: Callable[[], Submission]) -> Submission:
    try:
        return submit()
    except RegistrationLintError as err:
        output.out_console().print(render.lint_table(err.report.issues))
        raise CliError(
            f"the form has {len(err.report.errors)} error(s) (listed above); nothing was submitted"
        ) from err


def _report_submission(account: AccountAdmin, submission: Submission, done: str) -> None:
    console = output.out_console()
    if submission.warnings:
        console.print(render.lint_table(submission.warnings))
    output.success(console, done)
    _show_status(console, account, submission.status)


def _show_carrier_registration(console: Console, lines: Sequence[Line]) -> None:
    """How many attached numbers the mobile carriers registered, and each failure's reason."""
    attached = [line for line in lines if line.registered]
    if not attached:
        return
    counts = Counter(line.carrier_registration for line in attached)
    console.print(
        f"With the carriers: {counts[sms_core.CarrierRegistration.REGISTERED]} registered, "
        f"{counts[sms_core.CarrierRegistration.PENDING]} pending, "
        f"{counts[sms_core.CarrierRegistration.FAILED]} failed",
        style="dim",
    )
    for line in attached:
        if line.carrier_registration is sms_core.CarrierRegistration.FAILED:
            code = f" ({line.carrier_error_code})" if line.carrier_error_code else ""
            console.print(
                f"{line.number}: carrier registration failed{code}: "
                f"{line.carrier_error or 'no reason given'}",
                style="red",
            )
    if counts[sms_core.CarrierRegistration.PENDING]:
        output.hint(
            console,
            "pending numbers can text, but the mobile carriers may refuse their texts until "
            "the carrier reports them registered",
        )


def _show_status(console: Console, account: AccountAdmin, status: RegistrationStatus) -> None:
    console.print(render.registration_table(status))
    if (failed := status.failed) is not None and (help_ := render.troubleshooting_text(failed)):
        console.print(help_)
    if (waiting := status.confirming) is not None and (
        confirm := render.confirmation_text(waiting)
    ):
        console.print(confirm)
    lines = account.numbers.list()
    registered = sum(1 for summary in lines if summary.line.registered)
    console.print(
        f"Numbers: {registered} registered, {len(lines) - registered} unregistered", style="dim"
    )
    _show_carrier_registration(console, [summary.line for summary in lines])
    if status.overall is StepStatus.NOT_STARTED:
        output.hint(console, "register with 'smsadmin campaign register --file form.toml'")
    elif status.in_progress:
        output.hint(
            console,
            "reviews take hours; 'smsadmin campaign sync --watch' follows them to the end",
        )


# -- the form at the terminal ------------------------------------------------------------------


def _ask(policy: PolicySettings) -> tuple[BrandProfile, CampaignProfile]:
    """Every field of both forms, asked one by one; the policy URLs pre-filled."""
    from sms_core.domain import (  # noqa: PLC0415 - see the imports
        BrandContact,
        BrandProfile,
        CampaignProfile,
        CampaignUseCase,
        EntityType,
        PhoneNumber,
        PostalAddress,
    )

    typer.echo("Brand: the agency as its tax records name it.")
    entity = EntityType(_choice("Entity type", EntityType, EntityType.PRIVATE_PROFIT))
    legal_name = _text("Legal company name")
    public = entity is EntityType.PUBLIC_PROFIT
    brand = BrandProfile(
        legal_name=legal_name,
        display_name=_text("Display name (DBA)", legal_name),
        entity_type=entity,
        tax_id=_text("EIN (12-3456789)", "" if entity is EntityType.SOLE_PROPRIETOR else None),
        tax_id_country=_text("Tax id country", "US"),
        address=PostalAddress(
            street=_text("Street"),
            city=_text("City"),
            region=_text("State or region"),
            postal_code=_text("Postal code"),
            country=_text("Country", "US"),
        ),
        website=_text("Website (https://…)"),
        vertical=_text("Vertical", "HUMAN_RESOURCES"),
        contact=BrandContact(
            first_name=_text("Contact first name"),
            last_name=_text("Contact last name"),
            email=_text("Contact e-mail"),
            phone=_ask_value("Contact phone", PhoneNumber.parse),
            title=_text("Contact title", ""),
        ),
        stock_symbol=_text("Stock symbol") if public else None,
        stock_exchange=_text("Stock exchange") if public else None,
        brand_contact_email=(
            _text("Brand contact e-mail (gets the 2FA confirmation)") if public else ""
        ),
    )
    typer.echo("Campaign: what recruiters text about, and how candidates agree to it.")
    use_case = _choice("Use case", CampaignUseCase, CampaignUseCase.CUSTOMER_CARE)
    description = _text("Campaign description")
    message_flow = _text("How candidates opt in (message flow)")
    samples = [_text("Sample message 1"), _text("Sample message 2")]
    while len(samples) < 5 and (more := _text(f"Sample message {len(samples) + 1}", "")):
        samples.append(more)
    campaign = CampaignProfile(
        use_case=CampaignUseCase(use_case),
        description=description,
        message_flow=message_flow,
        sample_messages=tuple(samples),
        has_embedded_links=typer.confirm("Do the messages contain links?", default=False),
        has_embedded_phone=typer.confirm("Do the messages contain phone numbers?", default=False),
        privacy_policy_url=_text("Privacy policy URL", policy.privacy_policy_url),
        terms_and_conditions_url=_text("Terms & conditions URL", policy.terms_and_conditions_url),
        opt_in_message=_text("Opt-in confirmation message", ""),
        opt_out_message=_text("Opt-out confirmation message", ""),
        help_message=_text("Help message", ""),
        opt_in_keywords=_words(_text("Opt-in keywords (comma-separated)", "")),
        opt_out_keywords=_words(_text("Opt-out keywords", "STOP")),
        help_keywords=_words(_text("Help keywords", "HELP")),
    )
    return brand, campaign


def _text(label: str, default: str | None = None) -> str:
    answer: str = typer.prompt(label, default=default, show_default=bool(default))
    return answer.strip()


def _choice(label: str, kind: type[EntityType] | type[CampaignUseCase], default: str) -> str:
    """One of the vocabulary's values, asked until the answer is one (any case)."""
    values = [member.value for member in kind]

    def parse(answer: str) -> str:
        if answer.upper() not in values:
            raise CliError(f"{answer!r} is not one of {', '.join(values)}")
        return answer.upper()

    return _ask_value(f"{label} ({', '.join(values)})", parse, default)


def _ask_value(label: str, parse: Callable[[str], _T], default: str | None = None) -> _T:
    """Ask until the answer parses; the parser's message says what is wrong."""
    while True:
        try:
            return parse(_text(label, default))
        except (SmsError, CliError) as err:
            typer.echo(f"  {err}")


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


app.command("adopt")(adoption.adopt_registration)

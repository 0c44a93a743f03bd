# Over 400 lines: the admin screens' visual language in one place (every cell and table shares the
# same cues), so the CLI's look changes here only.
"""Tables and cells in the admin screens' visual language.

The cues follow the reference products: a green check for a registered number, a yellow alert for
an unregistered one, inactive users in red, and ``+N`` on a number shared by ``N`` more users; a
registration step is blue in progress, green approved and red failed.
Every cue carries text as well as colour, so it reads the same with ``NO_COLOR`` set or on a
screen reader. Values from the database go into :class:`rich.text.Text` objects, never into
markup, so a name with brackets prints as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from sms_core import presentation
from sms_core.presentation import change_text

# The enums a cue is looked up by, from the leaf module that defines them (``sms_core.domain``
# re-exports them): a command group imports this module, and listing its commands must not
# load the domain (issue 14's start-up). The rest are only annotations.
from sms_core.vocabulary import AllowanceScope, LintSeverity, StepStatus

if TYPE_CHECKING:
    from sms_core.domain import (
        Account,
        AllowancePool,
        AuditEntry,
        AvailableNumber,
        CarrierRegistration,
        HostPolicy,
        Line,
        LineSummary,
        LintIssue,
        PhoneNumber,
        PolicySettings,
        RegistrationStatus,
        SeatSummary,
        StepRecord,
        User,
    )
    from sms_core.plugins.manager import InstalledCarrier, InstalledHost, PluginOrigin

__all__ = [
    "CARRIER_CUES",
    "REGISTERED",
    "STEP_CUES",
    "UNREGISTERED",
    "accounts_table",
    "allowance_policy_text",
    "audit_table",
    "available_table",
    "carrier_cell",
    "carriers_table",
    "change_text",
    "confirmation_text",
    "hosts_table",
    "lines_table",
    "lint_table",
    "policy_table",
    "pool_text",
    "registration_table",
    "seats_table",
    "status_cell",
    "step_cell",
    "troubleshooting_text",
    "user_name",
    "users_cell",
    "users_table",
]

#: The status cue of a number on an approved campaign.
REGISTERED = "✔ Registered"
#: The status cue of a number not (yet) on an approved campaign.
UNREGISTERED = "⚠ Unregistered"

#: A registration step's cue and Rich style, by status (:data:`sms_core.presentation.STEP_CUES`
#: in the terminal's colours: grey shows dim).
STEP_CUES: Mapping[StepStatus, tuple[str, str]] = {
    status: (cue.text, "dim" if cue.colour == "grey" else cue.colour)
    for status, cue in presentation.STEP_CUES.items()
}

_NONE = presentation.NONE


def status_cell(line: Line) -> Text:
    """A green check for a registered number, a yellow alert otherwise."""
    if line.registered:
        return Text(REGISTERED, style="green")
    return Text(UNREGISTERED, style="yellow")


#: A line's registration with the mobile carriers: its cue and colour ("Ready" once registered,
#: so it is not read as the campaign's "Registered"), by the :class:`CarrierRegistration`'s
#: value (a member looks its value up), so that this module loads no domain.
CARRIER_CUES: Mapping[CarrierRegistration | str, tuple[str, str]] = {
    "not_attached": ("○ Not attached", "dim"),
    "pending": ("● Pending", "yellow"),
    "registered": ("✔ Ready", "green"),
    "failed": ("✘ Failed", "red"),
}


def carrier_cell(line: Line) -> Text:
    """Where the number stands with the mobile carriers; a failure names the carrier's code."""
    cue, style = CARRIER_CUES[line.carrier_registration]
    if line.carrier_registration == "failed" and line.carrier_error_code:
        cue = f"{cue} ({line.carrier_error_code})"
    return Text(cue, style=style)


def user_name(user: User) -> Text:
    """A user's name; an inactive user in red, marked "(inactive)"."""
    if user.active:
        return Text(user.full_name or user.id)
    return Text(f"{user.full_name or user.id} (inactive)", style="red")


def users_cell(users: Sequence[User], badge: str = "") -> Text:
    """The users of a line or seat, comma-separated, followed by the shared badge."""
    if not users:
        return Text(_NONE, style="dim")
    cell = Text(", ").join(user_name(user) for user in users)
    if badge:
        cell.append("  ")
        cell.append(badge, style="bold cyan")
    return cell


def _number(number: PhoneNumber | None) -> str:
    return number.e164 if number is not None else _NONE


def lines_table(summaries: Iterable[LineSummary]) -> Table:
    """The "Manage Existing Phone Numbers" list: status, number, carriers, forwarding, users.

    "Carriers" is the number's registration with the mobile carriers, which follows the
    campaign's approval: a number on the approved campaign texts at once, but until the
    carrier reports it registered the mobile carriers may still refuse its texts.
    """
    table = Table(title="Phone numbers", title_justify="left")
    table.add_column("Status", no_wrap=True)
    table.add_column("Number", no_wrap=True)
    table.add_column("Carriers", no_wrap=True)
    table.add_column("Call forwarding", no_wrap=True)
    table.add_column("Users", overflow="fold")
    for summary in summaries:
        line = summary.line
        table.add_row(
            status_cell(line),
            line.number.e164,
            carrier_cell(line),
            _number(line.forward_to),
            users_cell(summary.users, line.shared_badge),
        )
    return table


def available_table(offers: Iterable[AvailableNumber]) -> Table:
    """Numbers for sale, with where they are and what they can do."""
    table = Table(title="Available numbers", title_justify="left")
    table.add_column("Number", no_wrap=True)
    table.add_column("Region")
    table.add_column("Locality", overflow="fold")
    table.add_column("Postal code")
    table.add_column("Can")
    for offer in offers:
        abilities = offer.capabilities
        can = [name for name, able in (("sms", abilities.sms), ("mms", abilities.mms)) if able]
        if abilities.voice:
            can.append("voice")
        table.add_row(
            offer.number.e164,
            offer.region or _NONE,
            offer.locality or _NONE,
            offer.postal_code or _NONE,
            ", ".join(can),
        )
    return table


def users_table(users: Iterable[User], numbers: Mapping[str, PhoneNumber]) -> Table:
    """Users with their status, permissions and the number they text from.

    Args:
        users: The users to show.
        numbers: The number of each user who has one, by user id.
    """
    table = Table(title="Users", title_justify="left")
    table.add_column("ID", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Permissions", overflow="fold")
    table.add_column("Number", no_wrap=True)
    for user in users:
        table.add_row(
            user.id,
            user_name(user),
            Text("active") if user.active else Text("inactive", style="red"),
            ", ".join(sorted(user.permissions)) or _NONE,
            _number(numbers.get(user.id)),
        )
    return table


def seats_table(seats: Iterable[SeatSummary]) -> Table:
    """The "Text Messaging Numbers" page: seat, number, users, remaining/total allowance."""
    table = Table(title="Seats", title_justify="left")
    table.add_column("Seat", overflow="fold")
    table.add_column("Number", no_wrap=True)
    table.add_column("Users", overflow="fold")
    table.add_column("Remaining / total", justify="right", no_wrap=True)
    for summary in seats:
        seat = summary.seat
        table.add_row(
            seat.name,
            summary.line.number.e164 if summary.line else Text("no number yet", style="dim"),
            users_cell(summary.users),
            f"{seat.remaining:,} / {seat.monthly_allowance:,}",
        )
    return table


def allowance_policy_text(policy: HostPolicy) -> str:
    """Whose monthly allowance texts use under ``policy``, how much and what counts."""
    if policy.allowance_scope is AllowanceScope.NONE:
        return "none (texts are not metered)"
    whose = "per seat" if policy.allowance_scope is AllowanceScope.SEAT else "one pool per account"
    default = " (a new seat's default)" if policy.allowance_scope is AllowanceScope.SEAT else ""
    return (
        f"{whose}, {policy.monthly_allowance:,} {policy.allowance_unit.value}s a month{default}"
        + (", inbound counted" if policy.count_inbound else "")
    )


def pool_text(pool: AllowancePool) -> Text:
    """The account's pool as the seats page shows a seat's: remaining / total, and the reset."""
    text = Text("Account pool: ")
    text.append(f"{pool.remaining:,} / {pool.monthly_allowance:,}", style="bold")
    text.append(
        f" {pool.unit.value}s left this month ({pool.period}); "
        f"resets on {pool.resets_at:%Y-%m-%d %H:%M} UTC"
    )
    if pool.remaining == 0:
        text.stylize("red")
    return text


def accounts_table(accounts: Iterable[Account]) -> Table:
    """Accounts with their carrier and its (non-secret) settings."""
    table = Table(title="Accounts", title_justify="left")
    table.add_column("ID", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Carrier", no_wrap=True)
    table.add_column("Settings", overflow="fold")
    for account in accounts:
        settings = ", ".join(f"{key}={value}" for key, value in account.provider_settings.items())
        table.add_row(account.id, account.name, account.provider, settings or _NONE)
    return table


def audit_table(entries: Iterable[AuditEntry], names: Mapping[str, str]) -> Table:
    """Who did what, when, and what changed, newest first.

    Args:
        entries: The audit entries.
        names: Display names for user ids and seat ids; unknown ids show as they are.
    """
    table = Table(title="Audit trail", title_justify="left")
    table.add_column("When (UTC)", no_wrap=True)
    table.add_column("Who", overflow="fold")
    table.add_column("What", no_wrap=True)
    table.add_column("Target", no_wrap=True)
    table.add_column("Before → after", overflow="fold")
    for entry in entries:
        table.add_row(
            entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
            names.get(entry.actor_id, entry.actor_id),
            entry.action.value,
            names.get(entry.target, entry.target),
            change_text(entry, names),
        )
    return table


# -- registration ------------------------------------------------------------------------------


def step_cell(status: StepStatus) -> Text:
    """A registration status in the seeds' colours, with its text cue."""
    cue, style = STEP_CUES[status]
    return Text(cue, style=style)


def registration_table(status: RegistrationStatus, *, carrier_ids: bool = True) -> Table:
    """The "Campaign Registration" progress: each step with its status and the carrier's word.

    Args:
        status: The registration.
        carrier_ids: Whether to show the carrier's id of each step (support asks for it).
    """
    table = Table(title="Campaign registration", title_justify="left")
    table.add_column("Step", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Carrier status", no_wrap=True)
    if carrier_ids:
        table.add_column("Carrier id", overflow="fold")
    table.add_column("Submitted (UTC)", no_wrap=True)
    table.add_column("Attempts", justify="right", no_wrap=True)
    for record in status.steps:
        cells: list[str | Text] = [
            record.step.words.capitalize(),
            step_cell(record.status),
            Text(record.raw_status or _NONE),
        ]
        if carrier_ids:
            cells.append(Text(record.provider_ref or _NONE))
        submitted = record.submitted_at
        cells += [
            submitted.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if submitted else _NONE,
            str(record.attempts),
        ]
        table.add_row(*cells)
    return table


def confirmation_text(record: StepRecord) -> Text | None:
    """Who must confirm a waiting step and how; ``None`` unless it waits for a confirmation."""
    confirmation = record.confirmation
    if confirmation is None:
        return None
    text = Text()
    text.append(f"{record.step.words.capitalize()} waits for a confirmation. ", style="bold yellow")
    text.append("Next step: ", style="bold")
    text.append(confirmation.advice)
    return text


def troubleshooting_text(record: StepRecord) -> Text | None:
    """A failed step's reasons and next step ("Troubleshooting"); ``None`` unless it failed."""
    help_ = record.troubleshooting
    if help_ is None:
        return None
    text = Text()
    text.append(f"{record.step.words.capitalize()} failed. ", style="bold red")
    text.append("The carrier's reasons:\n")
    for failure in help_.reasons:
        details = ", ".join(
            part
            for part in (
                f"error {failure.code}" if failure.code else "",
                f"field {failure.field}" if failure.field else "",
            )
            if part
        )
        text.append(f"  • {failure.reason}")
        text.append(f" ({details})\n" if details else "\n", style="dim")
    if not help_.reasons:
        text.append("  • the carrier gave none\n", style="dim")
    text.append("Next step: ", style="bold")
    text.append(help_.advice)
    return text


def lint_table(issues: Iterable[LintIssue]) -> Table:
    """Lint issues: errors (red) block the submission, warnings (yellow) do not."""
    table = Table(title="Registration form check", title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("Field", no_wrap=True)
    table.add_column("Problem", overflow="fold")
    table.add_column("Fix", overflow="fold")
    for issue in issues:
        error = issue.severity is LintSeverity.ERROR
        table.add_row(
            Text("✘ error", style="red") if error else Text("⚠ warning", style="yellow"),
            Text(issue.field),
            Text(issue.problem),
            Text(issue.fix),
        )
    return table


def policy_table(settings: PolicySettings) -> Table:
    """The policy settings: the two URLs that pre-fill the campaign form, and the consent rule."""
    table = Table(title="Policy settings", title_justify="left", show_header=False)
    table.add_column("Setting", no_wrap=True)
    table.add_column("Value", overflow="fold")
    for label, value in (
        ("Privacy policy URL", settings.privacy_policy_url),
        ("Terms & conditions URL", settings.terms_and_conditions_url),
    ):
        table.add_row(label, Text(value) if value else Text("not set", style="yellow"))
    table.add_row(
        "Consent before a first text",
        Text("required") if settings.consent_required else Text("not required", style="dim"),
    )
    if settings.updated_at is not None:
        table.add_row(
            "Saved",
            Text(
                f"{settings.updated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC by {settings.updated_by}"
            ),
        )
    return table


def _origin_cells(origin: PluginOrigin) -> tuple[Text, Text]:
    """The distribution and version cells; a plugin passed in code has neither."""
    if origin.distribution is None:
        return Text("passed in code", style="dim"), Text(_NONE)
    return Text(origin.distribution), Text(origin.version or _NONE)


def carriers_table(carriers: Iterable[InstalledCarrier]) -> Table:
    """Installed carrier adapters with their distribution and what they can do."""
    table = Table(title="Carriers", title_justify="left")
    table.add_column("Carrier", no_wrap=True)
    table.add_column("Distribution", no_wrap=True)
    table.add_column("Version", no_wrap=True)
    table.add_column("Capabilities", overflow="fold")
    for carrier in carriers:
        caps = carrier.info.capabilities
        verticals = caps.brand_verticals
        lines = [
            f"{caps.max_concurrent_sends} concurrent sends, bodies up to "
            f"{caps.max_body_characters:,} characters",
            f"countries {', '.join(sorted(caps.countries))}; numbers "
            + ", ".join(sorted(kind.value for kind in caps.number_types)),
            f"keeps trying a text for {caps.queue_validity.total_seconds() / 3600:g} h",
            "answers help keywords itself" if caps.answers_help else "help answered by the SDK",
            "any brand vertical" if verticals is None else f"{len(verticals)} brand verticals",
            "searches numbers by "
            + (", ".join(sorted(item.value for item in caps.search_filters)) or "nothing"),
            _signature_line(caps.signature_covers_url, caps.signature_max_age),
        ]
        table.add_row(
            Text(carrier.info.name), *_origin_cells(carrier.origin), Text("\n".join(lines))
        )
    return table


def _signature_line(covers_url: bool, max_age: timedelta | None) -> str:
    """What the carrier's webhook signature protects, in a few words."""
    covered = (
        "webhook signature covers the URL" if covers_url else "webhook signature covers no URL"
    )
    if max_age is None:
        return covered
    return f"{covered}; signed requests expire after {max_age.total_seconds() / 60:g} min"


def hosts_table(hosts: Iterable[InstalledHost]) -> Table:
    """Host plugins with their distribution, declared version and description, and policy."""
    table = Table(title="Hosts", title_justify="left")
    table.add_column("Host", max_width=40)
    table.add_column("Distribution", no_wrap=True)
    table.add_column("Version", no_wrap=True)
    table.add_column("Policy", overflow="fold")
    for host in hosts:
        policy = host.policy
        sharing = policy.users_per_number
        body = policy.max_body_characters
        lines = [
            f"users per number: {'no limit' if sharing is None else sharing}",
            f"mass text cap: {policy.mass_text_cap}",
            "body limit: the carrier's" if body is None else f"body limit: {body:,} characters",
            "seats: on" if policy.seats_enabled else "seats: off",
            f"allowance: {allowance_policy_text(policy)}",
            f"quiet hours: {'enforced' if policy.quiet_hours else 'off'}",
        ]
        distribution, version = _origin_cells(host.origin)
        name = Text(host.name)
        if host.info is not None and host.info.version:
            version = Text(host.info.version)
        if host.info is not None and host.info.description:
            name.append(f"\n{host.info.description}", style="dim")
        table.add_row(name, distribution, version, Text("\n".join(lines)))
    return table

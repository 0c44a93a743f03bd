"""``smsadmin demo``: numbers, seats, registration and texting, end to end, on the sandbox carrier.

The demo runs on throwaway files in a temporary folder (a SQLite database per host product and
the sandbox carrier's state) with a clock fixed at :data:`DEMO_START`, so it tells the same
story at any hour of any day and never touches the user's database or a real carrier. It uses
the services exactly as a host application would, and checks what it claims: every refusal must
raise its typed error and change nothing, or the demo fails.

The demo is a sandbox story: it drives the sandbox carrier through its own Python API
(``sms_fake``), on the demo's clock, to let the carrier's reviews end when the story says so
and to make one campaign fail. The services never know; they see a carrier. Its webhooks reach
the webhook app over HTTP on a loopback port, bound for the demo's duration.

It ignores the global options. It needs the sandbox carrier (``sms-core-fake``) and the
``hcm_widget`` and ``ats_seats`` host plugins, and says which are missing otherwise.
"""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from sms_core.cli import output, render
from sms_core.cli.audit import display_names
from sms_core.cli.campaign import describe_sync
from sms_core.cli.demo_texting import texting_story
from sms_core.cli.narration import Narrator
from sms_core.cli.numbers import show_offers
from sms_core.cli.users import user_numbers
from sms_core.clock import ManualClock
from sms_core.domain import AvailableNumber, NumberQuery, RegistrationStep
from sms_core.exceptions import (
    ConfigurationError,
    InvalidPhoneNumberError,
    InvalidPolicyUrlError,
    LineFullError,
    RegistrationExistsError,
    RegistrationLintError,
    TermsNotAcceptedError,
    UnknownHostError,
    UserAlreadyHasLineError,
)
from sms_core.plugins import Hooks
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_core.webhooks import LoopbackServer

if TYPE_CHECKING:
    from sms_fake import SandboxCarrier

__all__ = ["DEMO_START", "demo"]

#: When the story happens: a fixed Wednesday afternoon in mid-month.
DEMO_START = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)

_CARRIER = "fake"
_WIDGET_HOST = "hcm_widget"
_SEAT_HOST = "ats_seats"
_DISTRIBUTIONS = {
    _CARRIER: "sms-core-fake",
    _WIDGET_HOST: "sms-core-hcm-widget",
    _SEAT_HOST: "sms-core-ats-seats",
}
# The host products' own permission names, as their users carry them.
_MARKETPLACE_ADMIN = "Marketplace Admin"
_ADMINISTRATION = "Administration"
_CANDIDATE_PROFILE = "Candidate Profile"
# A fixed seed, so "Auto Assign Number" picks the same number every time.
_SEED = 2025


def demo() -> None:
    """Tell the story on the sandbox carrier: numbers, seats, registration, texting."""
    _check_installed()
    # Imported once the check passed: without the sandbox installed the demo explains, not fails.
    from sms_fake import SandboxCarrier  # noqa: PLC0415

    console = output.out_console()
    clock = ManualClock(DEMO_START)
    story = Narrator(console=console, clock=clock)
    story.say(
        f"Numbers, campaign registration and texting for Northwind Staffing on the sandbox "
        f"carrier. The clock is fixed at {DEMO_START:%Y-%m-%d %H:%M} UTC; everything happens in "
        "a temporary folder."
    )
    with (
        tempfile.TemporaryDirectory(prefix="smsadmin-demo-") as folder,
        LoopbackServer() as server,
    ):
        carrier_state = str(Path(folder) / "sandbox-carrier.sqlite3")
        hooks_url = server.url("/webhooks")
        with SandboxCarrier(carrier_state, clock=clock) as carrier:
            widget_db, seats_db = Path(folder) / "widget.sqlite3", Path(folder) / "seats.sqlite3"
            with _open(widget_db, _WIDGET_HOST, clock, carrier, hooks_url) as sdk:
                _widget_story(story, sdk, carrier_state)
            with _open(seats_db, _SEAT_HOST, clock, carrier, hooks_url) as sdk:
                _seat_story(story, sdk, carrier_state)
            with _open(widget_db, _WIDGET_HOST, clock, carrier, hooks_url) as sdk:
                _registration_story(story, sdk.account("northwind"), carrier)
                _troubleshooting_story(story, sdk, carrier, carrier_state)
                texting_story(story, sdk, carrier, server)
    console.print()
    output.success(
        console, "The story is complete: every rule held and every refusal changed nothing."
    )


def _check_installed() -> None:
    missing = [] if _CARRIER in Hooks.create().providers() else [_CARRIER]
    for host in (_WIDGET_HOST, _SEAT_HOST):
        try:
            Hooks.create(host=host)
        except UnknownHostError:
            missing.append(host)
    if missing:
        names = ", ".join(repr(name) for name in missing)
        distributions = " ".join(_DISTRIBUTIONS[name] for name in missing)
        raise ConfigurationError(
            f"smsadmin demo needs the sandbox carrier and both host plugins; not installed: "
            f"{names}. Install them with 'pip install {distributions}' "
            "(or take them out of SMS_CORE_DISABLED_PLUGINS)"
        )


def _open(
    database: Path, host: str, clock: ManualClock, carrier: SandboxCarrier, webhooks: str
) -> SmsAdmin:
    # The sandbox adapter passed here, on the demo's clock, replaces the installed one; the
    # numbers' webhook URLs name the demo's loopback port.
    from sms_fake import FakeAdapter  # noqa: PLC0415

    return SmsAdmin.open(
        f"sqlite:///{database}",
        host=host,
        plugins=[FakeAdapter(carrier=carrier)],
        clock=clock,
        rng=random.Random(_SEED),
        webhook_base_url=webhooks,
    )


def _create_account(
    story: Narrator, sdk: SmsAdmin, account_id: str, carrier_state: str
) -> AccountAdmin:
    account = sdk.create_account(
        account_id,
        name="Northwind Staffing",
        provider=_CARRIER,
        provider_settings={"state_path": carrier_state},
    )
    story.done(f"Created account {account_id!r} (Northwind Staffing) on the sandbox carrier")
    return account


def _show_users(story: Narrator, account: AccountAdmin) -> None:
    story.show(render.users_table(account.users.list(), user_numbers(account)))


def _search(
    story: Narrator, account: AccountAdmin, actor: str, query: NumberQuery
) -> list[AvailableNumber]:
    offers = account.numbers.search(actor, query)
    show_offers(story.console, offers, query)
    return offers


# -- the HCM widget: numbers bought for users, shared, re-allocated --------------------------------


def _widget_story(story: Narrator, sdk: SmsAdmin, carrier_state: str) -> None:
    story.part(f"Part 1 · HCM widget (host {_WIDGET_HOST!r}): numbers for recruiters")

    story.step("Create the account on the sandbox carrier")
    account = _create_account(story, sdk, "northwind", carrier_state)
    numbers, users = account.numbers, account.users

    story.step("Sync users from the HCM: a Marketplace Admin and three recruiters")
    admin = "u-morgan"
    users.upsert(admin, first_name="Morgan", last_name="Reyes", permissions=[_MARKETPLACE_ADMIN])
    users.upsert("u-ada", first_name="Ada", last_name="Lee")
    users.upsert("u-ben", first_name="Ben", last_name="Ortiz")
    users.upsert("u-cleo", first_name="Cleo", last_name="Park")
    _show_users(story, account)

    story.step("Search numbers by area code (415)")
    offers = _search(story, account, admin, NumberQuery(area_code="415", limit=5))
    story.step("Search numbers by state (Texas)")
    _search(story, account, admin, NumberQuery(region="Texas", limit=5))
    story.step("Search numbers by zip code: 94105, then 59801")
    _search(story, account, admin, NumberQuery(postal_code="94105", limit=3))
    _search(story, account, admin, NumberQuery(postal_code="59801", limit=3))

    def lines_and_audit() -> object:
        return numbers.list(), account.audit.list()

    first, second = offers[0].number, offers[1].number
    story.step("Purchase without agreeing to the subscription terms")
    story.refused(
        TermsNotAcceptedError,
        lambda: numbers.purchase(admin, first, ["u-ada"], accept_terms=False),
        state=lines_and_audit,
        what="the numbers or the audit trail",
    )

    story.step("Purchase a number for Ada, agreeing to the terms")
    numbers.purchase(admin, first, ["u-ada"], accept_terms=True)
    story.show(render.lines_table(numbers.list()))
    story.say(
        f"{render.UNREGISTERED}: the number is not on an approved campaign yet; it turns "
        f"{render.REGISTERED} once the campaign registration attaches it."
    )

    story.step("Purchase a number shared by Ben and Cleo (+1)")
    numbers.purchase(admin, second, ["u-ben", "u-cleo"], accept_terms=True)
    story.show(render.lines_table(numbers.list()))

    story.step("Assign Ada to the shared number as well: she already has a line")
    story.refused(
        UserAlreadyHasLineError,
        lambda: numbers.assign(admin, second, "u-ada"),
        state=lines_and_audit,
        what="the numbers or the audit trail",
    )

    story.step("Cleo leaves the agency: the HCM deactivates her (red)")
    users.deactivate("u-cleo")
    story.show(render.lines_table(numbers.list()))

    story.step("Dana joins; re-allocate Cleo's place on the shared number to her")
    users.upsert("u-dana", first_name="Dana", last_name="Kim")
    numbers.reallocate(admin, second, "u-cleo", "u-dana")
    story.show(render.lines_table(numbers.list()))

    story.step("Ben forwards calls to the shared number to his mobile")
    numbers.set_forwarding("u-ben", second, "(415) 555-0199")
    story.show(render.lines_table(numbers.list()))

    story.step("Forward calls to a number that is not one")
    story.refused(
        InvalidPhoneNumberError,
        lambda: numbers.set_forwarding("u-ben", second, "555-01"),
        state=lines_and_audit,
        what="the numbers or the audit trail",
    )

    story.step("Deactivate Ada's number: the carrier takes it back")
    numbers.deactivate(admin, first)
    story.done(f"Deactivated {first}")
    story.show(render.lines_table(numbers.list()))

    story.step("The audit trail: who did what, when")
    story.show(render.audit_table(account.audit.list(), display_names(account)))


# -- the ATS: seats with a number, up to three users and a monthly allowance -----------------------


def _seat_story(story: Narrator, sdk: SmsAdmin, carrier_state: str) -> None:
    story.part(f"Part 2 · ATS seats (host {_SEAT_HOST!r}): a number per seat, three users each")

    story.step("Create the account and sync users: an administrator and four recruiters")
    account = _create_account(story, sdk, "northwind-ats", carrier_state)
    seats, users = account.seats, account.users
    admin = "u-riley"
    users.upsert(admin, first_name="Riley", last_name="Chen", permissions=[_ADMINISTRATION])
    recruiters = {
        "u-eli": "Eli Brooks",
        "u-fay": "Fay Nguyen",
        "u-gus": "Gus Patel",
        "u-hana": "Hana Ito",
    }
    for user_id, full_name in recruiters.items():
        first_name, last_name = full_name.split()
        users.upsert(
            user_id, first_name=first_name, last_name=last_name, permissions=[_CANDIDATE_PROFILE]
        )
    _show_users(story, account)

    story.step("Create two seats")
    seat_1 = seats.create(admin, "Seat 1").id
    seat_2 = seats.create(admin, "Seat 2", monthly_allowance=500).id
    story.show(render.seats_table(seats.list()))

    story.step("Seat 1: Auto Assign Number")
    summary = seats.auto_assign(admin, seat_1, accept_terms=True)
    story.done(f"Seat 1 texts from {summary.line.number if summary.line else 'nothing'}")

    story.step("Seat 2: Choose Number in area code 512, then Complete Setup")
    offers = seats.generate_numbers(admin, "512")
    show_offers(story.console, offers, NumberQuery(area_code="512"))
    seats.complete_setup(admin, seat_2, offers[0].number, accept_terms=True)
    story.show(render.seats_table(seats.list()))

    def seats_and_audit() -> object:
        return seats.list(), account.audit.list()

    story.step("Assign three users to Seat 1")
    seats.assign_users(admin, seat_1, ["u-eli", "u-fay", "u-gus"])
    story.show(render.seats_table(seats.list()))

    story.step("Assign a fourth user to Seat 1: three is the limit")
    story.refused(
        LineFullError,
        lambda: seats.assign_users(admin, seat_1, ["u-hana"]),
        state=seats_and_audit,
        what="the seats or the audit trail",
    )

    story.step("Put Eli on Seat 2 as well: a user has one seat at a time")
    story.refused(
        UserAlreadyHasLineError,
        lambda: seats.assign_users(admin, seat_2, ["u-eli"]),
        state=seats_and_audit,
        what="the seats or the audit trail",
    )

    story.step("Hana goes on Seat 2; the seats with their remaining / total allowance")
    seats.assign_users(admin, seat_2, ["u-hana"])
    story.show(render.seats_table(seats.list()))
    policy = sdk.hooks.host_policy(account.account)
    story.show(f"Allowance: {render.allowance_policy_text(policy)}")


# -- campaign registration: policy URLs, brand → campaign → messaging service ------------------

_PRIVACY = "https://northwind-staffing.example.com/privacy"
_TERMS = "https://northwind-staffing.example.com/terms"


def _advance(
    story: Narrator, carrier: SandboxCarrier, account: AccountAdmin, by: timedelta
) -> None:
    """Let carrier time pass, then sync as the scheduler would, and show what changed."""
    carrier.advance(by)
    report = account.registration.sync()
    for line in describe_sync(report):
        story.show(line)
    story.show(render.registration_table(report.status, carrier_ids=False))


def _registration_story(story: Narrator, account: AccountAdmin, carrier: SandboxCarrier) -> None:
    story.part(f"Part 3 · HCM widget (host {_WIDGET_HOST!r}): campaign registration")
    admin, policy, registration = "u-morgan", account.policy, account.registration

    story.step("Policy Settings: a privacy policy URL that is not https")
    story.refused(
        InvalidPolicyUrlError,
        lambda: policy.set(
            admin,
            privacy_policy_url="http://northwind-staffing.example.com/privacy",
            terms_and_conditions_url=_TERMS,
        ),
        state=policy.get,
        what="the policy settings",
    )

    story.step("Policy Settings: save the privacy policy and terms & conditions URLs")
    policy.set(admin, privacy_policy_url=_PRIVACY, terms_and_conditions_url=_TERMS)
    story.show(render.policy_table(policy.get()))

    brand = sample_brand("Northwind Staffing LLC")
    form = attrs.evolve(
        sample_campaign("Northwind Staffing"), privacy_policy_url="", terms_and_conditions_url=""
    )
    story.step("Check a campaign form the carriers would reject, before they see it")
    careless = attrs.evolve(
        form,
        sample_messages=("Interview tomorrow? Details: https://nw.example/i", "See you at 9."),
    )
    story.show(render.lint_table(registration.lint(brand, careless).issues))
    story.refused(
        RegistrationLintError,
        lambda: registration.register(admin, brand, careless),
        state=registration.status,
        what="the registration (nothing was submitted)",
    )

    story.step("Register: the brand goes to the carrier; the policy URLs fill the form")
    status = registration.register(admin, brand, form).status
    story.show(render.registration_table(status, carrier_ids=False))
    story.say(f"{render.STEP_CUES[status.brand.status][0]}: reviews take hours; a scheduler syncs.")

    story.step("Register a second time while the brand is in review")
    story.refused(
        RegistrationExistsError,
        lambda: registration.register(admin, brand, form),
        state=registration.status,
        what="the registration",
    )

    story.step("An hour later on the carrier: the brand is approved, the campaign submitted")
    _advance(story, carrier, account, timedelta(hours=1))

    story.step("Buy a number for Ada while the campaign is in review")
    [offer] = account.numbers.search(admin, NumberQuery(area_code="415", limit=1))
    account.numbers.purchase(admin, offer.number, ["u-ada"], accept_terms=True)
    story.show(render.lines_table(account.numbers.list()))

    story.step("Four hours later: the campaign is approved; the messaging service starts")
    _advance(story, carrier, account, timedelta(hours=4))

    story.step("A day later: the messaging service is ready and every number is attached")
    _advance(story, carrier, account, timedelta(days=1))
    story.show(render.lines_table(account.numbers.list()))

    story.step("Buy a number for Eve now: it is registered at purchase")
    account.users.upsert("u-eve", first_name="Eve", last_name="Santos")
    [offer] = account.numbers.search(admin, NumberQuery(area_code="415", limit=1))
    account.numbers.purchase(admin, offer.number, ["u-eve"], accept_terms=True)
    story.show(render.lines_table(account.numbers.list()))


def _troubleshooting_story(
    story: Narrator, sdk: SmsAdmin, carrier: SandboxCarrier, carrier_state: str
) -> None:
    story.part("Part 4 · Troubleshooting: a campaign the carrier refuses, fixed and resubmitted")
    name = "Harbor Staffing"

    story.step("Create a second agency, register it, and let the carrier review it")
    account = sdk.create_account(
        "harbor", name=name, provider=_CARRIER, provider_settings={"state_path": carrier_state}
    )
    admin = "u-kai"
    account.users.upsert(
        admin, first_name="Kai", last_name="Moreno", permissions=[_MARKETPLACE_ADMIN]
    )
    # The sandbox's steering: the carrier will refuse this agency's next campaign.
    carrier.fail_next(
        "harbor",
        RegistrationStep.CAMPAIGN,
        "Opt-in is unclear: the message flow must say candidates agree to texts and why",
        field="message_flow",
    )
    campaign = sample_campaign(name)
    account.registration.register(admin, sample_brand(f"{name} LLC"), campaign)
    _advance(story, carrier, account, timedelta(hours=1))

    story.step("Four hours later: the campaign failed; its reasons and the next step")
    _advance(story, carrier, account, timedelta(hours=4))
    failed = account.registration.status().failed
    if failed is not None and (help_ := render.troubleshooting_text(failed)) is not None:
        story.show(help_)

    story.step("Fix the message flow and resubmit the campaign")
    fixed = attrs.evolve(
        campaign,
        message_flow=(
            f"Candidates opt in to recruiting texts from {name} (interviews, shifts, "
            "onboarding) by ticking an unchecked box on the application form that names text "
            "messages; msg & data rates may apply; reply STOP to opt out, HELP for help."
        ),
    )
    status = account.registration.resubmit(admin, RegistrationStep.CAMPAIGN, campaign=fixed).status
    story.show(render.registration_table(status, carrier_ids=False))

    story.step("The review passes: the campaign is approved, then the messaging service")
    _advance(story, carrier, account, timedelta(hours=4))
    _advance(story, carrier, account, timedelta(days=1))

"""The demo's setting: its hour, host products and permissions, and the steps every part takes.

Every part of the story (one module each) runs on these: the fixed hour, the two host products
and their permission names, and creating an account, showing its users, searching numbers and
letting the carrier's review time pass.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sms_core.cli import render
from sms_core.cli.campaign import describe_sync
from sms_core.cli.narration import Narrator
from sms_core.cli.numbers import show_offers
from sms_core.cli.users import user_numbers
from sms_core.domain import AvailableNumber, NumberQuery

if TYPE_CHECKING:
    from sms_core.services import AccountAdmin, SmsAdmin
    from sms_fake import SandboxCarrier

__all__ = [
    "ADMINISTRATION",
    "CANDIDATE_PROFILE",
    "CARRIER",
    "DEMO_START",
    "DISTRIBUTIONS",
    "MARKETPLACE_ADMIN",
    "SEAT_HOST",
    "SEED",
    "WIDGET_HOST",
    "advance",
    "create_account",
    "search",
    "show_users",
]


#: When the story happens: a fixed Wednesday afternoon in mid-month.
DEMO_START = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)

CARRIER = "fake"
WIDGET_HOST = "hcm_widget"
SEAT_HOST = "ats_seats"
DISTRIBUTIONS = {
    CARRIER: "sms-core-fake",
    WIDGET_HOST: "sms-core-hcm-widget",
    SEAT_HOST: "sms-core-ats-seats",
}
# The host products' own permission names, as their users carry them.
MARKETPLACE_ADMIN = "Marketplace Admin"
ADMINISTRATION = "Administration"
CANDIDATE_PROFILE = "Candidate Profile"
# A fixed seed, so "Auto Assign Number" picks the same number every time.
SEED = 2025


def create_account(
    story: Narrator, sdk: SmsAdmin, account_id: str, carrier_state: str
) -> AccountAdmin:
    """Create Northwind Staffing's account ``account_id`` on the sandbox carrier."""
    account = sdk.create_account(
        account_id,
        name="Northwind Staffing",
        provider=CARRIER,
        provider_settings={"state_path": carrier_state},
    )
    story.done(f"Created account {account_id!r} (Northwind Staffing) on the sandbox carrier")
    return account


def show_users(story: Narrator, account: AccountAdmin) -> None:
    """Show the account's users with their numbers."""
    story.show(render.users_table(account.users.list(), user_numbers(account)))


def search(
    story: Narrator, account: AccountAdmin, actor: str, query: NumberQuery
) -> list[AvailableNumber]:
    """Search numbers as ``actor`` and show the offers."""
    offers = account.numbers.search(actor, query)
    show_offers(story.console, offers, query)
    return offers


def advance(story: Narrator, carrier: SandboxCarrier, account: AccountAdmin, by: timedelta) -> None:
    """Let carrier time pass, then sync as the scheduler would, and show what changed."""
    carrier.advance(by)
    report = account.registration.sync()
    for line in describe_sync(report):
        story.show(line)
    story.show(render.registration_table(report.status, carrier_ids=False))

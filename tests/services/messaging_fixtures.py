"""The texting tests' set-up: a registered account on a sandbox carrier, on one manual clock.

Test classes inherit :class:`Texting` for its fixtures, which replace the shared ``admin`` and
``acme`` ones: the carrier is passed to the adapter so tests can steer it, and the account's
campaign is approved, so numbers bought for users can text at once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest

from sms_core import (
    AccountAdmin,
    Activity,
    AllowanceScope,
    AllowanceUnit,
    CampaignProfile,
    Direction,
    HostInfo,
    HostPolicy,
    ManualClock,
    NumberQuery,
    PhoneNumber,
    RegistrationStep,
    SmsAdmin,
    WebhookKind,
    WebhookResponse,
    hookimpl,
)
from sms_core.plugins.defaults import ADMIN_PERMISSION
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import CarrierMessage, FakeAdapter, SandboxCarrier

#: 11:00 in New York and 08:00 in San Francisco on a Tuesday: every test number may be texted.
START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

#: The admin permission of the core defaults and of both first-party hosts.
ADMIN_PERMISSIONS = (ADMIN_PERMISSION, "Marketplace Admin", "Administration")
#: Page access that lets a user text under the ATS host (the other hosts need nothing).
TEXTING_PERMISSIONS = ("Candidate Profile",)

#: Candidates' numbers in New York (Eastern time).
ALICE, BRUNO, CARLA, DEV = "+12125550101", "+12125550102", "+12125550103", "+12125550104"
#: A candidate in Los Angeles (Pacific time), whose quiet hours end at 15:00 UTC in March.
LARA = "+13105550150"

WEBHOOK_BASE = "https://sms.example.test/webhooks"


class ActivityLog:
    """A plugin that keeps every activity the SDK records, as a host's history would."""

    def __init__(self) -> None:
        self.activities: list[Activity] = []

    @hookimpl
    def sms_record_activity(self, activity: Activity) -> None:
        """Keep the activity."""
        self.activities.append(activity)


class Texting:
    """Fixtures for an account whose campaign is approved, on a sandbox carrier."""

    @pytest.fixture
    def clock(self) -> ManualClock:
        return ManualClock(START)

    @pytest.fixture
    def host(self) -> str | None:
        """The host plugin; the core defaults unless a test class overrides it."""
        return None

    @pytest.fixture
    def plugins(self) -> Sequence[object]:
        """Extra plugins (a configured host); none unless a test class overrides it."""
        return ()

    @pytest.fixture
    def activity(self) -> ActivityLog:
        return ActivityLog()

    @pytest.fixture
    def carrier(self, tmp_path: Path, clock: ManualClock) -> Iterator[SandboxCarrier]:
        with SandboxCarrier(tmp_path / "carrier.sqlite3", clock=clock) as opened:
            yield opened

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        """The carrier adapter; a test class may wrap the sandbox in one of its own."""
        return FakeAdapter(carrier=carrier)

    @pytest.fixture
    def admin(
        self,
        database_url: str,
        clock: ManualClock,
        host: str | None,
        adapter: FakeAdapter,
        plugins: Sequence[object],
        activity: ActivityLog,
    ) -> Iterator[SmsAdmin]:
        with open_admin(database_url, clock, host, [adapter, *plugins, activity]) as opened:
            yield opened

    @pytest.fixture
    def acme(self, admin: SmsAdmin, carrier: SandboxCarrier) -> AccountAdmin:
        """The account with an admin and three recruiters, its campaign approved."""
        return create_acme(admin, carrier)


def open_admin(
    database_url: str, clock: ManualClock, host: str | None, plugins: Sequence[object]
) -> SmsAdmin:
    """The SDK on ``database_url`` with ``plugins`` (the sandbox adapter among them)."""
    return SmsAdmin.open(
        database_url,
        host=host,
        plugins=plugins,
        clock=clock,
        webhook_base_url=WEBHOOK_BASE,
        rng=random.Random(7),
    )


def create_acme(admin: SmsAdmin, carrier: SandboxCarrier) -> AccountAdmin:
    """Create the account with its users, and take its registration through to approval."""
    account = admin.create_account("acme", name="Acme Staffing", provider="fake")
    account.users.upsert(
        "admin", first_name="Dana", last_name="Reyes", permissions=ADMIN_PERMISSIONS
    )
    for user_id, first, last in (
        ("ann", "Ann", "Lee"),
        ("bob", "Bob", "Stone"),
        ("cy", "Cy", "Young"),
    ):
        account.users.upsert(
            user_id, first_name=first, last_name=last, permissions=TEXTING_PERMISSIONS
        )
    approve_registration(account, carrier)
    return account


def approve_registration(
    account: AccountAdmin, carrier: SandboxCarrier, campaign: CampaignProfile | None = None
) -> None:
    """Register the sample brand and a campaign (the sample's) and let every review end."""
    account.registration.register("admin", sample_brand(), campaign or sample_campaign())
    for step in RegistrationStep:
        carrier.advance(carrier.review_duration(step))
        account.registration.sync()


def buy_line(account: AccountAdmin, *user_ids: str, area_code: str = "415") -> PhoneNumber:
    """Buy a number for the users; it is registered, as the campaign is approved."""
    [offer] = account.numbers.search("admin", NumberQuery(area_code=area_code, limit=1))
    account.numbers.purchase("admin", offer.number, user_ids, accept_terms=True)
    return offer.number


def seat_line(account: AccountAdmin, allowance: int, *user_ids: str) -> tuple[str, str]:
    """A seat with ``allowance`` messages a month, a 415 number and its users.

    Returns:
        The seat's id and its number.
    """
    seat = account.seats.create("admin", "Seat 1", monthly_allowance=allowance)
    offer = account.seats.generate_numbers("admin", "415")[0]
    account.seats.complete_setup("admin", seat.id, offer.number, accept_terms=True)
    account.seats.assign_users("admin", seat.id, list(user_ids))
    return seat.id, offer.number.e164


def outbound_at_carrier(carrier: SandboxCarrier, account_id: str = "acme") -> list[CarrierMessage]:
    """The texts the carrier accepted from the account, oldest first."""
    return [m for m in carrier.messages(account_id) if m.direction is Direction.OUTBOUND]


def reply(
    account: AccountAdmin, carrier: SandboxCarrier, sender: str, line: str, body: str
) -> None:
    """Have ``sender`` text ``line`` and deliver the carrier's webhook to the account."""
    carrier.inject_inbound_text(
        account.account.id, PhoneNumber.parse(sender), PhoneNumber.parse(line), body
    )
    deliver_webhooks(account, carrier)


def deliver_webhooks(account: AccountAdmin, carrier: SandboxCarrier) -> list[WebhookResponse]:
    """Hand every webhook due at carrier time to the account, as the webhook app would."""
    return [
        account.webhooks.handle(WebhookKind(request.url.rsplit("/", 1)[-1]), request)
        for request in carrier.collect_webhooks()
    ]


def history_viewer(account: AccountAdmin) -> str:
    """An active user who may read the account's message history: a recruiter, else the admin."""
    active = {user.id for user in account.users.list(active_only=True)}
    return next(user_id for user_id in ("ann", "bob", "cy", "eve", "admin") if user_id in active)


def snapshot(account: AccountAdmin, carrier: SandboxCarrier) -> tuple[object, ...]:
    """Everything a send could change: messages, opt-outs, seats, the pool, the carrier's texts."""
    lines = [summary.line.number for summary in account.numbers.list()]
    viewer = history_viewer(account)
    threads = [
        account.messages.thread(viewer, line, number)
        for line in lines
        for number in (ALICE, BRUNO, CARLA, DEV, LARA)
    ]
    return (
        threads,
        account.optouts.list(viewer, include_lifted=True),
        account.seats.list(),
        account.allowance.pool(),
        outbound_at_carrier(carrier, account.account.id),
    )


class PooledHost:
    """A host product that sells the agency one monthly pool of texts, shared by every line."""

    name: ClassVar[str] = "pooled"

    def __init__(
        self,
        *,
        monthly_allowance: int = 3,
        allowance_unit: AllowanceUnit = AllowanceUnit.MESSAGE,
        count_inbound: bool = False,
    ) -> None:
        self.policy = HostPolicy(
            allowance_scope=AllowanceScope.ACCOUNT,
            monthly_allowance=monthly_allowance,
            allowance_unit=allowance_unit,
            count_inbound=count_inbound,
        )

    @hookimpl
    def sms_host_info(self) -> HostInfo:
        """The pooled policy, the same for every account."""
        return HostInfo(name=self.name, policy=self.policy)

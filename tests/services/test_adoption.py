"""Adopting what an account already holds at its carrier: numbers as lines, a registration."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from threading import Barrier

import pytest

from sms_core import (
    Account,
    AdoptionMismatchError,
    AlreadyExistsError,
    AuditAction,
    InactiveUserError,
    InvalidFieldError,
    InvalidInputError,
    LineFullError,
    ManualClock,
    NumberNotHeldError,
    NumberQuery,
    NumberSettings,
    PermissionDeniedError,
    PhoneNumber,
    ProviderError,
    ProvisionedNumber,
    RegistrationExistsError,
    RegistrationStep,
    SeatRequiredError,
    StepStatus,
    UserAlreadyHasLineError,
    hookimpl,
)
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import FakeAdapter, SandboxCarrier
from sms_fake.errors import conflict

BRAND, CAMPAIGN, SERVICE = RegistrationStep
#: Where numbers bought in the carrier's console send their webhooks: the agency's old system.
OLD = NumberSettings(
    sms_url="https://old.example.test/sms", voice_url="https://old.example.test/voice"
)


class FlakyAdapter(FakeAdapter):
    """The sandbox, refusing to repoint the numbers in ``refused`` (the carrier's outage).

    With ``meanwhile`` set, the first repointing runs it first: another admin's adoption
    that lands while this one talks to the carrier.
    """

    refused: set[PhoneNumber]
    meanwhile: Callable[[], object] | None = None
    pair: Barrier | None = None

    @hookimpl
    def sms_adopt_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        if number.number in self.refused and settings.sms_url != OLD.sms_url:
            raise conflict(f"{number.number} cannot be configured right now")
        if (other := self.meanwhile) is not None:
            self.meanwhile = None
            other()
        if (pair := self.pair) is not None and settings.sms_url != OLD.sms_url:
            pair.wait()  # both adoptions have passed their checks
        return super().sms_adopt_number(account, number, settings)


@pytest.fixture
def carrier(carrier_path: Path, clock: ManualClock) -> Iterator[SandboxCarrier]:
    """The sandbox carrier on the tests' clock, where the agency also works in its console."""
    with SandboxCarrier(carrier_path, clock=clock) as opened:
        yield opened


@pytest.fixture
def adapter(carrier: SandboxCarrier) -> FlakyAdapter:
    made = FlakyAdapter(carrier=carrier)
    made.refused = set()
    return made


@pytest.fixture
def admin(
    database_url: str, clock: ManualClock, host: str | None, adapter: FlakyAdapter
) -> Iterator[SmsAdmin]:
    with SmsAdmin.open(
        database_url,
        host=host,
        plugins=[adapter],
        clock=clock,
        webhook_base_url="https://sms.example.test/webhooks",
        rng=random.Random(7),
    ) as opened:
        yield opened


def held(carrier: SandboxCarrier, area_code: str = "415") -> PhoneNumber:
    """A number the account bought in the carrier's console, pointing at its old system."""
    [offer] = carrier.search_numbers(NumberQuery(area_code=area_code, limit=1))
    return carrier.purchase_number("acme", offer.number, OLD).number


def webhooks(carrier: SandboxCarrier, number: PhoneNumber) -> tuple[str | None, str | None]:
    [found] = [n for n in carrier.numbers("acme") if n.number == number]
    return found.settings.sms_url, found.settings.voice_url


def state(account: AccountAdmin) -> tuple[object, ...]:
    """Everything an adoption could change, to show a refusal changed nothing."""
    return (tuple(account.numbers.list()), tuple(account.audit.list()))


def approved_at_carrier(carrier: SandboxCarrier) -> tuple[str, str, str]:
    """A brand, campaign and service the agency registered in the console, all approved."""
    brand = carrier.submit_brand("acme", sample_brand())
    carrier.complete_review("acme", brand.sid)
    campaign = carrier.submit_campaign("acme", brand.sid, sample_campaign())
    carrier.complete_review("acme", campaign.sid)
    service = carrier.submit_messaging_service("acme", campaign.sid)
    carrier.complete_review("acme", service.sid)
    return brand.sid, campaign.sid, service.sid


class TestAdoptable:
    """The numbers held at the carrier that are no line yet."""

    def test_number_bought_in_the_console_is_adoptable(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """It is listed, with its id, and flagged as answered elsewhere."""
        number = held(carrier)
        [adoptable] = acme.numbers.adoptable("admin")
        assert number == adoptable.number
        assert adoptable.points_elsewhere
        assert OLD.sms_url == adoptable.held.settings.sms_url

    def test_lines_are_not_adoptable(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A number bought through the SDK is a line already, so it is not listed."""
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="212", limit=1))
        acme.numbers.purchase("admin", offer.number, ["ann"], accept_terms=True)
        number = held(carrier)
        assert [number] == [a.number for a in acme.numbers.adoptable("admin")]

    def test_needs_the_admin_permission(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A recruiter cannot list the carrier's numbers."""
        held(carrier)
        with pytest.raises(PermissionDeniedError):
            acme.numbers.adoptable("ann")


class TestAdopt:
    """Adopting numbers as a purchase makes lines, without buying."""

    def test_adopted_number_is_a_line_pointing_at_the_sdk(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """The line has its users; the carrier now sends its texts and calls to the SDK."""
        number = held(carrier)
        [summary] = acme.numbers.adopt("admin", [str(number)], users={str(number): ["ann"]})
        assert number == summary.line.number
        assert ["ann"] == [user.id for user in summary.users]
        assert not summary.line.registered
        ours = acme.numbers.adoptable  # nothing left to adopt
        assert [] == ours("admin")
        assert (
            "https://sms.example.test/webhooks/acme/messages",
            "https://sms.example.test/webhooks/acme/calls",
        ) == webhooks(carrier, number)
        [entry] = acme.audit.list()
        assert AuditAction.ADOPT_NUMBER == entry.action
        assert {"sms_url": OLD.sms_url, "voice_url": OLD.voice_url} == entry.before
        assert ["ann"] == entry.after["users"]  # type: ignore[index]

    def test_adopted_number_joins_the_approved_registration(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """With the messaging service approved, an adopted number is attached at once."""
        acme.registration.adopt(
            "admin", **dict(zip(_IDS, approved_at_carrier(carrier), strict=True))
        )
        number = held(carrier)
        [summary] = acme.numbers.adopt("admin", [number])
        assert summary.line.registered
        [found] = [n for n in carrier.numbers("acme") if n.number == number]
        assert found.service_sid is not None

    def test_several_numbers_at_once(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """Each number gets its own users; a number left out of ``users`` gets none."""
        first, second = held(carrier, "415"), held(carrier, "212")
        lines = acme.numbers.adopt("admin", [first, second], users={first: ["ann"]})
        assert [(first, ["ann"]), (second, [])] == [
            (s.line.number, [u.id for u in s.users]) for s in lines
        ]

    def test_carrier_failure_midway_puts_everything_back(
        self, acme: AccountAdmin, carrier: SandboxCarrier, adapter: FlakyAdapter
    ) -> None:
        """The second number cannot be repointed: the first gets its old webhooks, no line."""
        first, second = held(carrier, "415"), held(carrier, "212")
        adapter.refused = {second}
        before = state(acme)
        with pytest.raises(ProviderError):
            acme.numbers.adopt("admin", [first, second], users={first: ["ann"]})
        assert before == state(acme)
        assert (OLD.sms_url, OLD.voice_url) == webhooks(carrier, first)
        assert (OLD.sms_url, OLD.voice_url) == webhooks(carrier, second)

    def test_concurrent_adoption_keeps_the_winners_webhooks(
        self, acme: AccountAdmin, carrier: SandboxCarrier, adapter: FlakyAdapter
    ) -> None:
        """Two admins adopt one number at once: one line, still answering at the SDK."""
        number = held(carrier)
        adapter.meanwhile = lambda: acme.numbers.adopt("admin", [number], users={number: ["bob"]})
        with pytest.raises(AlreadyExistsError, match="concurrent change"):
            acme.numbers.adopt("admin", [number], users={number: ["ann"]})
        [line] = acme.numbers.list()
        assert ["bob"] == [user.id for user in line.users]
        assert OLD.sms_url != webhooks(carrier, number)[0]

    def test_two_admins_at_once_one_line(
        self, acme: AccountAdmin, carrier: SandboxCarrier, adapter: FlakyAdapter
    ) -> None:
        """Two threads, each on its own connection, adopt one number: one line, at the SDK."""
        number = held(carrier)
        adapter.pair = Barrier(2, timeout=30)

        def adopt(user_id: str) -> str:
            try:
                acme.numbers.adopt("admin", [number], users={number: [user_id]})
            except AlreadyExistsError:
                return "refused"
            return "adopted"

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = sorted(pool.map(adopt, ["ann", "bob"]))
        assert ["adopted", "refused"] == outcomes
        [line] = acme.numbers.list()
        assert 1 == len(line.users)
        assert OLD.sms_url != webhooks(carrier, number)[0]

    def test_number_not_held_is_refused(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A number the carrier does not list for the account is refused by name."""
        other = carrier.search_numbers(NumberQuery(area_code="312", limit=1))[0].number
        number = held(carrier)
        before = state(acme)
        with pytest.raises(NumberNotHeldError, match=other.e164.replace("+", r"\+")):
            acme.numbers.adopt("admin", [number, other])
        assert before == state(acme)
        assert (OLD.sms_url, OLD.voice_url) == webhooks(carrier, number)

    def test_a_line_already_is_refused(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """Adopting a number twice is refused the second time; nothing changes."""
        number = held(carrier)
        acme.numbers.adopt("admin", [number])
        before = state(acme)
        with pytest.raises(AlreadyExistsError, match="already"):
            acme.numbers.adopt("admin", [number])
        assert before == state(acme)

    @pytest.mark.parametrize(
        ("users", "error"),
        [
            pytest.param({"first": ["ann"], "second": ["ann"]}, InvalidInputError, id="twice"),
            pytest.param({"first": ["dan"]}, InactiveUserError, id="inactive"),
            pytest.param({"first": ["bob"]}, UserAlreadyHasLineError, id="has a line"),
            pytest.param({"third": ["ann"]}, InvalidInputError, id="not adopted"),
            pytest.param({"first": ["ann", "cy"]}, LineFullError, id="over the sharing limit"),
        ],
    )
    def test_user_refusals_change_nothing(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        users: dict[str, list[str]],
        error: type[Exception],
    ) -> None:
        """A refused user stops the whole adoption before the carrier is called."""
        acme.users.upsert("dan", first_name="Dan", last_name="Ray", active=False)
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="312", limit=1))
        acme.numbers.purchase("admin", offer.number, ["bob"], accept_terms=True)
        named = {"first": held(carrier, "415"), "second": held(carrier, "212")}
        named["third"] = carrier.search_numbers(NumberQuery(area_code="646", limit=1))[0].number
        before = state(acme)
        with pytest.raises(error):
            acme.numbers.adopt(
                "admin",
                [named["first"], named["second"]],
                users={named[key]: ids for key, ids in users.items()},
            )
        assert before == state(acme)
        assert (OLD.sms_url, OLD.voice_url) == webhooks(carrier, named["first"])

    def test_needs_the_admin_permission(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A recruiter cannot adopt numbers."""
        number = held(carrier)
        with pytest.raises(PermissionDeniedError):
            acme.numbers.adopt("ann", [number])
        assert (OLD.sms_url, OLD.voice_url) == webhooks(carrier, number)


class TestAdoptUnderSeats:
    """Under a host with seats, a number is adopted into a seat."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    def test_numbers_admin_refuses_outside_a_seat(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """NumberAdmin.adopt names the seat's way instead."""
        number = held(carrier)
        with pytest.raises(SeatRequiredError, match=r"seats\.adopt_number"):
            acme.numbers.adopt("admin", [number])

    def test_seat_adoption_needs_the_admin_permission(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """A recruiter cannot adopt a number into a seat; the number keeps its webhooks."""
        number = held(carrier)
        seat = acme.seats.create("admin", "Seat 1")
        with pytest.raises(PermissionDeniedError):
            acme.seats.adopt_number("ann", seat.id, number)
        assert (OLD.sms_url, OLD.voice_url) == webhooks(carrier, number)

    def test_seat_adopts_a_held_number(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """The seat gets the number as its line, repointed."""
        number = held(carrier)
        seat = acme.seats.create("admin", "Seat 1")
        summary = acme.seats.adopt_number("admin", seat.id, number)
        assert summary.line is not None
        assert (number, seat.id) == (summary.line.number, summary.line.seat_id)
        assert OLD.sms_url != webhooks(carrier, number)[0]


_IDS = ("brand_id", "campaign_id", "service_id")


class TestAdoptRegistration:
    """The registration starts from what the carrier reports, then sync keeps it current."""

    def test_approved_registration_is_green(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """Every step approved at the carrier is approved here; a later purchase registers."""
        ids = approved_at_carrier(carrier)
        status = acme.registration.adopt("admin", **dict(zip(_IDS, ids, strict=True)))
        assert StepStatus.APPROVED == status.overall
        assert list(ids) == [record.provider_ref for record in status.steps]
        [entry] = acme.audit.list()
        assert AuditAction.ADOPT_REGISTRATION == entry.action
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="212", limit=1))
        summary = acme.numbers.purchase("admin", offer.number, ["ann"], accept_terms=True)
        assert summary.line.registered

    def test_service_in_review_is_in_review_until_sync(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """A service still under review is in review; sync approves it when the carrier does."""
        brand = carrier.submit_brand("acme", sample_brand())
        carrier.complete_review("acme", brand.sid)
        campaign = carrier.submit_campaign("acme", brand.sid, sample_campaign())
        carrier.complete_review("acme", campaign.sid)
        service = carrier.submit_messaging_service("acme", campaign.sid)
        status = acme.registration.adopt(
            "admin", brand_id=brand.sid, campaign_id=campaign.sid, service_id=service.sid
        )
        assert StepStatus.IN_PROGRESS == status.messaging_service.status
        carrier.advance(timedelta(days=1))
        assert StepStatus.APPROVED == acme.registration.sync().status.overall

    def test_failed_service_shows_its_reasons(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """A step that failed at the carrier is failed here, with the carrier's words."""
        brand = carrier.submit_brand("acme", sample_brand())
        carrier.complete_review("acme", brand.sid)
        campaign = carrier.submit_campaign("acme", brand.sid, sample_campaign())
        carrier.complete_review("acme", campaign.sid)
        carrier.fail_next("acme", SERVICE, "The service's sender pool is empty", code="30000")
        service = carrier.submit_messaging_service("acme", campaign.sid)
        carrier.complete_review("acme", service.sid)
        status = acme.registration.adopt(
            "admin", brand_id=brand.sid, campaign_id=campaign.sid, service_id=service.sid
        )
        record = status.messaging_service
        assert StepStatus.FAILED == record.status
        assert ["The service's sender pool is empty"] == [f.reason for f in record.failures]

    def test_ids_that_do_not_belong_together_are_refused(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """A campaign under another brand is refused; nothing is stored."""
        _, campaign, service = approved_at_carrier(carrier)
        other_brand, _, _ = approved_at_carrier(carrier)
        before = acme.registration.status()
        with pytest.raises(AdoptionMismatchError, match="give the campaign's own brand"):
            acme.registration.adopt(
                "admin", brand_id=other_brand, campaign_id=campaign, service_id=service
            )
        assert before == acme.registration.status()
        assert [] == acme.audit.list()

    @pytest.mark.parametrize(
        "bad", [pytest.param("", id="empty"), pytest.param("BN\n1", id="control"), "x" * 129]
    )
    def test_malformed_id_is_refused_before_the_carrier(
        self, acme: AccountAdmin, carrier: SandboxCarrier, bad: str
    ) -> None:
        """An id that cannot be one is refused by field; nothing is stored."""
        _, campaign, service = approved_at_carrier(carrier)
        with pytest.raises(InvalidFieldError, match="brand_id"):
            acme.registration.adopt("admin", brand_id=bad, campaign_id=campaign, service_id=service)
        assert StepStatus.NOT_STARTED == acme.registration.status().overall

    def test_second_registration_is_refused(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """An account with a registration cannot adopt another."""
        ids = dict(zip(_IDS, approved_at_carrier(carrier), strict=True))
        acme.registration.adopt("admin", **ids)
        with pytest.raises(RegistrationExistsError):
            acme.registration.adopt("admin", **ids)

    def test_needs_the_registration_permission(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """A recruiter cannot adopt a registration."""
        ids = dict(zip(_IDS, approved_at_carrier(carrier), strict=True))
        with pytest.raises(PermissionDeniedError):
            acme.registration.adopt("ann", **ids)
        assert StepStatus.NOT_STARTED == acme.registration.status().overall

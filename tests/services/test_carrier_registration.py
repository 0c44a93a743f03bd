"""Approved is not yet send-ready: each line's registration with the mobile carriers."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from sms_core import (
    AccountAdmin,
    CarrierRegistration,
    ManualClock,
    NumberQuery,
    PhoneNumber,
    RegistrationStep,
    WebhookKind,
)
from sms_core.exceptions import WebhookPayloadError, WebhookSignatureError
from sms_core.services import SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import FakeAdapter, SandboxCarrier

#: The sandbox's review times: a brand takes an hour, a campaign four, a service a day.
REVIEW = {
    RegistrationStep.BRAND: timedelta(hours=1),
    RegistrationStep.CAMPAIGN: timedelta(hours=4),
    RegistrationStep.MESSAGING_SERVICE: timedelta(days=1),
}
EVENTS_URL = "https://sms.example.test/webhooks/acme/events"

PENDING, REGISTERED, FAILED = (
    CarrierRegistration.PENDING,
    CarrierRegistration.REGISTERED,
    CarrierRegistration.FAILED,
)


@pytest.fixture
def carrier(carrier_path: Path, clock: ManualClock) -> Iterator[SandboxCarrier]:
    with SandboxCarrier(carrier_path, clock=clock) as opened:
        yield opened


@pytest.fixture
def admin(
    database_url: str, clock: ManualClock, host: str | None, carrier: SandboxCarrier
) -> Iterator[SmsAdmin]:
    with SmsAdmin.open(
        database_url,
        host=host,
        plugins=[FakeAdapter(carrier=carrier)],
        clock=clock,
        webhook_base_url="https://sms.example.test/webhooks",
        rng=random.Random(7),
    ) as opened:
        yield opened


def buy(account: AccountAdmin, user_id: str) -> PhoneNumber:
    [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
    account.numbers.purchase("admin", offer.number, [user_id], accept_terms=True)
    return offer.number


def approve_all(carrier: SandboxCarrier, account: AccountAdmin) -> None:
    account.registration.register("admin", sample_brand(), sample_campaign())
    for step in RegistrationStep:
        carrier.advance(REVIEW[step])
        account.registration.sync()


def lines(account: AccountAdmin) -> dict[str, CarrierRegistration]:
    return {str(s.line.number): s.line.carrier_registration for s in account.numbers.list()}


def line_of(account: AccountAdmin, number: PhoneNumber) -> str:
    [summary] = [s for s in account.numbers.list() if s.line.number == number]
    return summary.line.provider_ref


def deliver(carrier: SandboxCarrier, account: AccountAdmin, number_sid: str) -> list[str]:
    """Hand the carrier's due events about a number to the webhook receiver."""
    answers = []
    for request in carrier.collect_webhooks(subject_sid=number_sid):
        assert EVENTS_URL == request.url
        answers.append(str(account.webhooks.handle(WebhookKind.EVENTS, request).status))
    return answers


class TestAttached:
    """A number is pending with the carriers from the moment it is attached."""

    def test_bought_after_approval(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """Attached at purchase: it may text, and its carrier registration is pending."""
        approve_all(carrier, acme)
        number = buy(acme, "ann")
        [summary] = acme.numbers.list()
        assert summary.line.registered
        assert PENDING == summary.line.carrier_registration
        assert {str(number): PENDING} == lines(acme)

    def test_bought_before_approval(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """Not attached until the sync attaches it; pending from then on."""
        number = buy(acme, "ann")
        assert {str(number): CarrierRegistration.NOT_ATTACHED} == lines(acme)
        approve_all(carrier, acme)
        assert {str(number): PENDING} == lines(acme)


class TestEvents:
    """The carrier's events move a line's state forward, and only forward."""

    def test_registered_after_the_carrier_says_so(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """Pending until the carrier's registration time has passed and its event arrived."""
        approve_all(carrier, acme)
        number = buy(acme, "ann")
        sid = line_of(acme, number)
        assert ["204"] == deliver(carrier, acme, sid)  # the pending report
        assert {str(number): PENDING} == lines(acme)
        carrier.advance(carrier.number_registration_duration() - timedelta(seconds=1))
        assert [] == deliver(carrier, acme, sid)
        assert {str(number): PENDING} == lines(acme)
        carrier.advance(timedelta(seconds=1))
        assert ["204"] == deliver(carrier, acme, sid)
        assert {str(number): REGISTERED} == lines(acme)

    def test_late_pending_never_moves_back(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """A pending report arriving after the registered one (or twice) changes nothing."""
        approve_all(carrier, acme)
        number = buy(acme, "ann")
        sid = line_of(acme, number)
        carrier.advance(carrier.number_registration_duration())
        pending, registered = carrier.collect_webhooks(subject_sid=sid)
        for request in (registered, pending, registered, pending):
            acme.webhooks.handle(WebhookKind.EVENTS, request)
        assert {str(number): REGISTERED} == lines(acme)

    def test_failed_with_code_and_reason(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A failed registration is shown with the carrier's code and words."""
        approve_all(carrier, acme)
        carrier.fail_next_number_registration("acme", "the number is flagged", code="30126")
        number = buy(acme, "ann")
        carrier.advance(carrier.number_registration_duration())
        deliver(carrier, acme, line_of(acme, number))
        [summary] = acme.numbers.list()
        assert FAILED == summary.line.carrier_registration
        assert "30126" == summary.line.carrier_error_code
        assert "the number is flagged" == summary.line.carrier_error
        assert summary.line.registered  # still attached: sending is not held back

    def test_failed_then_registered(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A number fixed and re-added at the carrier is registered after a failure, not back."""
        approve_all(carrier, acme)
        carrier.fail_next_number_registration("acme", "the number is flagged", code="30126")
        number = buy(acme, "ann")
        sid = line_of(acme, number)
        carrier.advance(carrier.number_registration_duration())
        pending, failed = carrier.collect_webhooks(subject_sid=sid)
        body = json.loads(failed.body)
        body.update(status="registered", error_code=None, error_message=None)
        registered = carrier.signed_request(failed.url, json.dumps(body).encode())
        for request in (pending, failed, registered, failed, pending):
            acme.webhooks.handle(WebhookKind.EVENTS, request)
        [summary] = acme.numbers.list()
        assert REGISTERED == summary.line.carrier_registration
        assert (None, None) == (summary.line.carrier_error_code, summary.line.carrier_error)

    def test_unknown_number_acknowledged(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """An event about a number the account has no line for is answered and ignored."""
        approve_all(carrier, acme)
        number = buy(acme, "ann")
        sid = line_of(acme, number)
        [pending] = carrier.collect_webhooks(subject_sid=sid)
        body = json.loads(pending.body)
        body.update(number_sid="PN" + "0" * 32, number="+14155550123", status="registered")
        other = carrier.signed_request(pending.url, json.dumps(body).encode())
        assert 204 == acme.webhooks.handle(WebhookKind.EVENTS, other).status
        assert {str(number): PENDING} == lines(acme)


class TestRefused:
    """An events webhook that is not the carrier's, or not on its URL, changes nothing."""

    def test_forged(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A tampered body fails the signature check."""
        approve_all(carrier, acme)
        number = buy(acme, "ann")
        carrier.advance(carrier.number_registration_duration())
        _, registered = carrier.collect_webhooks(subject_sid=line_of(acme, number))
        tampered = attrs.evolve(registered, body=registered.body.replace(b"registered", b"x"))
        with pytest.raises(WebhookSignatureError):
            acme.webhooks.handle(WebhookKind.EVENTS, tampered)
        assert {str(number): PENDING} == lines(acme)

    def test_on_the_status_url(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A registration event posted to the delivery-report URL is refused."""
        approve_all(carrier, acme)
        number = buy(acme, "ann")
        carrier.advance(carrier.number_registration_duration())
        _, registered = carrier.collect_webhooks(subject_sid=line_of(acme, number))
        with pytest.raises(WebhookPayloadError):
            acme.webhooks.handle(WebhookKind.STATUS, registered)
        assert {str(number): PENDING} == lines(acme)

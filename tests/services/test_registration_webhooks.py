"""A carrier's news about a brand or campaign: the step is re-read, the carrier's answer kept.

A :class:`~sms_core.RegistrationStepUpdate` on the events URL is a hint: the core asks the
carrier (``sms_fetch_registration``, through the registration sync) and stores what it
answers, so a replayed, premature or late webhook changes nothing the carrier does not confirm,
and the host hears of each real change once. The sandbox carrier stands for the carrier; an
adapter built on it turns a test webhook into the event, as a real adapter parses its carrier's.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sms_core import (
    Account,
    AccountAdmin,
    ManualClock,
    ProviderEvent,
    RegistrationStep,
    RegistrationStepChanged,
    RegistrationStepNotFoundError,
    RegistrationStepUpdate,
    SmsAdmin,
    StepStatus,
    WebhookKind,
    WebhookPayloadError,
    WebhookRequest,
    hookimpl,
)
from sms_core.testing import HostEventLog, sample_brand, sample_campaign
from sms_fake import FakeAdapter, SandboxCarrier
from tests.services.conftest import ADMIN_PERMISSIONS

_EVENTS_URL = "https://sms.example.test/webhooks/acme/events"


class StepNewsAdapter(FakeAdapter):
    """The sandbox adapter, reading ``{"step", "ref"}`` bodies as a carrier's step news."""

    @hookimpl
    def sms_verify_webhook(self, account: Account, request: WebhookRequest) -> bool | None:
        """Every test webhook is taken as signed: signatures are the adapters' own tests."""
        return True

    @hookimpl
    def sms_parse_webhook(
        self, account: Account, request: WebhookRequest
    ) -> Sequence[ProviderEvent] | None:
        """One step update per ``{"step", "ref"}`` object of the body's list."""
        return [
            RegistrationStepUpdate(step=RegistrationStep(news["step"]), provider_ref=news["ref"])
            for news in json.loads(request.body)
        ]


def _news(*updates: tuple[RegistrationStep, str]) -> WebhookRequest:
    body = json.dumps([{"step": step.value, "ref": ref} for step, ref in updates])
    return WebhookRequest(method="POST", url=_EVENTS_URL, body=body.encode())


@pytest.fixture
def carrier(carrier_path: Path, clock: ManualClock) -> Iterator[SandboxCarrier]:
    with SandboxCarrier(carrier_path, clock=clock) as opened:
        yield opened


@pytest.fixture
def events() -> HostEventLog:
    return HostEventLog()


@pytest.fixture
def admin(
    database_url: str, clock: ManualClock, carrier: SandboxCarrier, events: HostEventLog
) -> Iterator[SmsAdmin]:
    with SmsAdmin.open(
        database_url,
        plugins=[StepNewsAdapter(carrier=carrier), events],
        load_entry_points=False,
        clock=clock,
        webhook_base_url="https://sms.example.test/webhooks",
        rng=random.Random(7),
    ) as opened:
        yield opened


@pytest.fixture
def acme(admin: SmsAdmin) -> AccountAdmin:
    """The account, its brand submitted and under the carrier's review."""
    account = admin.create_account("acme", name="Acme Staffing", provider="fake")
    account.users.upsert(
        "admin", first_name="Dana", last_name="Reyes", permissions=ADMIN_PERMISSIONS
    )
    account.registration.register("admin", sample_brand(), sample_campaign())
    return account


def _brand_ref(account: AccountAdmin) -> str:
    ref = account.registration.status().brand.provider_ref
    assert ref is not None
    return ref


def _changes(events: HostEventLog) -> list[tuple[RegistrationStep, StepStatus, StepStatus]]:
    return [
        (event.step, event.old_status, event.new_status)
        for event in events.of(RegistrationStepChanged)
    ]


class TestStepNews:
    """News about a step makes the core re-read it; only the carrier's answer is stored."""

    def test_approval_stored_once_replay_included(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog
    ) -> None:
        """The carrier approved the brand: the webhook stores it, its replay adds nothing."""
        ref = _brand_ref(acme)
        carrier.advance(carrier.review_duration(RegistrationStep.BRAND))
        news = _news((RegistrationStep.BRAND, ref))
        for _ in range(2):
            acme.webhooks.handle(WebhookKind.EVENTS, news)
        assert StepStatus.APPROVED == acme.registration.status().brand.status
        brand = RegistrationStep.BRAND
        assert [
            (brand, StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS),
            (brand, StepStatus.IN_PROGRESS, StepStatus.APPROVED),
        ] == _changes(events)

    def test_concurrent_deliveries_tell_once(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog
    ) -> None:
        """The same news delivered by four threads at once stores the approval once."""
        ref = _brand_ref(acme)
        carrier.advance(carrier.review_duration(RegistrationStep.BRAND))
        news = _news((RegistrationStep.BRAND, ref))
        start = threading.Barrier(4, timeout=60)

        def deliver() -> None:
            start.wait()
            acme.webhooks.handle(WebhookKind.EVENTS, news)

        with ThreadPoolExecutor(max_workers=4) as pool:
            for delivered in [pool.submit(deliver) for _ in range(4)]:
                delivered.result(timeout=60)
        assert StepStatus.APPROVED == acme.registration.status().brand.status
        approvals = [change for change in _changes(events) if change[2] is StepStatus.APPROVED]
        assert [(RegistrationStep.BRAND, StepStatus.IN_PROGRESS, StepStatus.APPROVED)] == approvals

    def test_premature_news_changes_nothing(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog
    ) -> None:
        """News the carrier does not confirm yet (still reviewing) leaves the step as it is."""
        before = acme.registration.status().brand
        acme.webhooks.handle(
            WebhookKind.EVENTS, _news((RegistrationStep.BRAND, before.provider_ref or ""))
        )
        assert before == acme.registration.status().brand
        assert 1 == len(_changes(events))  # the submission only

    def test_decided_step_is_not_read_again(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog
    ) -> None:
        """Late news about an approved brand is acknowledged: the sync stored the verdict."""
        ref = _brand_ref(acme)
        carrier.advance(carrier.review_duration(RegistrationStep.BRAND))
        acme.registration.sync()
        told = _changes(events)
        acme.webhooks.handle(WebhookKind.EVENTS, _news((RegistrationStep.BRAND, ref)))
        assert told == _changes(events)
        assert StepStatus.APPROVED == acme.registration.status().brand.status


class TestRefused:
    """News about a step the account does not have is refused and changes nothing."""

    def test_another_ref(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog
    ) -> None:
        """A brand id the account was not given is refused, even once the brand is approved."""
        carrier.advance(carrier.review_duration(RegistrationStep.BRAND))
        news = _news((RegistrationStep.BRAND, "BN-of-another-account"))
        with pytest.raises(RegistrationStepNotFoundError, match="BN-of-another-account"):
            acme.webhooks.handle(WebhookKind.EVENTS, news)
        assert StepStatus.IN_PROGRESS == acme.registration.status().brand.status
        assert 1 == len(_changes(events))

    def test_a_step_not_submitted(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog
    ) -> None:
        """News about the campaign before it was submitted is refused."""
        news = _news((RegistrationStep.CAMPAIGN, "CM-unknown"))
        with pytest.raises(RegistrationStepNotFoundError, match="campaign"):
            acme.webhooks.handle(WebhookKind.EVENTS, news)
        assert StepStatus.NOT_STARTED == acme.registration.status().campaign.status

    def test_one_bad_update_refuses_the_request(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog
    ) -> None:
        """A request with good news and news of another account applies neither."""
        carrier.advance(carrier.review_duration(RegistrationStep.BRAND))
        news = _news((RegistrationStep.BRAND, _brand_ref(acme)), (RegistrationStep.BRAND, "BN-x"))
        with pytest.raises(RegistrationStepNotFoundError):
            acme.webhooks.handle(WebhookKind.EVENTS, news)
        assert StepStatus.IN_PROGRESS == acme.registration.status().brand.status

    def test_on_the_status_url(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """Step news belongs on the events URL only."""
        carrier.advance(carrier.review_duration(RegistrationStep.BRAND))
        news = _news((RegistrationStep.BRAND, _brand_ref(acme)))
        with pytest.raises(WebhookPayloadError, match="RegistrationStepUpdate"):
            acme.webhooks.handle(WebhookKind.STATUS, news)
        assert StepStatus.IN_PROGRESS == acme.registration.status().brand.status


class TestEvent:
    """The event names its step by the carrier's id."""

    def test_an_empty_ref_is_refused(self) -> None:
        with pytest.raises(ValueError, match="carrier's id"):
            RegistrationStepUpdate(step=RegistrationStep.BRAND, provider_ref=" ")

"""The fixtures every contract group shares, and the steps they are built from."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import NoReturn

import attrs
import pytest

from sms_core.domain import (
    Account,
    AvailableNumber,
    BrandProfile,
    CampaignProfile,
    NumberQuery,
    NumberSettings,
    OutboundMessage,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationState,
    SendReceipt,
    StepStatus,
)
from sms_core.exceptions import ProviderNotFoundError
from sms_core.plugins import Hooks
from sms_core.testing.driver import CarrierDriver
from sms_core.testing.samples import sample_brand, sample_campaign

__all__ = ["HOOK_BASE_URL", "CarrierFixtures", "SentMessage", "outbound_message", "review_step"]

#: The host every default webhook URL points at (a reserved example domain).
HOOK_BASE_URL = "https://hooks.contract-tests.example"

#: A text the suite sent, and the carrier's answer to it.
SentMessage = tuple[OutboundMessage, SendReceipt]

_TEXT = "Hi Sam, this is Dana from Northwind Staffing. Are you free Tuesday? Reply STOP to opt out."


def _override(fixture: str, what: str) -> NoReturn:
    raise NotImplementedError(
        f"the carrier contract suite needs the {fixture!r} fixture: override it in your "
        f"TestXxx(CarrierContract) class to return {what}"
    )


class CarrierFixtures:
    """The fixtures every contract group uses.

    ``hooks``, ``account`` and ``driver`` must be overridden; the rest have defaults.
    """

    # -- provided by the adapter -------------------------------------------------------------

    @pytest.fixture
    def hooks(self) -> Hooks:
        """The typed façade with the adapter registered."""
        _override(
            "hooks",
            "a sms_core.Hooks with your adapter registered, e.g. "
            "Hooks(make_plugin_manager(plugins=[adapter], load_entry_points=False))",
        )

    @pytest.fixture
    def account(self) -> Account:
        """An account the adapter serves; build it on ``account_id`` to isolate tests."""
        _override(
            "account",
            "an Account your adapter serves, e.g. "
            "Account(id=account_id, name='Contract tests', provider='<your provider name>')",
        )

    @pytest.fixture
    def driver(self) -> CarrierDriver:
        """Steers the carrier (or its stand-in) the way only a test can."""
        _override(
            "driver",
            "a sms_core.testing.CarrierDriver that steers your carrier or its stand-in",
        )

    # -- defaults ----------------------------------------------------------------------------

    @pytest.fixture
    def account_id(self) -> str:
        """An account id no other test uses."""
        return f"contract-{uuid.uuid4().hex[:12]}"

    @pytest.fixture
    def search_query(self) -> NumberQuery:
        """A search by area code; the carrier must have numbers for it."""
        return NumberQuery(country="US", area_code="415")

    @pytest.fixture
    def region_query(self) -> NumberQuery:
        """A search by region; the carrier must have numbers for it."""
        return NumberQuery(country="US", region="CA")

    @pytest.fixture
    def locality_query(self) -> NumberQuery:
        """A search by city; a carrier declaring ``SearchFilter.LOCALITY`` must have numbers."""
        return NumberQuery(country="US", locality="San Francisco")

    @pytest.fixture
    def postal_query(self) -> NumberQuery:
        """A search by postal code; an empty answer is allowed."""
        return NumberQuery(country="US", postal_code="94105")

    @pytest.fixture
    def contains_query(self) -> NumberQuery:
        """A search by pattern (digits, letters and ``*``); the carrier must have numbers."""
        return NumberQuery(country="US", contains="2468")

    @pytest.fixture
    def empty_query(self) -> NumberQuery:
        """A search no number can match: eight nines do not fit in a 415 number."""
        return NumberQuery(country="US", area_code="415", contains="99999999")

    @pytest.fixture
    def recipient(self) -> PhoneNumber:
        """The candidate's number the suite texts."""
        return PhoneNumber.parse("+1 206 555 0142")

    @pytest.fixture
    def opted_out_recipient(self) -> PhoneNumber:
        """A candidate the suite opts out at the carrier; never ``recipient``, so no leak."""
        return PhoneNumber.parse("+1 206 555 0199")

    @pytest.fixture
    def forward_number(self) -> PhoneNumber:
        """Where calls to a line are forwarded."""
        return PhoneNumber.parse("+1 312 555 0175")

    @pytest.fixture
    def webhook_settings(self) -> NumberSettings:
        """The webhook URLs a bought number is configured with."""
        return NumberSettings(
            sms_url=f"{HOOK_BASE_URL}/sms/inbound",
            status_callback_url=f"{HOOK_BASE_URL}/sms/status",
            voice_url=f"{HOOK_BASE_URL}/voice/inbound",
            label="contract tests",
        )

    @pytest.fixture
    def events_url(self) -> str:
        """The account's events URL: where the carrier reports its numbers' registration."""
        return f"{HOOK_BASE_URL}/sms/events"

    @pytest.fixture
    def brand(self) -> BrandProfile:
        """The brand form the suite registers."""
        return sample_brand()

    @pytest.fixture
    def campaign(self) -> CampaignProfile:
        """The campaign form the suite registers."""
        return sample_campaign()

    # -- composites --------------------------------------------------------------------------

    @pytest.fixture
    def offered_number(
        self, hooks: Hooks, account: Account, search_query: NumberQuery
    ) -> AvailableNumber:
        """The first number ``search_query`` finds."""
        offered = hooks.search_numbers(account, search_query)
        if not offered:
            pytest.fail(
                f"the carrier offers no numbers for {search_query}; override 'search_query' "
                "with a search it can answer",
                pytrace=False,
            )
        return offered[0]

    @pytest.fixture
    def purchased_number(
        self,
        hooks: Hooks,
        account: Account,
        offered_number: AvailableNumber,
        webhook_settings: NumberSettings,
    ) -> Iterator[ProvisionedNumber]:
        """A number bought with ``webhook_settings``; released afterwards if still held."""
        bought = hooks.purchase_number(account, offered_number.number, webhook_settings)
        yield bought
        with contextlib.suppress(ProviderNotFoundError):
            hooks.release_number(account, bought)

    @pytest.fixture
    def approved_brand(
        self, hooks: Hooks, account: Account, driver: CarrierDriver, brand: BrandProfile
    ) -> RegistrationState:
        """The account's brand, submitted and approved."""
        return _approve(hooks, driver, account, hooks.submit_brand(account, brand))

    @pytest.fixture
    def approved_campaign(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        approved_brand: RegistrationState,
        campaign: CampaignProfile,
    ) -> RegistrationState:
        """The account's campaign, submitted under the approved brand and approved."""
        submitted = hooks.submit_campaign(account, approved_brand.provider_ref, campaign)
        return _approve(hooks, driver, account, submitted)

    @pytest.fixture
    def messaging_service(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        approved_campaign: RegistrationState,
        webhook_settings: NumberSettings,
        events_url: str,
    ) -> RegistrationState:
        """The messaging service of the approved campaign, set up and approved."""
        settings = attrs.evolve(webhook_settings, events_url=events_url)
        submitted = hooks.submit_messaging_service(
            account, approved_campaign.provider_ref, settings
        )
        return _approve(hooks, driver, account, submitted)

    @pytest.fixture
    def sending_number(
        self,
        hooks: Hooks,
        account: Account,
        messaging_service: RegistrationState,
        purchased_number: ProvisionedNumber,
    ) -> ProvisionedNumber:
        """A bought number attached to the approved messaging service: a registered sender."""
        hooks.attach_number(account, messaging_service.provider_ref, purchased_number)
        return purchased_number

    @pytest.fixture
    def sent_message(
        self,
        hooks: Hooks,
        account: Account,
        sending_number: ProvisionedNumber,
        recipient: PhoneNumber,
        webhook_settings: NumberSettings,
    ) -> SentMessage:
        """A text sent from the registered number, with the carrier's receipt."""
        message = outbound_message(sending_number, recipient, webhook_settings)
        return message, hooks.send_message(account, message)


def _approve(
    hooks: Hooks, driver: CarrierDriver, account: Account, submitted: RegistrationState
) -> RegistrationState:
    reviewed = review_step(hooks, driver, account, submitted)
    if reviewed.status is not StepStatus.APPROVED:
        pytest.fail(
            f"the carrier did not approve the {reviewed.step} step: {reviewed}", pytrace=False
        )
    return reviewed


def review_step(
    hooks: Hooks, driver: CarrierDriver, account: Account, submitted: RegistrationState
) -> RegistrationState:
    """Let the carrier finish reviewing a submitted step, then fetch where it stands."""
    if submitted.status is StepStatus.IN_PROGRESS:
        driver.complete_registration(account, submitted.step, submitted.provider_ref)
    return hooks.fetch_registration(account, submitted.step, submitted.provider_ref)


def outbound_message(
    sender: ProvisionedNumber, recipient: PhoneNumber, settings: NumberSettings
) -> OutboundMessage:
    """A text from ``sender`` under a fresh SDK message id, reporting to the settings' URL."""
    return OutboundMessage(
        message_id=f"contract-{uuid.uuid4().hex}",
        sender=sender.number,
        recipient=recipient,
        body=_TEXT,
        sender_ref=sender.provider_ref,
        status_callback_url=settings.status_callback_url,
    )

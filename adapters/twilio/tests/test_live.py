"""The live tier: the adapter against the real Twilio API with Twilio's *test credentials*.

Test credentials (Console > Account > API keys & tokens > Test credentials) charge nothing
and send nothing; Twilio answers them with its "magic" numbers. Set ``TWILIO_TEST_ACCOUNT_SID``
and ``TWILIO_TEST_AUTH_TOKEN`` to run this tier; it never runs in CI.

:class:`TestLiveMockBrand` registers a mock brand on a real account (``TWILIO_LIVE_*``).
"""

import os
from collections.abc import Iterator

import pytest

from sms_core import (
    Account,
    InvalidRecipientError,
    NumberSettings,
    NumberUnavailableError,
    OutboundMessage,
    PhoneNumber,
    ProviderAuthenticationError,
    ProviderError,
    RecipientOptedOutError,
    RegistrationStep,
    StepStatus,
)
from sms_core.testing import sample_brand
from sms_twilio import TwilioAdapter

_PREFIX = "TWILIO_TEST_"
_CREDENTIALS = (f"{_PREFIX}ACCOUNT_SID", f"{_PREFIX}AUTH_TOKEN")

# Twilio's magic numbers for test credentials.
_VALID_SENDER = PhoneNumber(e164="+15005550006")
_UNAVAILABLE = PhoneNumber(e164="+15005550000")
_INVALID = PhoneNumber(e164="+15005550001")
_NOT_MOBILE = PhoneNumber(e164="+15005550009")
_OPTED_OUT = PhoneNumber(e164="+15005550004")
_CANDIDATE = PhoneNumber.parse("+1 206 555 0142")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(bool(os.environ.get("CI")), reason="the live tier never runs in CI"),
]


def _message(recipient: PhoneNumber) -> OutboundMessage:
    return OutboundMessage(
        message_id="live-test",
        sender=_VALID_SENDER,
        recipient=recipient,
        body="smsadmin live test",
    )


@pytest.mark.skipif(
    not all(os.environ.get(name) for name in _CREDENTIALS),
    reason=f"set {' and '.join(_CREDENTIALS)} (Twilio test credentials) to run the live tier",
)
class TestLiveTestCredentials:
    """Twilio's real API answers the adapter's requests as the mapping expects."""

    @pytest.fixture
    def live(self) -> Iterator[TwilioAdapter]:
        with TwilioAdapter() as adapter:
            yield adapter

    @pytest.fixture
    def account(self) -> Account:
        return Account(
            id="live",
            name="Live test",
            provider="twilio",
            provider_settings={"env_prefix": _PREFIX},
        )

    def test_send(self, live: TwilioAdapter, account: Account) -> None:
        """A text from the magic sender is accepted with an SM id."""
        receipt = live.sms_send_message(account=account, message=_message(_CANDIDATE))
        assert receipt is not None
        assert receipt.provider_message_id.startswith("SM")

    @pytest.mark.parametrize(
        ("recipient", "expected", "code"),
        [
            (_INVALID, InvalidRecipientError, "21211"),
            (_NOT_MOBILE, InvalidRecipientError, "21614"),
            (_OPTED_OUT, RecipientOptedOutError, "21610"),
        ],
        ids=["invalid", "not-mobile", "opted-out"],
    )
    def test_refused_recipients(
        self,
        live: TwilioAdapter,
        account: Account,
        recipient: PhoneNumber,
        expected: type[ProviderError],
        code: str,
    ) -> None:
        """Twilio's refusals arrive as the typed errors with Twilio's codes."""
        with pytest.raises(expected) as caught:
            live.sms_send_message(account=account, message=_message(recipient))
        assert code == caught.value.code

    def test_unavailable_number(self, live: TwilioAdapter, account: Account) -> None:
        """Buying the magic unavailable number raises NumberUnavailableError 21422."""
        with pytest.raises(NumberUnavailableError) as caught:
            live.sms_purchase_number(
                account=account, number=_UNAVAILABLE, settings=NumberSettings()
            )
        assert "21422" == caught.value.code

    def test_wrong_token(self, account: Account) -> None:
        """A wrong auth token raises ProviderAuthenticationError 20003."""
        environ = {
            f"{_PREFIX}ACCOUNT_SID": os.environ[_CREDENTIALS[0]],
            f"{_PREFIX}AUTH_TOKEN": "x",
        }
        with TwilioAdapter(environ=environ) as wrong, pytest.raises(ProviderAuthenticationError):
            wrong.sms_send_message(account=account, message=_message(_CANDIDATE))


_LIVE = "TWILIO_LIVE_"
_LIVE_SETTINGS = (f"{_LIVE}ACCOUNT_SID", f"{_LIVE}AUTH_TOKEN", f"{_LIVE}PRIMARY_PROFILE_SID")


@pytest.mark.skipif(
    not all(os.environ.get(name) for name in _LIVE_SETTINGS),
    reason=(
        f"set {', '.join(_LIVE_SETTINGS)} (a real account and its approved primary customer "
        "profile) to register a mock brand"
    ),
)
class TestLiveMockBrand:
    """A real account registers a *mock* brand end to end: Trust Hub bundles, then the brand.

    Test credentials cannot reach Trust Hub or A2P, so this runs on a real (sub)account.
    ``Mock=true`` is Twilio's documented test path: CreateBrandRegistrations' ``Mock`` in
    twilio-oai's twilio_messaging_v1.json ("If true, brand will be registered as a mock
    brand"); a mock brand is not sent to The Campaign Registry, costs no brand fee, and its
    campaigns are mock too. The Trust Hub customer profile and trust product it creates stay
    in the account (named after the brand, "Northwind Staffing LLC: …"); delete them in the
    Console when done.
    """

    @pytest.fixture
    def live(self) -> Iterator[TwilioAdapter]:
        with TwilioAdapter() as adapter:
            yield adapter

    @pytest.fixture
    def account(self) -> Account:
        return Account(
            id="live-mock",
            name="Live mock brand",
            provider="twilio",
            provider_settings={
                "env_prefix": _LIVE,
                "primary_customer_profile_sid": os.environ[_LIVE_SETTINGS[2]],
                "mock_registrations": "true",
            },
        )

    def test_mock_brand(self, live: TwilioAdapter, account: Account) -> None:
        """The bundles pass Trust Hub's evaluation and Twilio takes the brand as a mock."""
        state = live.sms_submit_brand(account=account, brand=sample_brand(), previous_ref=None)
        assert state is not None
        assert [] == list(state.failures), state.failures
        assert state.provider_ref.startswith("BN")
        assert state.status in {StepStatus.IN_PROGRESS, StepStatus.APPROVED}
        brand = live.client_for(account).messaging.v1.brand_registrations(state.provider_ref)
        assert brand.fetch().mock is True
        fetched = live.sms_fetch_registration(
            account=account, step=RegistrationStep.BRAND, ref=state.provider_ref
        )
        assert fetched is not None
        assert state.provider_ref == fetched.provider_ref

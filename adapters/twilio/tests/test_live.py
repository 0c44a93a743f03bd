"""The live tier: the adapter against the real Twilio API with Twilio's *test credentials*.

Test credentials (Console > Account > API keys & tokens > Test credentials) charge nothing
and send nothing; Twilio answers them with its "magic" numbers. Set ``TWILIO_TEST_ACCOUNT_SID``
and ``TWILIO_TEST_AUTH_TOKEN`` to run this tier; it never runs in CI.
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
)
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
    pytest.mark.skipif(
        not all(os.environ.get(name) for name in _CREDENTIALS),
        reason=f"set {' and '.join(_CREDENTIALS)} (Twilio test credentials) to run the live tier",
    ),
]


def _message(recipient: PhoneNumber) -> OutboundMessage:
    return OutboundMessage(
        message_id="live-test",
        sender=_VALID_SENDER,
        recipient=recipient,
        body="smsadmin live test",
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

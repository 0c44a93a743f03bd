import base64
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from sms_core import (
    Account,
    AvailableNumber,
    InvalidQueryError,
    NumberCapabilities,
    NumberQuery,
    NumberSettings,
    NumberType,
    NumberUnavailableError,
    PhoneNumber,
    ProviderNotFoundError,
    ProvisionedNumber,
    UnsupportedFeatureError,
)
from sms_twilio import TwilioAdapter
from sms_twilio.testing.transport import ScriptedAnswers

_PN = "PN" + "5" * 32
_LINE = PhoneNumber.parse("+1 415 234 5678")
_HOOKS = NumberSettings(
    sms_url="https://sms.example.com/webhooks/acme/messages",
    status_callback_url="https://sms.example.com/webhooks/acme/status",
    voice_url="https://sms.example.com/webhooks/acme/calls",
    label="Dana's line",
)


def _form(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.content.decode(), keep_blank_values=True)


def _incoming(**fields: Any) -> httpx.Response:
    body = {
        "sid": _PN,
        "phone_number": _LINE.e164,
        "friendly_name": "(415) 234-5678",
        "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
        "sms_url": "",
        "status_callback": "",
        "voice_url": "",
    } | fields
    return httpx.Response(201, json=body)


class TestSearch:
    """A search passes every filter to AvailablePhoneNumbers and reads the offers."""

    def test_every_filter_is_a_query_parameter(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """Area code, region, postal code, pattern, capabilities and limit go to Twilio."""
        offer = {
            "phone_number": "+14152345678",
            "iso_country": "US",
            "region": "CA",
            "locality": "San Francisco",
            "postal_code": "94105",
            "capabilities": {"voice": True, "SMS": True, "MMS": False},
        }
        recorder.answer(httpx.Response(200, json={"available_phone_numbers": [offer], "uri": "/"}))
        query = NumberQuery(
            area_code="415",
            region="CA",
            locality="San Francisco",
            postal_code="94105",
            contains="2*4",
            voice_enabled=True,
            limit=5,
        )
        found = adapter.sms_search_numbers(account=account, query=query)
        request = recorder.last
        assert "GET" == request.method
        assert (
            f"https://api.twilio.com/2010-04-01/Accounts/{account_sid}/AvailablePhoneNumbers/US/Local.json"
            == str(request.url.copy_with(query=None))
        )
        assert {
            "AreaCode": "415",
            "InRegion": "CA",
            # "Limit results to a particular locality or city" (InLocality, the
            # AvailablePhoneNumberLocal list in twilio-oai's twilio_api_v2010.json).
            "InLocality": "San Francisco",
            "InPostalCode": "94105",
            "Contains": "2*4",
            "SmsEnabled": "true",
            "VoiceEnabled": "true",
            "PageSize": "5",
        } == dict(request.url.params)
        assert [
            AvailableNumber(
                number=PhoneNumber.parse("+14152345678"),
                country="US",
                region="CA",
                locality="San Francisco",
                postal_code="94105",
                capabilities=NumberCapabilities(sms=True, mms=False, voice=True),
            )
        ] == found

    def test_basic_auth_with_the_account(
        self,
        adapter: TwilioAdapter,
        account: Account,
        recorder: ScriptedAnswers,
        account_sid: str,
        auth_token: str,
    ) -> None:
        """Requests carry basic auth with the account SID and auth token."""
        recorder.answer(httpx.Response(200, json={"available_phone_numbers": [], "uri": "/"}))
        assert [] == adapter.sms_search_numbers(account=account, query=NumberQuery())
        token = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        assert f"Basic {token}" == recorder.last.headers["authorization"]

    def test_toll_free_numbers_are_not_offered(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """A toll-free search raises UnsupportedFeatureError naming the fix; nothing is sent.

        Twilio blocks texts from an unverified toll-free number
        (https://www.twilio.com/docs/messaging/compliance/toll-free/api-onboarding), and the SDK
        does not run toll-free verification.
        """
        query = NumberQuery(number_type=NumberType.TOLL_FREE)
        with pytest.raises(UnsupportedFeatureError, match=r"toll-free.*local numbers"):
            adapter.sms_search_numbers(account=account, query=query)
        assert [] == recorder.requests

    def test_a_type_twilio_does_not_sell_is_an_invalid_query(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """Twilio's 404 for US mobile numbers becomes InvalidQueryError."""
        recorder.answer(httpx.Response(404, json={"code": 20404, "message": "Not found"}))
        with pytest.raises(InvalidQueryError, match="mobile"):
            adapter.sms_search_numbers(
                account=account, query=NumberQuery(number_type=NumberType.MOBILE)
            )
        assert recorder.last.url.path.endswith("/Mobile.json")

    def test_an_unsupported_country_is_refused_without_a_request(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """A GB search raises InvalidQueryError before anything is sent."""
        with pytest.raises(InvalidQueryError, match="GB"):
            adapter.sms_search_numbers(account=account, query=NumberQuery(country="GB"))
        assert [] == recorder.requests


class TestPurchase:
    """Buying posts the number with the SDK's webhooks."""

    def test_purchase_request(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """The number, webhook URLs (POST) and label go to IncomingPhoneNumbers.

        The number's StatusCallback is for calls (it sits with the voice settings; Twilio posts
        call status callbacks to it: https://www.twilio.com/docs/usage/webhooks/voice-webhooks),
        so the texts' delivery-report URL is not sent: texts carry their own StatusCallback.
        """
        recorder.answer(
            _incoming(
                sms_url=_HOOKS.sms_url,
                voice_url=_HOOKS.voice_url,
                friendly_name="Dana's line",
            )
        )
        bought = adapter.sms_purchase_number(account=account, number=_LINE, settings=_HOOKS)
        request = recorder.last
        assert ("POST", f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers.json") == (
            request.method,
            request.url.path,
        )
        assert {
            "PhoneNumber": [_LINE.e164],
            "FriendlyName": ["Dana's line"],
            "SmsUrl": [_HOOKS.sms_url],
            "SmsMethod": ["POST"],
            "VoiceUrl": [_HOOKS.voice_url],
            "VoiceMethod": ["POST"],
        } == _form(request)
        assert (
            ProvisionedNumber(
                number=_LINE,
                provider_ref=_PN,
                capabilities=NumberCapabilities(sms=True, mms=True, voice=True),
                settings=_HOOKS,
            )
            == bought
        )

    def test_toll_free_number_is_not_bought(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """Buying a toll-free number raises UnsupportedFeatureError before any request."""
        toll_free = PhoneNumber.parse("+1 888 555 0100")
        with pytest.raises(UnsupportedFeatureError, match=r"\+18885550100"):
            adapter.sms_purchase_number(account=account, number=toll_free, settings=_HOOKS)
        assert [] == recorder.requests

    def test_number_no_longer_offered(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """Twilio's 21422 raises NumberUnavailableError with the code and what to do."""
        recorder.answer(
            httpx.Response(
                400, json={"code": 21422, "message": "PhoneNumber is not available", "status": 400}
            )
        )
        with pytest.raises(NumberUnavailableError, match="search again") as caught:
            adapter.sms_purchase_number(account=account, number=_LINE, settings=_HOOKS)
        assert "21422" == caught.value.code


class TestConfigureAndRelease:
    """A number's settings are replaced whole; releasing deletes it."""

    def test_configure_clears_what_is_unset(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """URLs not given are sent empty (cleared); no label restores Twilio's default name.

        The number's StatusCallback is always cleared: an older version pointed it at the
        texts' status endpoint, where Twilio's call status callbacks were refused.
        """
        recorder.answer(_incoming(sms_url=_HOOKS.sms_url))
        number = ProvisionedNumber(number=_LINE, provider_ref=_PN, settings=_HOOKS)
        forward = PhoneNumber.parse("+1 312 555 0175")
        settings = NumberSettings(sms_url=_HOOKS.sms_url, forward_to=forward)
        configured = adapter.sms_configure_number(account=account, number=number, settings=settings)
        request = recorder.last
        assert ("POST", f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{_PN}.json") == (
            request.method,
            request.url.path,
        )
        assert {
            "FriendlyName": ["(415) 234-5678"],
            "SmsUrl": [_HOOKS.sms_url],
            "SmsMethod": ["POST"],
            "StatusCallback": [""],
            "VoiceUrl": [""],
            "VoiceMethod": ["POST"],
        } == _form(request)
        assert configured is not None
        assert settings == configured.settings

    def test_release_deletes(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """Releasing sends DELETE for the number."""
        recorder.answer(httpx.Response(204))
        number = ProvisionedNumber(number=_LINE, provider_ref=_PN)
        assert adapter.sms_release_number(account=account, number=number)
        assert (
            "DELETE",
            f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{_PN}.json",
        ) == (
            recorder.last.method,
            recorder.last.url.path,
        )

    def test_release_of_an_unknown_number(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """Twilio's 404 raises ProviderNotFoundError with code 20404."""
        recorder.answer(httpx.Response(404, json={"code": 20404, "message": "not found"}))
        with pytest.raises(ProviderNotFoundError) as caught:
            adapter.sms_release_number(
                account=account, number=ProvisionedNumber(number=_LINE, provider_ref=_PN)
            )
        assert "20404" == caught.value.code

    def test_an_id_of_the_wrong_shape_is_not_sent(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """A ref that is no PN SID cannot be Twilio's: not found, without a request."""
        number = ProvisionedNumber(number=_LINE, provider_ref="fake-number-1")
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_configure_number(account=account, number=number, settings=_HOOKS)
        assert [] == recorder.requests

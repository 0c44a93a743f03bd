"""Listing and adopting the numbers an account holds, and reading a Console registration.

Twilio's answers are the known answers of twilio-python's own tests
(https://github.com/twilio/twilio-python/blob/main/tests/integration/api/v2010/account/test_incoming_phone_number.py,
``test_read_full_response`` and ``test_fetch_response``): ``sms_url`` comes empty (``""``)
and ``voice_url`` ``null`` when unset, and ``capabilities`` keys are lower case.
"""

from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from sms_core import (
    Account,
    NumberCapabilities,
    NumberSettings,
    PhoneNumber,
    ProviderNotFoundError,
    ProvisionedNumber,
)
from sms_twilio import TwilioAdapter
from sms_twilio.testing.state import TwilioState
from sms_twilio.testing.transport import ScriptedAnswers

_PN = "PN" + "a" * 32
_NUMBER = PhoneNumber.parse("+18089255327", region=None)
# One IncomingPhoneNumber of twilio-python's vectors, the fields the adapter reads.
_VECTOR: dict[str, Any] = {
    "account_sid": "AC" + "a" * 32,
    "api_version": "2010-04-01",
    "capabilities": {"mms": True, "sms": False, "voice": True},
    "friendly_name": "(808) 925-5327",
    "phone_number": "+18089255327",
    "sid": _PN,
    "sms_method": "POST",
    "sms_url": "",
    "status_callback": "",
    "voice_method": "POST",
    "voice_url": None,
}
_SDK = NumberSettings(
    sms_url="https://sms.example.com/webhooks/acme/messages",
    status_callback_url="https://sms.example.com/webhooks/acme/status",
    voice_url="https://sms.example.com/webhooks/acme/calls",
)


def _page(*numbers: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "incoming_phone_numbers": list(numbers),
            "end": max(len(numbers) - 1, 0),
            "first_page_uri": "/2010-04-01/Accounts/AC/IncomingPhoneNumbers.json?Page=0",
            "next_page_uri": None,
            "page": 0,
            "page_size": 50,
            "previous_page_uri": None,
            "start": 0,
            "uri": "/2010-04-01/Accounts/AC/IncomingPhoneNumbers.json",
        },
    )


class TestListNumbers:
    """The account's IncomingPhoneNumbers, read as twilio-python's vectors answer them."""

    def test_reads_twilio_pythons_vector(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """Empty and null URLs read as unset; capabilities as Twilio spells them."""
        recorder.answer(_page(_VECTOR))
        held = adapter.sms_list_numbers(account=account)
        assert [
            ProvisionedNumber(
                number=_NUMBER,
                provider_ref=_PN,
                capabilities=NumberCapabilities(sms=False, mms=True, voice=True),
                settings=NumberSettings(label="(808) 925-5327"),
            )
        ] == held
        assert ("GET", f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers.json") == (
            recorder.last.method,
            recorder.last.url.path,
        )

    def test_webhooks_elsewhere_are_reported(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """A number another system answers keeps its URLs in the listing."""
        elsewhere = _VECTOR | {
            "sms_url": "https://old.example.com/sms",
            "voice_url": "https://old.example.com/voice",
        }
        recorder.answer(_page(elsewhere))
        (held,) = adapter.sms_list_numbers(account=account) or []
        assert ("https://old.example.com/sms", "https://old.example.com/voice") == (
            held.settings.sms_url,
            held.settings.voice_url,
        )


class TestAdoptNumber:
    """Adopting fetches the number, then points its webhooks at the SDK, keeping its name."""

    def test_repoints_and_keeps_the_friendly_name(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """The update sets the SDK's URLs; the Console's name stays."""
        updated = _VECTOR | {"sms_url": _SDK.sms_url, "voice_url": _SDK.voice_url}
        recorder.answer(httpx.Response(200, json=_VECTOR), httpx.Response(200, json=updated))
        number = ProvisionedNumber(number=_NUMBER, provider_ref=_PN)
        adopted = adapter.sms_adopt_number(account=account, number=number, settings=_SDK)
        path = f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{_PN}.json"
        assert [("GET", path), ("POST", path)] == [
            (request.method, request.url.path) for request in recorder.requests
        ]
        form = parse_qs(recorder.last.content.decode(), keep_blank_values=True)
        assert {
            "FriendlyName": ["(808) 925-5327"],
            "SmsUrl": [_SDK.sms_url],
            "SmsMethod": ["POST"],
            "StatusCallback": [""],
            "VoiceUrl": [_SDK.voice_url],
            "VoiceMethod": ["POST"],
        } == form
        assert adopted is not None
        assert (_SDK.sms_url, _SDK.voice_url) == (
            adopted.settings.sms_url,
            adopted.settings.voice_url,
        )

    def test_another_numbers_sid_is_not_found(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """A SID that is another number's changes nothing: no update is sent."""
        recorder.answer(httpx.Response(200, json=_VECTOR))
        other = ProvisionedNumber(number=PhoneNumber.parse("+1 415 234 5678"), provider_ref=_PN)
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_adopt_number(account=account, number=other, settings=_SDK)
        assert ["GET"] == [request.method for request in recorder.requests]


class TestLookupRegistration:
    """Console ids of the wrong kind are refused before Twilio is asked."""

    @pytest.mark.parametrize(
        ("brand", "campaign", "service"),
        [
            pytest.param("MG" + "1" * 32, "QE" + "2" * 32, "MG" + "3" * 32, id="brand"),
            pytest.param("BN" + "1" * 32, "BN" + "2" * 32, "MG" + "3" * 32, id="campaign"),
            pytest.param("BN" + "1" * 32, "QE" + "2" * 32, "QE" + "3" * 32, id="service"),
        ],
    )
    def test_wrong_kind_of_id_is_not_found(
        self,
        adapter: TwilioAdapter,
        account: Account,
        recorder: ScriptedAnswers,
        brand: str,
        campaign: str,
        service: str,
    ) -> None:
        """Each id must be of its kind (BN…, QE… or MG…/QE…, MG…)."""
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_lookup_registration(
                account=account, brand_ref=brand, campaign_ref=campaign, service_ref=service
            )
        assert [] == recorder.requests


class TestStandInNumbers:
    """The stand-in lists numbers in the shape of twilio-python's vectors."""

    def test_listed_number_has_twilios_fields(self, account_sid: str) -> None:
        """Every field the vector has is there; unset URLs are empty or null as in it."""
        state = TwilioState()
        state.buy_number(account_sid, {"AreaCode": ["415"]})
        (listed,) = state.numbers(account_sid, {})
        assert set(_VECTOR) - set(listed) == set()
        assert ("", None, "") == (
            listed["sms_url"],
            listed["voice_url"],
            listed["status_callback"],
        )

    def test_phone_number_filter(self, account_sid: str) -> None:
        """``PhoneNumber`` keeps the one number with that E.164 (ListIncomingPhoneNumber)."""
        state = TwilioState()
        first = state.buy_number(account_sid, {"AreaCode": ["415"]})
        state.buy_number(account_sid, {"AreaCode": ["415"]})
        listed = state.numbers(account_sid, {"PhoneNumber": first["phone_number"]})
        assert [first["sid"]] == [number["sid"] for number in listed]

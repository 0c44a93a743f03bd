from typing import Any
from urllib.parse import parse_qs

import attrs
import httpx
import pytest

from sms_core import (
    Account,
    DeliveryStatus,
    InvalidRecipientError,
    OutboundMessage,
    PhoneNumber,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
    RateLimitedError,
    RecipientOptedOutError,
    SendReceipt,
    StatusUpdate,
    UnregisteredSenderError,
)
from sms_twilio import MessageStatus, TwilioAdapter
from sms_twilio.delivery import message_id_of, status_callback_url
from sms_twilio.statuses import delivery_status
from sms_twilio.testing.transport import ScriptedAnswers, StateAnswers

_SM = "SM" + "c" * 32
_MG = "MG" + "7" * 32
_LINE = PhoneNumber.parse("+1 415 234 5678")
_CANDIDATE = PhoneNumber.parse("+1 206 555 0142")
_STATUS_URL = "https://sms.example.com/webhooks/northwind/status"


def _message(**changes: Any) -> OutboundMessage:
    message = OutboundMessage(
        message_id="msg-42",
        sender=_LINE,
        recipient=_CANDIDATE,
        body="Hi Sam, are you free on Tuesday? Reply STOP to opt out.",
        sender_ref="PN" + "5" * 32,
        status_callback_url=_STATUS_URL,
    )
    return attrs.evolve(message, **changes)


def _twilio_message(**fields: Any) -> dict[str, Any]:
    return {
        "sid": _SM,
        "status": "queued",
        "to": _CANDIDATE.e164,
        "from": _LINE.e164,
        "body": _message().body,
        "num_segments": "1",
        "error_code": None,
        "error_message": None,
        "date_created": "Mon, 07 Jan 2030 09:00:00 +0000",
        "date_updated": "Mon, 07 Jan 2030 09:00:01 +0000",
    } | fields


def _refusal(status: int, code: int, message: str, **headers: str) -> httpx.Response:
    body = {"code": code, "message": message, "status": status}
    return httpx.Response(status, json=body, headers=headers)


class TestSend:
    """A text is created once, from the line, with a status callback naming the SDK's id."""

    def test_create_request(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """To, From, Body and the per-message StatusCallback are posted to Messages."""
        recorder.answer(httpx.Response(201, json=_twilio_message()))
        receipt = adapter.sms_send_message(account=account, message=_message())
        request = recorder.last
        assert ("POST", f"/2010-04-01/Accounts/{account_sid}/Messages.json") == (
            request.method,
            request.url.path,
        )
        assert {
            "To": [_CANDIDATE.e164],
            "From": [_LINE.e164],
            "Body": [_message().body],
            "StatusCallback": [f"{_STATUS_URL}?sms_message_id=msg-42"],
        } == parse_qs(request.content.decode())
        assert (
            SendReceipt(
                provider_message_id=_SM,
                status=DeliveryStatus.QUEUED,
                raw_status="queued",
                segments=1,
                raw={
                    "sid": _SM,
                    "status": "queued",
                    "direction": None,
                    "from": _LINE.e164,
                    "to": _CANDIDATE.e164,
                    "messaging_service_sid": None,
                    "num_segments": "1",
                    "error_code": None,
                    "error_message": None,
                    "price": None,
                    "price_unit": None,
                },
            )
            == receipt
        )

    @pytest.mark.parametrize(
        ("settings", "sender_ref"),
        [({"messaging_service_sid": _MG}, None), ({}, _MG)],
        ids=["configured", "sender-ref"],
    )
    def test_through_the_messaging_service(
        self,
        adapter: TwilioAdapter,
        account: Account,
        recorder: ScriptedAnswers,
        settings: dict[str, str],
        sender_ref: str | None,
    ) -> None:
        """A known service (configured, or the sender's ref) is named beside From."""
        recorder.answer(httpx.Response(201, json=_twilio_message(status="accepted")))
        account = attrs.evolve(account, provider_settings={**account.provider_settings, **settings})
        receipt = adapter.sms_send_message(account=account, message=_message(sender_ref=sender_ref))
        form = parse_qs(recorder.last.content.decode())
        assert ([_MG], [_LINE.e164]) == (form["MessagingServiceSid"], form["From"])
        assert receipt is not None
        assert (DeliveryStatus.QUEUED, "accepted") == (receipt.status, receipt.raw_status)

    def test_existing_query_is_kept_in_the_callback(self) -> None:
        """The SDK's id is added to a status URL's query, replacing a stale one."""
        url = status_callback_url(f"{_STATUS_URL}?tenant=7&sms_message_id=old", "msg 42")
        assert f"{_STATUS_URL}?tenant=7&sms_message_id=msg+42" == url
        assert "msg 42" == message_id_of(url)

    @pytest.mark.parametrize(
        ("answer", "expected", "code"),
        [
            (
                _refusal(400, 21610, "Attempt to send to unsubscribed recipient"),
                RecipientOptedOutError,
                "21610",
            ),
            (
                _refusal(400, 30034, "Message from an unregistered number"),
                UnregisteredSenderError,
                "30034",
            ),
            (_refusal(400, 21211, "Invalid 'To' Phone Number"), InvalidRecipientError, "21211"),
            (
                _refusal(400, 21614, "'To' number is not a valid mobile number"),
                InvalidRecipientError,
                "21614",
            ),
        ],
        ids=["opted-out", "unregistered", "invalid-to", "landline"],
    )
    def test_refusals(
        self,
        adapter: TwilioAdapter,
        account: Account,
        recorder: ScriptedAnswers,
        answer: httpx.Response,
        expected: type[ProviderError],
        code: str,
    ) -> None:
        """Twilio's refusal raises its typed error with the code, after one request."""
        recorder.answer(answer)
        with pytest.raises(expected) as caught:
            adapter.sms_send_message(account=account, message=_message())
        assert code == caught.value.code
        assert 1 == len(recorder.requests)

    def test_rate_limit_keeps_retry_after(
        self,
        adapter: TwilioAdapter,
        account: Account,
        recorder: ScriptedAnswers,
        sleeps: list[float],
    ) -> None:
        """A persisting 429 raises RateLimitedError with Twilio's Retry-After."""
        recorder.answer(_refusal(429, 20429, "Too Many Requests", **{"Retry-After": "3"}))
        with pytest.raises(RateLimitedError) as caught:
            adapter.sms_send_message(account=account, message=_message())
        assert ("20429", 3.0) == (caught.value.code, caught.value.retry_after)
        assert [3.0, 3.0] == sleeps

    def test_lost_answer_is_never_reposted(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """A create whose answer timed out raises ProviderTimeoutError; nothing is re-sent."""
        recorder.answer(httpx.ReadTimeout("no answer"), httpx.Response(201, json=_twilio_message()))
        with pytest.raises(ProviderTimeoutError):
            adapter.sms_send_message(account=account, message=_message())
        assert 1 == len(recorder.requests)


class TestStatuses:
    """All 13 message statuses map onto the SDK's; anything else is UNKNOWN."""

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("queued", DeliveryStatus.QUEUED),
            ("sending", DeliveryStatus.QUEUED),
            ("accepted", DeliveryStatus.QUEUED),
            ("scheduled", DeliveryStatus.QUEUED),
            ("sent", DeliveryStatus.SENT),
            ("delivered", DeliveryStatus.DELIVERED),
            ("read", DeliveryStatus.DELIVERED),
            ("partially_delivered", DeliveryStatus.DELIVERED),
            ("undelivered", DeliveryStatus.UNDELIVERED),
            ("failed", DeliveryStatus.FAILED),
            ("canceled", DeliveryStatus.CANCELED),
            ("receiving", DeliveryStatus.RECEIVED),
            ("received", DeliveryStatus.RECEIVED),
            ("teleported", DeliveryStatus.UNKNOWN),
            (None, DeliveryStatus.UNKNOWN),
        ],
    )
    def test_mapping(self, raw: str | None, expected: DeliveryStatus) -> None:
        """Each word has its status."""
        assert expected == delivery_status(raw)

    def test_every_twilio_status_is_mapped(self) -> None:
        """No word of the spec's message_enum_status falls back to UNKNOWN."""
        assert 13 == len(MessageStatus)
        assert [] == [s for s in MessageStatus if delivery_status(s) is DeliveryStatus.UNKNOWN]


class TestFetch:
    """A sent text is looked up by Twilio's id, or without it by what was sent."""

    def test_by_provider_id(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """A GET of the message gives its status, error code and words."""
        recorder.answer(
            httpx.Response(200, json=_twilio_message(status="undelivered", error_code=30003))
        )
        update = adapter.sms_fetch_message(
            account=account, message=_message(), provider_message_id=_SM
        )
        assert ("GET", f"/2010-04-01/Accounts/{account_sid}/Messages/{_SM}.json") == (
            recorder.last.method,
            recorder.last.url.path,
        )
        assert update is not None
        assert (
            _SM,
            DeliveryStatus.UNDELIVERED,
            "30003",
            "Unreachable destination handset",
            "msg-42",
        ) == (
            update.provider_message_id,
            update.status,
            update.error_code,
            update.error_message,
            update.message_id,
        )

    def test_without_provider_id_lists_by_to_and_from(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """Texts from the line to the candidate in the window are listed and matched on the text."""
        other = _twilio_message(sid="SM" + "d" * 32, body="Another text")
        recorder.answer(
            httpx.Response(
                200, json={"messages": [other, _twilio_message()], "next_page_uri": None, "page": 0}
            )
        )
        update = adapter.sms_fetch_message(
            account=account, message=_message(), provider_message_id=None
        )
        assert ("GET", f"/2010-04-01/Accounts/{account_sid}/Messages.json") == (
            recorder.last.method,
            recorder.last.url.path,
        )
        assert {
            "To": _CANDIDATE.e164,
            "From": _LINE.e164,
            "DateSent>": "2030-01-05T10:00:00Z",
            "PageSize": "200",
        } == dict(recorder.last.url.params)
        assert isinstance(update, StatusUpdate)
        assert (_SM, "msg-42") == (update.provider_message_id, update.message_id)

    def test_without_provider_id_and_nothing_sent(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """No matching text (or only older ones) means it never reached Twilio."""
        old = _twilio_message(date_created="Mon, 01 Jan 2029 09:00:00 +0000")
        recorder.answer(httpx.Response(200, json={"messages": [old], "next_page_uri": None}))
        with pytest.raises(ProviderNotFoundError, match="never reached Twilio"):
            adapter.sms_fetch_message(account=account, message=_message(), provider_message_id=None)

    def test_without_provider_id_refuses_to_guess(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """Two identical texts match: a ProviderError (not "not found"), so nothing is re-sent."""
        twin = _twilio_message(sid="SM" + "e" * 32)
        recorder.answer(
            httpx.Response(200, json={"messages": [twin, _twilio_message()], "next_page_uri": None})
        )
        with pytest.raises(ProviderError, match="status callback") as caught:
            adapter.sms_fetch_message(account=account, message=_message(), provider_message_id=None)
        assert not isinstance(caught.value, ProviderNotFoundError)


class TestUnregisteredSender:
    """Twilio accepts a text from an unregistered number and fails it with 30034 afterwards."""

    def test_accepted_then_failed(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> None:
        """The send is queued; fetching it shows FAILED with 30034 and Twilio's words."""
        number = twilio.state.buy_number(account_sid, {"AreaCode": ["415"]})
        message = _message(
            sender=PhoneNumber.parse(number["phone_number"]), sender_ref=number["sid"]
        )
        receipt = stateful_adapter.sms_send_message(account=stateful_account, message=message)
        assert receipt is not None
        assert DeliveryStatus.QUEUED == receipt.status
        update = stateful_adapter.sms_fetch_message(
            account=stateful_account,
            message=message,
            provider_message_id=receipt.provider_message_id,
        )
        assert update is not None
        assert (DeliveryStatus.FAILED, "30034") == (update.status, update.error_code)
        assert "unregistered" in (update.error_message or "")

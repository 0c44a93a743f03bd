import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import attrs
import httpx
import pytest

from sms_core import (
    Account,
    AmbiguousMessageError,
    DeliveryStatus,
    FailureReason,
    InvalidRecipientError,
    ManualClock,
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
from sms_twilio import MessageStatus, PooledHttpClient, TwilioAdapter
from sms_twilio.delivery import message_id_of, status_callback_url
from sms_twilio.statuses import delivery_status
from sms_twilio.testing import TwilioState
from sms_twilio.testing.memory import CreateFault
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


#: A Message resource as Twilio publishes it: the fetch answer of twilio-python's own test
#: (twilio/twilio-python, tests/integration/api/v2010/account/test_message.py,
#: ``test_fetch_response``), copied as is. Tests override the fields they are about.
TWILIO_MESSAGE_EXAMPLE: dict[str, Any] = {
    "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "api_version": "2010-04-01",
    "body": "O Slash: \u00d8, PoP: \ud83d\udca9",
    "date_created": "Thu, 30 Jul 2015 20:12:31 +0000",
    "date_sent": "Thu, 30 Jul 2015 20:12:33 +0000",
    "date_updated": "Thu, 30 Jul 2015 20:12:33 +0000",
    "direction": "outbound-api",
    "error_code": None,
    "error_message": None,
    "from": "+14155552345",
    "messaging_service_sid": "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "num_media": "0",
    "num_segments": "1",
    "price": "-0.00750",
    "price_unit": "USD",
    "sid": "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "status": "sent",
    "subresource_uris": {
        "media": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/"
        "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Media.json"
    },
    "to": "+14155552345",
    "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/"
    "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
}


def _twilio_message(**fields: Any) -> dict[str, Any]:
    """Twilio's example message, as the line's text to the candidate, queued."""
    return (
        TWILIO_MESSAGE_EXAMPLE
        | {
            "sid": _SM,
            "status": "queued",
            "to": _CANDIDATE.e164,
            "from": _LINE.e164,
            "body": _message().body,
            "messaging_service_sid": None,
            "date_created": "Mon, 07 Jan 2030 09:00:00 +0000",
            "date_sent": "Mon, 07 Jan 2030 09:00:00 +0000",
            "date_updated": "Mon, 07 Jan 2030 09:00:01 +0000",
            "price": None,
        }
        | fields
    )


def _page(*messages: dict[str, Any], next_page_uri: str | None = None) -> httpx.Response:
    """A v2010 list page (the shape of twilio-python's ``test_read_full_response``)."""
    return httpx.Response(
        200, json={"messages": list(messages), "next_page_uri": next_page_uri, "page": 0}
    )


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
                    "direction": "outbound-api",
                    "from": _LINE.e164,
                    "to": _CANDIDATE.e164,
                    "messaging_service_sid": None,
                    "num_segments": "1",
                    "error_code": None,
                    "error_message": None,
                    "price": None,
                    "price_unit": "USD",
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
            FailureReason.UNREACHABLE,
            "msg-42",
        ) == (
            update.provider_message_id,
            update.status,
            update.error_code,
            update.error_message,
            update.failure_reason,
            update.message_id,
        )

    def test_without_provider_id_lists_by_to_and_from(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """Texts from the line to the candidate since the window's GMT day are matched on the text.

        ``DateSent>`` takes a day, ``YYYY-MM-DD`` ("on and after"), per the Messages list's
        parameters in Twilio's description (twilio-oai ``spec/json/twilio_api_v2010.json``);
        ``PageSize`` is the list's maximum, 1000.
        """
        other = _twilio_message(sid="SM" + "d" * 32, body="Another text")
        recorder.answer(_page(other, _twilio_message()))
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
            "DateSent>": "2030-01-05",
            "PageSize": "1000",
        } == dict(recorder.last.url.params)
        assert isinstance(update, StatusUpdate)
        assert (_SM, "msg-42") == (update.provider_message_id, update.message_id)

    def test_every_page_is_read(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, account_sid: str
    ) -> None:
        """The text is found on the second page: the lookup follows ``next_page_uri``."""
        older = [_twilio_message(sid=f"SM{index:032x}", body="Another text") for index in range(3)]
        next_page = f"/2010-04-01/Accounts/{account_sid}/Messages.json?Page=1&PageToken=PT1"
        recorder.answer(
            _page(*older, next_page_uri=next_page),
            _page(_twilio_message()),
        )
        update = adapter.sms_fetch_message(
            account=account, message=_message(), provider_message_id=None
        )
        assert (2, _SM) == (len(recorder.requests), update and update.provider_message_id)

    def test_window_crossing_midnight(
        self,
        adapter: TwilioAdapter,
        account: Account,
        recorder: ScriptedAnswers,
        clock: ManualClock,
    ) -> None:
        """Looked for at 00:30 GMT, a text of 23:59 the day before is asked for and found."""
        clock.advance(datetime(2030, 1, 9, 0, 30, tzinfo=UTC) - clock.now())
        settings = {**account.provider_settings, "reconcile_window_hours": "1"}
        account = attrs.evolve(account, provider_settings=settings)
        late = _twilio_message(
            date_created="Tue, 08 Jan 2030 23:59:00 +0000",
            date_sent="Tue, 08 Jan 2030 23:59:01 +0000",
        )
        recorder.answer(_page(late))
        update = adapter.sms_fetch_message(
            account=account, message=_message(), provider_message_id=None
        )
        assert "2030-01-08" == recorder.last.url.params["DateSent>"]
        assert update is not None
        assert _SM == update.provider_message_id

    def test_replies_and_older_texts_are_not_candidates(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """Only an outbound text created in the window matches; "not listed now" otherwise."""
        old = _twilio_message(date_created="Mon, 01 Jan 2029 09:00:00 +0000")
        reply = _twilio_message(sid="SM" + "f" * 32, direction="inbound")
        recorder.answer(_page(reply, old))
        with pytest.raises(ProviderNotFoundError, match="look again later") as caught:
            adapter.sms_fetch_message(account=account, message=_message(), provider_message_id=None)
        assert "20404" == caught.value.code

    def test_without_provider_id_ambiguity_is_its_own_error(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """Two identical texts match: AmbiguousMessageError naming both SIDs, not "not found".

        Twilio's Message resource returns no field naming the SDK's message: its properties
        (twilio-oai ``api.v2010.account.message``; the example above) have no status callback.
        """
        twin = _twilio_message(sid="SM" + "e" * 32)
        recorder.answer(_page(twin, _twilio_message()))
        with pytest.raises(AmbiguousMessageError) as caught:
            adapter.sms_fetch_message(account=account, message=_message(), provider_message_id=None)
        assert [] == [
            part for part in ("SM" + "e" * 32, _SM, "msg-42") if part not in str(caught.value)
        ]


class TestListLag:
    """Twilio's list may not show a text it created yet; the lookup only says "not listed now"."""

    def test_lost_send_not_listed_yet_is_found_later(
        self, clock: ManualClock, account: Account, account_sid: str
    ) -> None:
        """A create answered 502 after creation is not listed for 5 minutes, then found."""
        twilio = StateAnswers(TwilioState(clock, list_lag=timedelta(minutes=5)), auth_token="t")
        with PooledHttpClient(transport=httpx.MockTransport(twilio)) as http:
            adapter = TwilioAdapter(
                http=http,
                environ={"TWILIO_ACCOUNT_SID": account_sid, "TWILIO_AUTH_TOKEN": "t"},
                clock=clock,
            )
            sender, number_sid, _ = twilio.state.provision_sender(account_sid)
            message = _message(sender=PhoneNumber.parse(sender), sender_ref=number_sid)
            twilio.state.spoil_creates(lambda _: CreateFault(status=502))
            with pytest.raises(ProviderTimeoutError):
                adapter.sms_send_message(account=account, message=message)
            with pytest.raises(ProviderNotFoundError, match="look again later"):
                adapter.sms_fetch_message(
                    account=account, message=message, provider_message_id=None
                )
            clock.advance(timedelta(minutes=5))
            update = adapter.sms_fetch_message(
                account=account, message=message, provider_message_id=None
            )
        assert update is not None
        assert [update.provider_message_id] == [
            m["sid"] for m in twilio.state.messages(account_sid, {})
        ]


class TestTwilioEvidence:
    """What the delivery path relies on, read from Twilio's own OpenAPI description.

    twilio-oai ``spec/json/twilio_api_v2010.json`` (tag 2.6.7, ``../shared/twilio-oai/``).
    """

    @pytest.fixture(scope="class")
    @classmethod
    def api(cls, twilio_oai: Path) -> dict[str, Any]:
        path = twilio_oai / "twilio_api_v2010.json"
        if not path.is_file():
            if os.environ.get("CI"):
                pytest.fail(f"Twilio's description is missing: {path}", pytrace=False)
            pytest.skip(f"Twilio's description is missing: {path}")
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    def test_every_message_status_is_twilios(self, api: dict[str, Any]) -> None:
        """MessageStatus is exactly the spec's message_enum_status."""
        enum = api["components"]["schemas"]["message_enum_status"]["enum"]
        assert sorted(enum) == sorted(status.value for status in MessageStatus)

    def test_only_outbound_directions_start_with_outbound(self, api: dict[str, Any]) -> None:
        """The lookup keeps a listed text whose direction starts with "outbound"."""
        enum = api["components"]["schemas"]["message_enum_direction"]["enum"]
        assert ["inbound"] == [d for d in enum if not d.startswith("outbound")]

    def test_the_message_resource_names_no_callback(self, api: dict[str, Any]) -> None:
        """Nothing Twilio returns for a message could carry the SDK's id back."""
        fields = api["components"]["schemas"]["api.v2010.account.message"]["properties"]
        assert [] == [name for name in fields if "callback" in name]
        assert set(TWILIO_MESSAGE_EXAMPLE) == set(fields)

    def test_date_sent_filter_takes_a_day(self, api: dict[str, Any]) -> None:
        """``DateSent>`` is documented as GMT days, ``YYYY-MM-DD``."""
        listing = api["paths"]["/2010-04-01/Accounts/{AccountSid}/Messages.json"]["get"]
        [after] = [p for p in listing["parameters"] if p["name"] == "DateSent>"]
        assert "YYYY-MM-DD" in after["description"]

    def test_queue_validity_is_twilios_validity_period(
        self, api: dict[str, Any], adapter: TwilioAdapter
    ) -> None:
        """The SDK waits Twilio's longest queue time before calling an unlisted text not sent.

        ``ValidityPeriod``: "Accepted values are integers from 1 to 36000. Default value is
        36000"; the SDK sets none, so a text Twilio took is sent or failed within that.
        """
        create = api["paths"]["/2010-04-01/Accounts/{AccountSid}/Messages.json"]["post"]
        form = create["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
        description = form["properties"]["ValidityPeriod"]["description"]
        assert "Default value is `36000`" in description
        capabilities = adapter.sms_provider_info().capabilities
        assert timedelta(seconds=36_000) == capabilities.queue_validity

    def test_stand_in_texts_look_like_twilios(self, api: dict[str, Any], account_sid: str) -> None:
        """The stand-in answers a create with the Message resource's fields and statuses only."""
        state = TwilioState()
        sender, _, service = state.provision_sender(account_sid)
        fields = api["components"]["schemas"]["api.v2010.account.message"]["properties"]
        enum = api["components"]["schemas"]["message_enum_status"]["enum"]
        for form in (
            {"To": ["+12125550100"], "From": [sender], "Body": ["hi"]},
            {
                "To": ["+12125550100"],
                "From": [sender],
                "Body": ["hi"],
                "MessagingServiceSid": [service],
            },
        ):
            created = state.create_message(account_sid, form)
            assert (set(), True) == (set(created) - set(fields), created["status"] in enum)


class TestErrorAdvice:
    """Twilio's codes come with what to do, from Twilio's error dictionary pages."""

    @pytest.mark.parametrize(
        ("code", "words", "advice"),
        [
            # https://www.twilio.com/docs/api/errors/30034
            ("30034", "Message from an unregistered number", "registration with the carriers"),
            # https://www.twilio.com/docs/api/errors/30024: "while a newly registered sender is
            # still being provisioned"
            ("30024", "not provisioned on carrier", "still settling"),
            # https://www.twilio.com/docs/api/errors/30022
            ("30022", "Rate limits exceeded", "throughput"),
            # https://www.twilio.com/docs/api/errors/30032
            ("30032", "Toll-free number has not been verified", "Toll-Free Verification"),
            # https://www.twilio.com/docs/api/errors/21408
            ("21408", "permissions disabled for the destination region", "Geo Permissions"),
            # https://www.twilio.com/docs/api/errors/14107
            ("14107", "SMS send rate limit exceeded", "30 seconds"),
        ],
    )
    def test_failed_text_says_what_to_do(
        self,
        adapter: TwilioAdapter,
        account: Account,
        recorder: ScriptedAnswers,
        code: str,
        words: str,
        advice: str,
    ) -> None:
        """A text Twilio failed with the code carries Twilio's words and the advice."""
        recorder.answer(
            httpx.Response(
                200, json=_twilio_message(status="failed", error_code=int(code), error_message=None)
            )
        )
        update = adapter.sms_fetch_message(
            account=account, message=_message(), provider_message_id=_SM
        )
        assert update is not None
        assert (code, True, True) == (
            update.error_code,
            words in (update.error_message or ""),
            advice in (update.error_message or ""),
        )

    @pytest.mark.parametrize("code", [30034, 30024])
    def test_early_send_refused_points_to_settling_registration(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers, code: int
    ) -> None:
        """Refused at create with 30034/30024: UnregisteredSenderError, wait and send again."""
        recorder.answer(_refusal(400, code, "Twilio's words"))
        with pytest.raises(UnregisteredSenderError, match="still settling: wait") as caught:
            adapter.sms_send_message(account=account, message=_message())
        assert str(code) == caught.value.code


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
        assert (DeliveryStatus.FAILED, "30034", FailureReason.UNREGISTERED_SENDER) == (
            update.status,
            update.error_code,
            update.failure_reason,
        )
        assert "unregistered" in (update.error_message or "")

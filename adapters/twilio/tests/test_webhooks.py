import hashlib
from urllib.parse import urlencode

import attrs
import pytest
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from sms_core import (
    Account,
    ConfigurationError,
    DeliveryStatus,
    FailureReason,
    InboundCall,
    InboundMessage,
    KeywordClass,
    PhoneNumber,
    StatusUpdate,
    WebhookPayloadError,
    WebhookRequest,
)
from sms_twilio import Credentials, TwilioAdapter
from sms_twilio.keywords import DEFAULT_KEYWORDS
from sms_twilio.testing import signed_request

_URL = "https://sms.example.com/webhooks/northwind/messages"
AUTH_TOKEN = "unit-test-auth-token"  # the conftest's
_LINE = PhoneNumber.parse("+1 415 234 5678")
_CANDIDATE = PhoneNumber.parse("+1 206 555 0142")
_SM = "SM" + "c" * 32
_INBOUND = {
    "MessageSid": _SM,
    "SmsSid": _SM,
    "SmsMessageSid": _SM,
    "AccountSid": "AC" + "0" * 32,
    "From": _CANDIDATE.e164,
    "To": _LINE.e164,
    "Body": "STOP",
    "NumMedia": "0",
    "NumSegments": "1",
    "SmsStatus": "received",
    "OptOutType": "STOP",
    "ApiVersion": "2010-04-01",
}


_SHARED_KEY_SETTINGS = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"


def _with(account: Account, **settings: str) -> Account:
    return attrs.evolve(account, provider_settings={**account.provider_settings, **settings})


class TestSignature:
    """X-Twilio-Signature is checked over the exact URL and every parameter."""

    def test_signed_request_verifies(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """A request signed with the account's auth token is accepted."""
        request = signed_request(_URL, _INBOUND, auth_token)
        assert adapter.sms_verify_webhook(account=account, request=request)

    def test_unsigned_request_is_refused(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """Without the header, False."""
        request = signed_request(_URL, _INBOUND, auth_token)
        unsigned = attrs.evolve(
            request, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert False is adapter.sms_verify_webhook(account=account, request=unsigned)

    def test_tampered_parameter_is_refused(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """A body changed after signing fails."""
        request = signed_request(_URL, _INBOUND, auth_token)
        tampered = attrs.evolve(request, body=urlencode(_INBOUND | {"Body": "START"}).encode())
        assert False is adapter.sms_verify_webhook(account=account, request=tampered)

    def test_body_that_is_not_utf8_is_refused(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """Twilio sends UTF-8: other bytes are refused as not Twilio's, not a server error."""
        request = signed_request(_URL, _INBOUND, auth_token)
        garbled = attrs.evolve(request, body=b"Body=\xff\xfe&From=%2B1")
        assert False is adapter.sms_verify_webhook(account=account, request=garbled)

    def test_added_parameter_is_refused(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """A parameter added after signing fails: every parameter is covered."""
        request = signed_request(_URL, _INBOUND, auth_token)
        added = attrs.evolve(request, body=request.body + b"&Extra=1")
        assert False is adapter.sms_verify_webhook(account=account, request=added)

    def test_other_token_is_refused(self, adapter: TwilioAdapter, account: Account) -> None:
        """A signature made with another account's token fails."""
        request = signed_request(_URL, _INBOUND, "someone-else")
        assert False is adapter.sms_verify_webhook(account=account, request=request)

    def test_url_with_default_port_verifies(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """Twilio may sign with :443 in the URL; either form is accepted."""
        signed = signed_request(
            "https://sms.example.com:443/webhooks/northwind/messages", _INBOUND, auth_token
        )
        moved = attrs.evolve(signed, url=_URL)
        assert adapter.sms_verify_webhook(account=account, request=moved)

    def test_public_base_url_behind_a_proxy(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """Behind a proxy the URL is rebuilt on the deprecated public_webhook_base_url."""
        signed = signed_request(f"{_URL}?tenant=7", _INBOUND, auth_token)
        inside = attrs.evolve(signed, url="http://10.0.0.5:8000/northwind/messages?tenant=7")
        proxied = _with(account, public_webhook_base_url="https://sms.example.com/webhooks")
        with pytest.warns(DeprecationWarning, match="SMS_WEBHOOK_BASE_URL"):
            assert adapter.sms_verify_webhook(account=proxied, request=inside)
        assert False is adapter.sms_verify_webhook(account=account, request=inside)

    def test_hmac_sha256_shared_key(self, account: Account) -> None:
        """A SharedKey signature (HMAC-SHA256) is checked with the configured signing key."""
        environ = {
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_WEBHOOK_SIGNING_KEY": "shared-secret",
        }
        adapter = TwilioAdapter(environ=environ)
        signature = RequestValidator("shared-secret").compute_signature(
            _URL, _INBOUND, "HMAC_SHA256"
        )
        request = WebhookRequest(
            method="POST",
            url=_URL,
            headers={
                "X-Twilio-Signature": signature,
                "X-Twilio-Webhooks-Signature-Settings": _SHARED_KEY_SETTINGS,
            },
            body=urlencode(_INBOUND).encode(),
        )
        assert adapter.sms_verify_webhook(account=account, request=request)
        forged = attrs.evolve(
            request, headers={**request.headers, "x-twilio-signature": signature[:-2] + "AA"}
        )
        assert False is adapter.sms_verify_webhook(account=account, request=forged)

    def test_json_body_is_checked_by_its_hash(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """A JSON body is covered by bodySHA256 in the signed URL."""
        body = '{"event":"x"}'
        url = f"{_URL}?bodySHA256={hashlib.sha256(body.encode()).hexdigest()}"
        signature = RequestValidator(auth_token).compute_signature(url, {})
        request = WebhookRequest(
            method="POST", url=url, headers={"X-Twilio-Signature": signature}, body=body.encode()
        )
        assert adapter.sms_verify_webhook(account=account, request=request)
        changed = attrs.evolve(request, body=b'{"event":"y"}')
        assert False is adapter.sms_verify_webhook(account=account, request=changed)

    def test_api_key_only_cannot_verify(self, account: Account) -> None:
        """Without the auth token (API key only) verification is a configuration error."""
        adapter = TwilioAdapter(
            credentials=lambda account, settings: Credentials(
                account_sid="AC" + "0" * 32, username="SK" + "1" * 32, password="key-secret"
            )
        )
        request = signed_request(_URL, _INBOUND, "whatever")
        with pytest.raises(ConfigurationError, match="AUTH_TOKEN"):
            adapter.sms_verify_webhook(account=account, request=request)


class TestParsing:
    """Requests become status updates, inbound texts and inbound calls."""

    def test_status_callback(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """A status callback names Twilio's id, the SDK's id (from the URL) and the error code."""
        params = {
            "AccountSid": "AC" + "0" * 32,
            "MessageSid": _SM,
            "SmsSid": _SM,
            "SmsStatus": "undelivered",
            "MessageStatus": "undelivered",
            "ErrorCode": "30003",
            "From": _LINE.e164,
            "To": _CANDIDATE.e164,
        }
        request = signed_request(
            "https://sms.example.com/webhooks/northwind/status?sms_message_id=msg-42",
            params,
            auth_token,
        )
        [update] = adapter.sms_parse_webhook(account=account, request=request) or []
        assert (
            StatusUpdate(
                provider_message_id=_SM,
                status=DeliveryStatus.UNDELIVERED,
                raw_status="undelivered",
                message_id="msg-42",
                error_code="30003",
                error_message="Unreachable destination handset",
                failure_reason=FailureReason.UNREACHABLE,
                raw=params | {"sms_message_id": "msg-42"},
            )
            == update
        )

    def test_inbound_text_with_opt_out_type(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """An inbound text keeps Twilio's OptOutType verdict."""
        request = signed_request(_URL, _INBOUND, auth_token)
        [inbound] = adapter.sms_parse_webhook(account=account, request=request) or []
        assert isinstance(inbound, InboundMessage)
        assert (_SM, _CANDIDATE, _LINE, "STOP", KeywordClass.OPT_OUT) == (
            inbound.provider_message_id,
            inbound.sender,
            inbound.recipient,
            inbound.body,
            inbound.carrier_keyword,
        )

    def test_inbound_call(self, adapter: TwilioAdapter, account: Account, auth_token: str) -> None:
        """A voice webhook is an inbound call from the caller to the line."""
        params = {
            "CallSid": "CA" + "1" * 32,
            "From": _CANDIDATE.e164,
            "To": _LINE.e164,
            "CallStatus": "ringing",
        }
        request = signed_request(
            "https://sms.example.com/webhooks/northwind/calls", params, auth_token
        )
        [call] = adapter.sms_parse_webhook(account=account, request=request) or []
        assert (
            InboundCall(
                provider_call_id="CA" + "1" * 32, caller=_CANDIDATE, called=_LINE, raw=params
            )
            == call
        )

    @pytest.mark.parametrize(
        ("params", "named"),
        [
            ({"AccountSid": "AC" + "0" * 32}, "neither"),
            ({"MessageStatus": "delivered"}, "MessageSid"),
            ({"CallSid": "CA" + "1" * 32, "From": _CANDIDATE.e164}, "To"),
            (
                {"SmsStatus": "received", "MessageSid": _SM, "From": _CANDIDATE.e164, "Body": "x"},
                "To",
            ),
        ],
        ids=["unknown-kind", "no-sid", "call-to-nowhere", "text-to-nowhere"],
    )
    def test_malformed_requests(
        self,
        adapter: TwilioAdapter,
        account: Account,
        auth_token: str,
        params: dict[str, str],
        named: str,
    ) -> None:
        """A request lacking what its kind needs raises WebhookPayloadError naming it."""
        request = signed_request(_URL, params, auth_token)
        with pytest.raises(WebhookPayloadError, match=named):
            adapter.sms_parse_webhook(account=account, request=request)


class TestAnswers:
    """Calls are answered with TwiML; everything else with an empty Response."""

    def test_forwarding_dials(self, adapter: TwilioAdapter, account: Account) -> None:
        """A forwarding line answers with <Dial> to the forwarding number."""
        call = InboundCall(provider_call_id="CA" + "1" * 32, caller=_CANDIDATE, called=_LINE)
        forward = PhoneNumber.parse("+1 312 555 0175")
        response = adapter.sms_answer_call(account=account, call=call, forward_to=forward)
        assert response is not None
        assert (200, "text/xml; charset=utf-8") == (response.status, response.content_type)
        assert (
            b'<?xml version="1.0" encoding="UTF-8"?><Response>'
            b'<Dial answerOnBridge="true">+13125550175</Dial></Response>'
        ) == response.body

    def test_no_forwarding_says_goodbye(self, adapter: TwilioAdapter, account: Account) -> None:
        """A line without forwarding says so politely and hangs up."""
        call = InboundCall(provider_call_id="CA" + "1" * 32, caller=_CANDIDATE, called=_LINE)
        response = adapter.sms_answer_call(account=account, call=call, forward_to=None)
        assert response is not None
        assert (
            b'<?xml version="1.0" encoding="UTF-8"?><Response><Say>Sorry, this number cannot take '
            b"calls. Please send a text message instead. Goodbye.</Say><Hangup /></Response>"
        ) == response.body

    def test_acknowledge_is_empty_twiml(self, adapter: TwilioAdapter, account: Account) -> None:
        """Applied events are acknowledged with an empty <Response/>."""
        response = adapter.sms_acknowledge_webhook(account=account, events=[])
        assert response is not None
        assert (200, b'<?xml version="1.0" encoding="UTF-8"?><Response />') == (
            response.status,
            response.body,
        )


_REPORT = {
    "AccountSid": "AC" + "0" * 32,
    "MessageSid": _SM,
    "SmsSid": _SM,
    "MessageStatus": "delivered",
    "SmsStatus": "delivered",
    "From": _LINE.e164,
    "To": _CANDIDATE.e164,
    "ApiVersion": "2010-04-01",
}
_CALL = {
    "AccountSid": "AC" + "0" * 32,
    "CallSid": "CA" + "1" * 32,
    "To": _LINE.e164,
    "Called": _LINE.e164,
    "CallStatus": "ringing",
    "Direction": "inbound",
    "ApiVersion": "2010-04-01",
}


def _parse(adapter: TwilioAdapter, account: Account, params: dict[str, str]) -> list[object]:
    request = signed_request(_URL, params, AUTH_TOKEN)
    return list(adapter.sms_parse_webhook(account=account, request=request) or [])


class TestClassification:
    """The status Twilio reports decides the kind first; a Body alone does not.

    Sources: inbound texts carry ``SmsStatus=received``
    (https://www.twilio.com/docs/messaging/guides/webhook-request); status callbacks carry
    ``MessageStatus`` and ``SmsStatus``
    (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status), and their
    parameters "vary by channel and event type" and grow without notice.
    """

    def test_status_callback_echoing_the_body_is_a_report(
        self, adapter: TwilioAdapter, account: Account
    ) -> None:
        """A delivery report that also carries Body is still a StatusUpdate, not a text."""
        [event] = _parse(adapter, account, _REPORT | {"Body": "Free Friday?"})
        assert isinstance(event, StatusUpdate)
        assert DeliveryStatus.DELIVERED == event.status

    def test_sms_status_alone_is_a_report(self, adapter: TwilioAdapter, account: Account) -> None:
        """A report with SmsStatus and no MessageStatus is still a StatusUpdate."""
        params = {k: v for k, v in _REPORT.items() if k != "MessageStatus"}
        [event] = _parse(adapter, account, params | {"SmsStatus": "sent"})
        assert isinstance(event, StatusUpdate)
        assert "sent" == event.raw_status

    def test_received_is_an_inbound_text(self, adapter: TwilioAdapter, account: Account) -> None:
        """SmsStatus=received is an inbound text, whatever else it carries."""
        [event] = _parse(adapter, account, _INBOUND | {"Body": "Yes, Friday works"})
        assert isinstance(event, InboundMessage)

    def test_picture_without_body_is_an_inbound_text(
        self, adapter: TwilioAdapter, account: Account
    ) -> None:
        """An MMS with no words is still an inbound text, with an empty body."""
        params = {k: v for k, v in _INBOUND.items() if k not in {"Body", "OptOutType"}}
        [event] = _parse(adapter, account, params | {"NumMedia": "1"})
        assert isinstance(event, InboundMessage)
        assert "" == event.body

    def test_text_from_a_short_code_is_acknowledged(
        self, adapter: TwilioAdapter, account: Account
    ) -> None:
        """A text from no phone number (a short code) parses to nothing: 200, not stored."""
        assert [] == _parse(adapter, account, _INBOUND | {"From": "22395", "Body": "Hi"})


class TestCallers:
    """Every caller gets a TwiML answer, whatever Twilio says is calling."""

    @pytest.mark.parametrize(
        "caller",
        # "anonymous" and +266696687 ("ANONYMOUS" on a keypad) are what a withheld number
        # arrives as; a short code and an empty From are no numbers either.
        ["anonymous", "+266696687", "", "22395", None],
        ids=["anonymous", "266696687", "empty", "short-code", "absent"],
    )
    def test_caller_without_a_number(
        self, adapter: TwilioAdapter, account: Account, caller: str | None
    ) -> None:
        """The call parses with no caller and is answered with TwiML."""
        params = _CALL | ({} if caller is None else {"From": caller, "Caller": caller})
        [call] = _parse(adapter, account, params)
        assert isinstance(call, InboundCall)
        assert (None, _LINE) == (call.caller, call.called)
        answer = adapter.sms_answer_call(account=account, call=call, forward_to=None)
        assert answer is not None
        assert b"<Hangup />" in answer.body

    @pytest.mark.parametrize("status", ["completed", "busy", "no-answer", "failed", "canceled"])
    def test_call_status_callback_is_ignored(
        self, adapter: TwilioAdapter, account: Account, status: str
    ) -> None:
        """A call's status callback carries nothing for the SDK: no events, acknowledged."""
        params = _CALL | {"From": _CANDIDATE.e164, "CallStatus": status, "CallDuration": "9"}
        assert [] == _parse(adapter, account, params)


class TestTwilioKeywords:
    """What Twilio itself acted on is reported as carrier_keyword, with or without the field."""

    def test_default_keywords_are_twilios(self) -> None:
        """The lists are Twilio's published defaults.

        https://support.twilio.com/hc/en-us/articles/223134027-Twilio-support-for-opt-out-keywords-SMS-STOP-filtering
        (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT; START, YES, UNSTOP; HELP, INFO) and
        https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out (REVOKE, OPTOUT).
        """
        assert {
            "STOP": {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"},
            "START": {"START", "YES", "UNSTOP"},
            "HELP": {"HELP", "INFO"},
        } == {
            verdict: {word for word, kind in DEFAULT_KEYWORDS.items() if kind == verdict}
            for verdict in ("STOP", "START", "HELP")
        }

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("STOP", KeywordClass.OPT_OUT),
            ("sToP", KeywordClass.OPT_OUT),
            ("unsubscribe ", KeywordClass.OPT_OUT),
            ("Help", KeywordClass.HELP),
            ("info", KeywordClass.HELP),
            ("yes", KeywordClass.OPT_IN),
            ("Stop please", None),
            ("STOP.", None),
            ("Can you help?", None),
        ],
    )
    def test_without_advanced_opt_out_the_body_decides(
        self, adapter: TwilioAdapter, account: Account, body: str, expected: KeywordClass | None
    ) -> None:
        """Twilio's default handling: the whole body is a keyword, in any case.

        https://support.twilio.com/hc/en-us/articles/31560110671259-How-to-Track-Opt-Out-Opt-In-and-Help-Messages-Using-the-OptOutType-Parameter
        ("only when the full message body matches the keyword"; "sToP" counts).
        """
        params = {k: v for k, v in _INBOUND.items() if k != "OptOutType"}
        [text] = _parse(adapter, account, params | {"Body": body})
        assert isinstance(text, InboundMessage)
        assert expected == text.carrier_keyword

    def test_with_advanced_opt_out_only_the_field_decides(
        self, adapter: TwilioAdapter, account: Account
    ) -> None:
        """With Advanced Opt-Out, only OptOutType says what Twilio answered.

        A keyword Twilio did not report (one the service dropped) is left to the SDK; a custom
        keyword Twilio reports counts.
        """
        advanced = _with(account, advanced_opt_out="true")
        plain = {k: v for k, v in _INBOUND.items() if k != "OptOutType"}
        [unreported] = _parse(adapter, advanced, plain | {"Body": "CANCEL"})
        [custom] = _parse(adapter, advanced, plain | {"Body": "ARRET", "OptOutType": "STOP"})
        assert isinstance(unreported, InboundMessage)
        assert isinstance(custom, InboundMessage)
        assert (None, KeywordClass.OPT_OUT) == (unreported.carrier_keyword, custom.carrier_keyword)

    def test_setting_must_be_a_flag(self, adapter: TwilioAdapter, account: Account) -> None:
        """A value that is not true or false is refused, naming the key."""
        with pytest.raises(ConfigurationError, match="advanced_opt_out"):
            _parse(adapter, _with(account, advanced_opt_out="sometimes"), _INBOUND)

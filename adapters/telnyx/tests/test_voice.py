"""Calls on Telnyx: the TeXML application of a voice URL, the call request, the TeXML answer.

Evidence:

* a number's calls go to the TeXML application its ``connection_id`` names, which fetches
  instructions from its ``voice_url``
  (https://developers.telnyx.com/docs/voice/programmable-voice/texml-instruction-fetching);
  ``CreateTexmlApplicationRequest`` requires ``friendly_name`` and ``voice_url`` and takes
  ``voice_method`` and ``outbound.outbound_voice_profile_id``; ``ListTexmlApplications``
  filters by ``filter[friendly_name]`` (``spec3.yml``; the ``telnyx`` package's
  ``texml_application_create_params.py`` and ``texml_application_list_params.py``);
* the call request is ``application/x-www-form-urlencoded`` with ``AccountSid``, ``CallSid``,
  ``CallStatus``, ``ConnectionId``, ``From``, ``To``, signed with ``telnyx-signature-ed25519``
  over ``f"{telnyx-timestamp}|{body}"``
  (https://developers.telnyx.com/api-reference/callbacks/texml-call-initiated; the field values
  below are that page's example);
* the answer is TeXML: ``<Dial>`` "transfers an existing call to another destination"
  (https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs/dial).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from nacl.signing import SigningKey
from telnyx_helpers import API_KEY, BASE_URL, PROFILE, Recorder, account

from sms_core import (
    ConfigurationError,
    Hooks,
    InboundCall,
    ManualClock,
    PhoneNumber,
    WebhookPayloadError,
    WebhookRequest,
    WebhookSignatureError,
    make_plugin_manager,
)
from sms_core.domain import NumberSettings, ProvisionedNumber
from sms_core.exceptions import ProviderError
from sms_core.testing.prism import raise_for_prism_rejection
from sms_telnyx import TelnyxAdapter
from sms_telnyx.voice import DECLINE_MESSAGE, TEXML_CONTENT_TYPE, application_name

_NOW = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)
NUMBER_ID = "1293384261075731499"
APP_ID = "1293384261075731500"
VOICE_URL = "https://sms.example/webhooks/acme/calls"
NUMBER = ProvisionedNumber(number=PhoneNumber.parse("+14155550123"), provider_ref=NUMBER_ID)
FORWARD = PhoneNumber.parse("+13125550175")
_CALL_URL = VOICE_URL
# The example of https://developers.telnyx.com/api-reference/callbacks/texml-call-initiated,
# its number called being the SDK's line.
_CALL = {
    "AccountSid": "f5586561-8ff0-4291-a51b-c7dfe4139ff9",
    "CallInitiatedAt": "2024-01-15T10:30:26.028Z",
    "CallSid": "v3:9X2vxPDFY2RHSJ1EdMS0RHRksMTg7ldNxdjWbVr9zBjbGjGsSe-aiQ",
    "CallSidLegacy": "v3:9X2vxPDFY2RHSJ1EdMS0RHRksMTg7ldNxdjWbVr9zBjbGjGsSe-aiQ",
    "CallStatus": "initiated",
    "CallbackSource": "call-progress-events",
    "ConnectionId": APP_ID,
    "From": "+35319605860",
    "SequenceNumber": "0",
    "Timestamp": "2024-01-15T10:30:00Z",
    "To": "+14155550123",
}

Routes = dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]]


def _json(data: Any, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _: httpx.Response(status, json=data)


def _application(voice_url: str = VOICE_URL, app_id: str = APP_ID) -> dict[str, Any]:
    return {
        "id": app_id,
        "record_type": "texml_application",
        "friendly_name": application_name(voice_url),
        "voice_url": voice_url,
        "voice_method": "post",
    }


def _listed(*apps: dict[str, Any]) -> dict[str, Any]:
    meta = {"total_pages": 1, "total_results": len(apps), "page_number": 1, "page_size": 250}
    return {"data": list(apps), "meta": meta}


def _routes(listed: dict[str, Any]) -> Routes:
    ok = _json({"data": {"id": NUMBER_ID}})
    routes: Routes = {
        ("GET", "/texml_applications"): _json(listed),
        ("POST", "/texml_applications"): _json({"data": _application()}, 201),
        ("PATCH", f"/phone_numbers/{NUMBER_ID}/messaging"): ok,
        ("PATCH", f"/phone_numbers/{NUMBER_ID}"): ok,
        ("PATCH", f"/phone_numbers/{NUMBER_ID}/voice"): ok,
        ("PATCH", f"/messaging_profiles/{PROFILE}"): _json({"data": {"id": PROFILE}}),
    }
    return routes


def _answer(routes: Routes) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v2")
        if (request.method, path) in routes:
            return routes[(request.method, path)](request)
        return httpx.Response(404, json={"errors": [{"code": "10005", "title": "Not found"}]})

    return answer


@pytest.fixture
def make_adapter() -> Iterator[Callable[[Routes], tuple[TelnyxAdapter, Recorder]]]:
    made: list[tuple[TelnyxAdapter, httpx.Client]] = []

    def make(routes: Routes) -> tuple[TelnyxAdapter, Recorder]:
        recorder = Recorder(_answer(routes))
        http = httpx.Client(transport=httpx.MockTransport(recorder))
        adapter = TelnyxAdapter(http=http, base_url=BASE_URL, environ={"TELNYX_API_KEY": API_KEY})
        made.append((adapter, http))
        return adapter, recorder

    yield make
    for adapter, http in made:
        adapter.close()
        http.close()


MakeAdapter = Callable[[Routes], tuple[TelnyxAdapter, Recorder]]


def _calls(recorder: Recorder) -> list[tuple[str, str]]:
    return [(r.method, r.url.path.removeprefix("/v2")) for r in recorder.requests]


def _body(recorder: Recorder, method: str, path: str) -> Any:
    for index, request in enumerate(recorder.requests):
        if (request.method, request.url.path.removeprefix("/v2")) == (method, path):
            return recorder.json(index)
    raise AssertionError(f"no {method} {path}")


class TestVoiceUrl:
    """A voice URL reaches Telnyx as the number's TeXML application, and reads back."""

    def test_an_application_is_created_and_the_number_pointed_at_it(
        self, make_adapter: MakeAdapter
    ) -> None:
        adapter, recorder = make_adapter(_routes(_listed()))
        wanted = NumberSettings(voice_url=VOICE_URL, forward_to=FORWARD)
        done = adapter.sms_configure_number(account(messaging_profile_id=PROFILE), NUMBER, wanted)
        assert done is not None
        assert wanted == done.settings
        assert [
            ("GET", "/texml_applications"),
            ("POST", "/texml_applications"),
            ("PATCH", f"/phone_numbers/{NUMBER_ID}/messaging"),
            ("PATCH", f"/phone_numbers/{NUMBER_ID}"),
            ("PATCH", f"/phone_numbers/{NUMBER_ID}/voice"),
        ] == _calls(recorder)
        name = application_name(VOICE_URL)
        looked = recorder.requests[0].url.params
        assert (name, "250", "created_at") == (
            looked["filter[friendly_name]"],
            looked["page[size]"],
            looked["sort"],
        )
        assert {"friendly_name": name, "voice_url": VOICE_URL, "voice_method": "post"} == (
            _body(recorder, "POST", "/texml_applications")
        )
        assert {"connection_id": APP_ID} == _body(recorder, "PATCH", f"/phone_numbers/{NUMBER_ID}")
        # The TeXML answer forwards; Telnyx's own forwarding would forward the call first.
        assert {"call_forwarding": {"call_forwarding_enabled": False}} == _body(
            recorder, "PATCH", f"/phone_numbers/{NUMBER_ID}/voice"
        )

    def test_the_application_of_the_url_is_reused(self, make_adapter: MakeAdapter) -> None:
        """An application of the same name but another URL (changed by hand) is not taken."""
        changed = _application("https://elsewhere.example/calls", app_id="777")
        changed["friendly_name"] = application_name(VOICE_URL)
        adapter, recorder = make_adapter(_routes(_listed(changed, _application())))
        done = adapter.sms_configure_number(
            account(messaging_profile_id=PROFILE), NUMBER, NumberSettings(voice_url=VOICE_URL)
        )
        assert done is not None
        assert VOICE_URL == done.settings.voice_url
        assert ("POST", "/texml_applications") not in _calls(recorder)
        assert {"connection_id": APP_ID} == _body(recorder, "PATCH", f"/phone_numbers/{NUMBER_ID}")

    def test_the_outbound_voice_profile_goes_on_a_new_application(
        self, make_adapter: MakeAdapter
    ) -> None:
        adapter, recorder = make_adapter(_routes(_listed()))
        settings = {"messaging_profile_id": PROFILE, "outbound_voice_profile_id": "1293384261"}
        adapter.sms_configure_number(
            account(**settings), NUMBER, NumberSettings(voice_url=VOICE_URL)
        )
        created = _body(recorder, "POST", "/texml_applications")
        assert {"outbound_voice_profile_id": "1293384261"} == created["outbound"]

    def test_without_a_voice_url_telnyx_forwards_by_itself(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(_routes(_listed()))
        done = adapter.sms_configure_number(
            account(messaging_profile_id=PROFILE), NUMBER, NumberSettings(forward_to=FORWARD)
        )
        assert done is not None
        assert done.settings.voice_url is None
        assert not [path for _, path in _calls(recorder) if "texml" in path]
        assert {
            "call_forwarding": {
                "call_forwarding_enabled": True,
                "forwards_to": FORWARD.e164,
                "forwarding_type": "always",
            }
        } == _body(recorder, "PATCH", f"/phone_numbers/{NUMBER_ID}/voice")

    def test_a_refused_application_changes_nothing_on_the_number(
        self, make_adapter: MakeAdapter
    ) -> None:
        refusal = {"errors": [{"code": "10015", "title": "Bad Request", "detail": "voice_url"}]}
        routes = _routes(_listed())
        routes[("POST", "/texml_applications")] = _json(refusal, 422)
        adapter, recorder = make_adapter(routes)
        with pytest.raises(ProviderError):
            adapter.sms_configure_number(
                account(messaging_profile_id=PROFILE), NUMBER, NumberSettings(voice_url=VOICE_URL)
            )
        assert [] == [r for r in recorder.requests if r.method == "PATCH"]

    def test_an_application_whose_answer_was_lost_is_not_made_twice(
        self, make_adapter: MakeAdapter
    ) -> None:
        """Telnyx made it but the answer was lost: configuring again finds it by name and URL."""
        made: list[dict[str, Any]] = []

        def create(request: httpx.Request) -> httpx.Response:
            made.append(_application())
            return httpx.Response(502, text="<html>Bad Gateway</html>")

        routes = _routes(_listed())
        routes[("GET", "/texml_applications")] = lambda _: httpx.Response(200, json=_listed(*made))
        routes[("POST", "/texml_applications")] = create
        adapter, recorder = make_adapter(routes)
        wanted = NumberSettings(voice_url=VOICE_URL)
        with pytest.raises(ProviderError):
            adapter.sms_configure_number(account(messaging_profile_id=PROFILE), NUMBER, wanted)
        assert [] == [r for r in recorder.requests if r.method == "PATCH"]
        done = adapter.sms_configure_number(account(messaging_profile_id=PROFILE), NUMBER, wanted)
        assert done is not None
        assert VOICE_URL == done.settings.voice_url
        assert 1 == len([r for r in recorder.requests if r.method == "POST"])
        assert {"connection_id": APP_ID} == _body(recorder, "PATCH", f"/phone_numbers/{NUMBER_ID}")

    def test_a_malformed_outbound_voice_profile_is_refused(self) -> None:
        adapter = TelnyxAdapter(environ={"TELNYX_API_KEY": API_KEY})
        read = adapter.settings_for(account(outbound_voice_profile_id=" 1293384261075731499 "))
        assert "1293384261075731499" == read.outbound_voice_profile_id
        with pytest.raises(ConfigurationError, match="outbound_voice_profile_id"):
            adapter.settings_for(account(outbound_voice_profile_id="ovp-1"))


class _Telnyx:
    """Posts calls the way Telnyx posts a TeXML request, with a key pair of its own."""

    def __init__(self) -> None:
        self.key = SigningKey.generate()
        self.public_key = base64.b64encode(bytes(self.key.verify_key)).decode()

    def call(
        self, fields: dict[str, str] | None = None, *, at: datetime = _NOW, sign: bool = True
    ) -> WebhookRequest:
        body = urlencode(_CALL if fields is None else fields).encode()
        stamp = str(int(at.timestamp()))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if sign:
            signed = self.key.sign(stamp.encode() + b"|" + body).signature
            headers |= {
                "Telnyx-Signature-Ed25519": base64.b64encode(signed).decode(),
                "Telnyx-Timestamp": stamp,
            }
        return WebhookRequest(method="POST", url=_CALL_URL, headers=headers, body=body)


@pytest.fixture
def telnyx_side() -> _Telnyx:
    return _Telnyx()


@pytest.fixture
def hooks(telnyx_side: _Telnyx) -> Hooks:
    adapter = TelnyxAdapter(
        environ={"TELNYX_API_KEY": API_KEY, "TELNYX_PUBLIC_KEY": telnyx_side.public_key},
        clock=ManualClock(_NOW),
    )
    return Hooks(make_plugin_manager(plugins=[adapter], load_entry_points=False))


class TestCallRequest:
    """A signed TeXML call request verifies and parses to one InboundCall."""

    def test_a_call_parses_to_its_caller_and_line(self, hooks: Hooks, telnyx_side: _Telnyx) -> None:
        request = telnyx_side.call()
        hooks.verify_webhook(account(), request)
        [call] = hooks.parse_webhook(account(), request)
        assert isinstance(call, InboundCall)
        assert _CALL["CallSid"] == call.provider_call_id
        assert PhoneNumber.parse("+35319605860") == call.caller
        assert PhoneNumber.parse("+14155550123") == call.called
        assert APP_ID == call.raw["ConnectionId"]

    @pytest.mark.parametrize("case", ["unsigned", "tampered", "stale"])
    def test_unsigned_tampered_and_stale_calls_are_refused(
        self, hooks: Hooks, telnyx_side: _Telnyx, case: str
    ) -> None:
        if case == "unsigned":
            request = telnyx_side.call(sign=False)
        elif case == "stale":
            request = telnyx_side.call(at=_NOW - timedelta(minutes=6))
        else:
            signed = telnyx_side.call()
            request = WebhookRequest(
                method="POST",
                url=signed.url,
                headers=signed.headers,
                body=signed.body.replace(b"%2B35319605860", b"%2B35319605861"),
            )
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account(), request)

    def test_a_withheld_caller_is_still_a_call(self, hooks: Hooks, telnyx_side: _Telnyx) -> None:
        [call] = hooks.parse_webhook(account(), telnyx_side.call(_CALL | {"From": "anonymous"}))
        assert isinstance(call, InboundCall)
        assert call.caller is None

    def test_a_call_already_over_carries_no_call(self, hooks: Hooks, telnyx_side: _Telnyx) -> None:
        assert [] == hooks.parse_webhook(
            account(), telnyx_side.call(_CALL | {"CallStatus": "completed"})
        )

    def test_call_fields_in_the_url_are_refused(self, hooks: Hooks, telnyx_side: _Telnyx) -> None:
        """The signature covers the body, not the URL: fields there could have been changed."""
        signed_empty_body = telnyx_side.call({})
        request = WebhookRequest(
            method="POST",
            url=f"{_CALL_URL}?{urlencode(_CALL)}",
            headers=signed_empty_body.headers,
            body=signed_empty_body.body,
        )
        hooks.verify_webhook(account(), request)
        with pytest.raises(WebhookPayloadError, match="voice_method to post"):
            hooks.parse_webhook(account(), request)

    def test_signed_fields_win_over_fields_in_the_url(
        self, hooks: Hooks, telnyx_side: _Telnyx
    ) -> None:
        signed = telnyx_side.call()
        request = WebhookRequest(
            method="POST",
            url=f"{_CALL_URL}?To=%2B14155550199&From=%2B12065550100",
            headers=signed.headers,
            body=signed.body,
        )
        [call] = hooks.parse_webhook(account(), request)
        assert isinstance(call, InboundCall)
        assert (PhoneNumber.parse("+35319605860"), PhoneNumber.parse("+14155550123")) == (
            call.caller,
            call.called,
        )

    def test_a_call_without_a_called_number_is_refused(
        self, hooks: Hooks, telnyx_side: _Telnyx
    ) -> None:
        with pytest.raises(WebhookPayloadError, match="'To'"):
            hooks.parse_webhook(account(), telnyx_side.call(_CALL | {"To": ""}))


class TestAnswer:
    """The TeXML the SDK answers a call with."""

    def test_a_forwarding_line_dials_its_number(self, hooks: Hooks) -> None:
        call = InboundCall(provider_call_id="v3:x", caller=None, called=NUMBER.number)
        response = hooks.answer_call(account(), call, FORWARD)
        assert (200, TEXML_CONTENT_TYPE) == (response.status, response.content_type)
        assert (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b"<Response><Dial><Number>+13125550175</Number></Dial></Response>"
        ) == response.body

    def test_a_line_without_forwarding_says_goodbye_and_hangs_up(self, hooks: Hooks) -> None:
        call = InboundCall(provider_call_id="v3:x", caller=None, called=NUMBER.number)
        response = hooks.answer_call(account(), call, None)
        assert 200 == response.status
        assert (
            b'<?xml version="1.0" encoding="UTF-8"?><Response><Say>'
            + DECLINE_MESSAGE.encode()
            + b"</Say><Hangup/></Response>"
        ) == response.body


class TestPrism:
    """What the package sends for a voice URL passes Prism (the trimmed description)."""

    def test_finding_making_and_pointing_at_an_application_pass(self, telnyx_api_url: str) -> None:
        answers: list[httpx.Response] = []

        def keep(response: httpx.Response) -> None:
            response.read()
            answers.append(response)

        http = httpx.Client(event_hooks={"response": [keep]}, trust_env=False)
        adapter = TelnyxAdapter(
            http=http, base_url=telnyx_api_url, environ={"TELNYX_API_KEY": API_KEY}
        )
        settings = {"messaging_profile_id": PROFILE, "outbound_voice_profile_id": "1293384261"}
        # Prism's example application has another URL, so one is made (with the profile).
        wanted = NumberSettings(voice_url=VOICE_URL, forward_to=FORWARD, label="Front desk")
        try:
            adapter.sms_configure_number(account(**settings), NUMBER, wanted)
        finally:
            adapter.close()
            http.close()
        paths = {(r.request.method, r.request.url.path.split("/v2", 1)[-1]) for r in answers}
        assert {
            ("GET", "/texml_applications"),
            ("POST", "/texml_applications"),
            ("PATCH", f"/phone_numbers/{NUMBER_ID}"),
            ("PATCH", f"/phone_numbers/{NUMBER_ID}/voice"),
        } <= paths
        for answer in answers:
            raise_for_prism_rejection(answer)

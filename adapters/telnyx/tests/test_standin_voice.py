"""The stand-in's TeXML applications and the driver's calls, in Telnyx's shapes.

Requests are made with the official ``telnyx`` package through the stand-in, each checked by
Prism serving the trimmed description (``/texml_applications``, ``TexmlApplication`` of
``spec3.yml``). A call is posted to the ``voice_url`` of the application the number's
``connection_id`` names, as form fields signed over ``f"{telnyx-timestamp}|{body}"``
(https://developers.telnyx.com/api-reference/callbacks/texml-call-initiated), which the
package's own verifier accepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import telnyx
from telnyx.lib import webhook_verification

from sms_core import Account, ManualClock, PhoneNumber
from sms_core.testing.prism import PrismServer
from sms_telnyx.testing.driver import FALLBACK_WEBHOOK_URL, FORM_CONTENT_TYPE, TelnyxDriver
from sms_telnyx.testing.standin import API_KEY, STAND_IN_BASE_URL, TelnyxStandIn, TelnyxState

_NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
_ACCOUNT = Account(id="acme", name="Acme", provider="telnyx")
_VOICE_URL = "https://sms.example/webhooks/acme/calls"


@pytest.fixture
def stand_in(telnyx_prism: PrismServer) -> Iterator[TelnyxStandIn]:
    stand_in = TelnyxStandIn(TelnyxState(ManualClock(_NOW)), prism=telnyx_prism.base_url)
    yield stand_in
    stand_in.close()
    assert [] == [str(v) for v in stand_in.take_violations()]


@pytest.fixture
def client(stand_in: TelnyxStandIn) -> Iterator[telnyx.Telnyx]:
    http = httpx.Client(transport=stand_in.transport())
    yield telnyx.Telnyx(
        api_key=API_KEY, public_key="", base_url=STAND_IN_BASE_URL, http_client=http, max_retries=0
    )
    http.close()


def _data(answer: Any) -> Any:
    return answer.to_dict(warnings=False)["data"]


def test_applications_are_created_found_by_name_and_changed(client: telnyx.Telnyx) -> None:
    made = _data(
        client.texml_applications.create(friendly_name="smsadmin calls 1", voice_url=_VOICE_URL)
    )
    client.texml_applications.create(friendly_name="front desk", voice_url="https://a.example/x")
    found = _data(client.texml_applications.list(filter={"friendly_name": "SMSADMIN calls"}))
    assert [made["id"]] == [app["id"] for app in found]
    assert (_VOICE_URL, "texml_application") == (made["voice_url"], made["record_type"])
    changed = _data(
        client.texml_applications.update(
            made["id"], friendly_name="smsadmin calls 1", voice_url="https://b.example/calls"
        )
    )
    assert "https://b.example/calls" == changed["voice_url"]
    with pytest.raises(telnyx.NotFoundError):
        client.texml_applications.retrieve("1")


def test_a_call_goes_to_the_voice_url_of_the_numbers_application(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver = TelnyxDriver(stand_in.state)
    line = driver.add_line(PhoneNumber.parse("+14155550111"))
    caller = PhoneNumber.parse("+12065550142")
    assert FALLBACK_WEBHOOK_URL == driver.inbound_call_webhook(_ACCOUNT, caller, line).url
    app = _data(client.texml_applications.create(friendly_name="smsadmin x", voice_url=_VOICE_URL))
    client.phone_numbers.update(line.provider_ref, connection_id=app["id"])
    request = driver.inbound_call_webhook(_ACCOUNT, caller, line)
    assert (_VOICE_URL, FORM_CONTENT_TYPE) == (request.url, request.headers["content-type"])
    fields = dict(pair.split("=", 1) for pair in request.body.decode().split("&"))
    assert (app["id"], "%2B12065550142", "%2B14155550111") == (
        fields["ConnectionId"],
        fields["From"],
        fields["To"],
    )
    # The package's verifier reads time.time(); pinned to the stand-in's clock.
    monkeypatch.setattr(
        "telnyx.lib.webhook_verification.time", SimpleNamespace(time=_NOW.timestamp)
    )
    webhook_verification.verify_webhook_signature(request.body, request.headers, driver.public_key)

"""A call to a Telnyx line, end to end: bought through the SDK, posted to the webhook app.

The number is bought and forwarded through ``SmsAdmin`` against the stand-in (every request
checked by Prism), so its TeXML application carries the account's calls URL; the driver then
posts the call the way Telnyx posts a TeXML request to that application's ``voice_url``
(form fields, Ed25519-signed; https://developers.telnyx.com/api-reference/callbacks/
texml-call-initiated), here over HTTP to the core's webhook app on 127.0.0.1, which answers
with the adapter's TeXML.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from sms_core import ManualClock, NumberQuery, PhoneNumber, SmsAdmin
from sms_core.domain import ProvisionedNumber
from sms_core.plugins.defaults import ADMIN_PERMISSION
from sms_core.testing.prism import PrismServer
from sms_core.webhooks import LoopbackServer, create_app
from sms_telnyx import TelnyxAdapter
from sms_telnyx.testing.driver import TelnyxDriver
from sms_telnyx.testing.standin import API_KEY, STAND_IN_BASE_URL, TelnyxStandIn, TelnyxState

_NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
_PUBLIC_BASE = "https://sms.example.test/webhooks"
_CALLER = PhoneNumber.parse("+12065550142")
_FORWARD = PhoneNumber.parse("+13125550175")


@pytest.fixture
def stand_in(telnyx_prism: PrismServer) -> Iterator[TelnyxStandIn]:
    stand_in = TelnyxStandIn(TelnyxState(ManualClock(_NOW)), prism=telnyx_prism.base_url)
    yield stand_in
    stand_in.close()
    assert [] == [str(v) for v in stand_in.take_violations()]


@pytest.fixture
def world(
    tmp_path: Path, stand_in: TelnyxStandIn
) -> Iterator[tuple[SmsAdmin, LoopbackServer, TelnyxDriver]]:
    driver = TelnyxDriver(stand_in.state)
    profile = stand_in.state.profile({"name": "northwind"})
    http = httpx.Client(transport=stand_in.transport())
    adapter = TelnyxAdapter(
        http=http,
        base_url=STAND_IN_BASE_URL,
        environ={"TELNYX_API_KEY": API_KEY, "TELNYX_PUBLIC_KEY": driver.public_key},
        clock=stand_in.state.clock,
        sleep=lambda _: None,
    )
    with SmsAdmin.open(
        f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
        plugins=[adapter],
        load_entry_points=False,
        clock=ManualClock(_NOW),
        webhook_base_url=_PUBLIC_BASE,
    ) as admin:
        account = admin.create_account(
            "northwind",
            name="Northwind Staffing",
            provider="telnyx",
            provider_settings={"messaging_profile_id": str(profile["id"])},
        )
        account.users.upsert(
            "admin", first_name="Dana", last_name="Reyes", permissions=(ADMIN_PERMISSION,)
        )
        with LoopbackServer() as bound, bound.serving(create_app(admin, path_prefix="/webhooks")):
            yield admin, bound, driver
    adapter.close()
    http.close()


def _call(world: tuple[SmsAdmin, LoopbackServer, TelnyxDriver], forward: bool) -> httpx.Response:
    admin, server, driver = world
    account = admin.account("northwind")
    [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
    account.numbers.purchase("admin", offer.number, accept_terms=True)
    if forward:
        account.numbers.set_forwarding("admin", offer.number, _FORWARD.e164)
    line = account.numbers.get(offer.number).line
    held = ProvisionedNumber(number=line.number, provider_ref=line.provider_ref)
    request = driver.inbound_call_webhook(account.account, _CALLER, held)
    # Telnyx posts to the application's voice URL: the account's public calls URL.
    assert f"{_PUBLIC_BASE}/northwind/calls" == request.url
    with httpx.Client() as client:
        return client.post(
            server.url(urlsplit(request.url).path), content=request.body, headers=request.headers
        )


def test_a_call_to_a_forwarding_line_is_dialled_through(
    world: tuple[SmsAdmin, LoopbackServer, TelnyxDriver],
) -> None:
    response = _call(world, forward=True)
    assert 200 == response.status_code, response.text
    assert "<Dial><Number>+13125550175</Number></Dial>" in response.text


def test_a_call_to_a_line_without_forwarding_is_declined(
    world: tuple[SmsAdmin, LoopbackServer, TelnyxDriver],
) -> None:
    response = _call(world, forward=False)
    assert 200 == response.status_code, response.text
    assert "<Hangup/>" in response.text
    assert "<Dial>" not in response.text

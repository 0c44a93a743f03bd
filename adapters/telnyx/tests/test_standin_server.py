"""The Telnyx stand-in over a loopback socket: what the in-process transport answers, over HTTP.

The official ``telnyx`` package on its stock HTTP client (no injected transport) reaches it
at ``StandInServer.base_url``, and every request is still checked by Prism first.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import telnyx

from sms_core import ManualClock
from sms_core.testing.prism import PrismServer
from sms_telnyx.testing.server import StandInServer
from sms_telnyx.testing.standin import API_KEY, TelnyxStandIn, TelnyxState

_NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
_LINE = "+14155558000"


@pytest.fixture
def stand_in(telnyx_prism: PrismServer) -> Iterator[TelnyxStandIn]:
    """A stand-in checked by Prism, holding one line; no violation may be left."""
    stand_in = TelnyxStandIn(TelnyxState(ManualClock(_NOW)), prism=telnyx_prism.base_url)
    stand_in.state.add_line(_LINE, None, campaign_id=None)
    yield stand_in
    assert [] == [str(v) for v in stand_in.take_violations()]
    stand_in.close()


@pytest.fixture
def server(stand_in: TelnyxStandIn) -> Iterator[StandInServer]:
    with StandInServer(stand_in) as server:
        yield server


def _client(base_url: str, api_key: str = API_KEY) -> telnyx.Telnyx:
    # The package's own HTTP client: nothing of the stand-in's transport is shared.
    return telnyx.Telnyx(api_key=api_key, public_key="", base_url=base_url, max_retries=0)


def test_base_url_is_loopback(server: StandInServer) -> None:
    """The API is served under ``/v2`` on 127.0.0.1, like ``https://api.telnyx.com/v2``."""
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.base_url.endswith("/v2")


def test_send_over_http_is_remembered(server: StandInServer, stand_in: TelnyxStandIn) -> None:
    """``messages.send`` over a real socket: the stand-in makes the message and answers it."""
    with _client(server.base_url) as client:
        sent = client.messages.send(from_=_LINE, to="+12125550101", text="Free Friday?")
    assert sent.data is not None
    assert sent.data.to is not None
    held = stand_in.state.messages[str(sent.data.id)]
    assert ("Free Friday?", "+12125550101") == (held["text"], sent.data.to[0].phone_number)


def test_refusal_keeps_status_and_body(server: StandInServer) -> None:
    """A wrong API key is Telnyx's 401 with its error document, through the socket."""
    with (
        _client(server.base_url, api_key="KEYwrong") as client,
        pytest.raises(telnyx.AuthenticationError) as refused,
    ):
        client.messages.send(from_=_LINE, to="+12125550101", text="Free Friday?")
    assert 401 == refused.value.status_code
    assert "10009" in str(refused.value.body)


def test_dropped_answer_closes_the_connection(
    server: StandInServer, stand_in: TelnyxStandIn
) -> None:
    """A send whose answer is dropped: the message exists, the client gets no answer at all."""
    stand_in.lose_next_sends("drop")
    with _client(server.base_url) as client, pytest.raises(telnyx.APIConnectionError):
        client.messages.send(from_=_LINE, to="+12125550101", text="Free Friday?")
    assert 1 == len(stand_in.state.messages)

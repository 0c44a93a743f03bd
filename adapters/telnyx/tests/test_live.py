"""The live tier: the adapter against the real Telnyx API, reading only.

Set ``TELNYX_TEST_API_KEY`` (an API v2 key of a Telnyx account) to run it; it never runs in CI.
It sends no text and creates nothing: it looks up a message id that does not exist (Telnyx
answers 404, "Resource not found", code ``10005``) and logs in with a key that is wrong
(401, ``10009`` "Authentication failed";
https://developers.telnyx.com/development/api-fundamentals/api-errors/index).
"""

from __future__ import annotations

import os
import uuid

import pytest

from sms_core import (
    Account,
    OutboundMessage,
    PhoneNumber,
    ProviderAuthenticationError,
    ProviderNotFoundError,
)
from sms_telnyx import TelnyxAdapter

_KEY = "TELNYX_TEST_API_KEY"

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not os.environ.get(_KEY), reason=f"set {_KEY} to run the live tier"),
]

_ACCOUNT = Account(
    id="live", name="Live", provider="telnyx", provider_settings={"env_prefix": "TELNYX_TEST_"}
)
_MESSAGE = OutboundMessage(
    message_id="live_1",
    sender=PhoneNumber.parse("+14152345678"),
    recipient=PhoneNumber.parse("+12065550142"),
    body="never sent",
)


def test_an_unknown_message_is_not_found() -> None:
    with TelnyxAdapter(environ=os.environ) as adapter, pytest.raises(ProviderNotFoundError):
        adapter.sms_fetch_message(_ACCOUNT, _MESSAGE, str(uuid.uuid4()))


def test_a_wrong_key_is_refused() -> None:
    environ = {"TELNYX_TEST_API_KEY": "KEY-wrong-" + uuid.uuid4().hex}
    with TelnyxAdapter(environ=environ) as adapter, pytest.raises(ProviderAuthenticationError):
        adapter.sms_fetch_message(_ACCOUNT, _MESSAGE, str(uuid.uuid4()))

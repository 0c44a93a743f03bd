"""Helpers of the Telnyx adapter's unit tests: accounts, message records, a recording transport.

Imported by name (``from telnyx_helpers import ...``): the ``conftest`` beside it puts this
folder on ``sys.path``, as pytest's importlib import mode does not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from sms_core import Account

API_KEY = "KEY0123456789ABCDEF_test"
PROFILE = "16fd2706-8baf-433b-82eb-8c7fada847da"
#: A base URL on 127.0.0.1: the mock transport answers before anything leaves the process.
BASE_URL = "http://127.0.0.1:9/v2"

Handler = Callable[[httpx.Request], httpx.Response]


def account(**settings: str) -> Account:
    """An account on Telnyx with ``settings``."""
    return Account(id="acme", name="Acme", provider="telnyx", provider_settings=settings)


class Recorder:
    """A mock transport's handler that records every request and answers with ``answer``."""

    def __init__(self, answer: Handler) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)

    def json(self, index: int = -1) -> Any:
        """The JSON body of a recorded request."""
        return json.loads(self.requests[index].content)


def message_record(
    message_id: str = "40385f64-5717-4562-b3fc-2c963f66afa6", status: str = "queued", **extra: Any
) -> dict[str, Any]:
    """A Telnyx message record, shaped as ``POST /v2/messages`` answers it.

    The fields follow the example answer of "Send a message"
    (https://developers.telnyx.com/api-reference/messages/send-a-message).
    """
    record: dict[str, Any] = {
        "record_type": "message",
        "direction": "outbound",
        "id": message_id,
        "type": "SMS",
        "messaging_profile_id": PROFILE,
        "from": {"phone_number": "+14152345678", "carrier": "Telnyx", "line_type": "VoIP"},
        "to": [{"phone_number": "+12065550142", "status": status, "carrier": "T-MOBILE USA, INC."}],
        "text": "Hello",
        "parts": 1,
        "errors": [],
    }
    record.update(extra)
    return record

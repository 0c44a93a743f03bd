"""Telnyx webhooks through the core's webhook app, over HTTP on 127.0.0.1.

The app hands the adapter the raw JSON body and the headers as they arrived; a request signed
as Telnyx signs it (Ed25519 over ``f"{telnyx-timestamp}|{body}"``,
https://developers.telnyx.com/docs/development/sdk/python/webhooks) is taken, and the app
answers 403 to an unsigned, tampered or stale one and 400 to a signed but malformed one
(``sms_core/webhooks/app.py``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from nacl.signing import SigningKey
from telnyx_helpers import API_KEY, message_record

from sms_core import ManualClock, SmsAdmin
from sms_core.webhooks import LoopbackServer, create_app
from sms_telnyx import TelnyxAdapter

_NOW = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)
_KEY = SigningKey.generate()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LoopbackServer]:
    environ = {
        "TELNYX_API_KEY": API_KEY,
        "TELNYX_PUBLIC_KEY": base64.b64encode(bytes(_KEY.verify_key)).decode(),
    }
    with SmsAdmin.open(
        f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
        plugins=[TelnyxAdapter(environ=environ, clock=ManualClock(_NOW))],
        load_entry_points=False,
    ) as admin:
        admin.create_account("northwind", name="Northwind Staffing", provider="telnyx")
        with LoopbackServer() as bound, bound.serving(create_app(admin, path_prefix="/webhooks")):
            yield bound


def _post(
    server: LoopbackServer, body: bytes, *, at: datetime = _NOW, sign: bool = True
) -> httpx.Response:
    stamp = str(int(at.timestamp()))
    headers = {"Content-Type": "application/json"}
    if sign:
        signature = _KEY.sign(stamp.encode() + b"|" + body).signature
        headers |= {
            "Telnyx-Signature-Ed25519": base64.b64encode(signature).decode(),
            "Telnyx-Timestamp": stamp,
        }
    url = server.url("/webhooks/northwind/status") + "?sms_message_id=msg_unknown"
    with httpx.Client() as client:
        return client.post(url, content=body, headers=headers)


def _finalized() -> bytes:
    return json.dumps(
        {
            "data": {
                "event_type": "message.finalized",
                "id": "b301ed3f-1490-491f-995f-6e64e69674d4",
                "occurred_at": "2026-12-06T20:59:58.000+00:00",
                "payload": message_record(status="delivered"),
                "record_type": "event",
            },
            "meta": {"attempt": 1},
        }
    ).encode()


def test_a_signed_report_is_taken(server: LoopbackServer) -> None:
    """A report for a message the SDK does not know is acknowledged, not an error."""
    response = _post(server, _finalized())
    assert 200 == response.status_code, response.text


@pytest.mark.parametrize(
    "case",
    ["unsigned", "tampered", "stale"],
)
def test_unsigned_tampered_and_stale_reports_are_forbidden(
    server: LoopbackServer, case: str
) -> None:
    body = _finalized()
    if case == "unsigned":
        response = _post(server, body, sign=False)
    elif case == "stale":
        response = _post(server, body, at=_NOW - timedelta(minutes=6))
    else:
        stamp = str(int(_NOW.timestamp()))
        signature = _KEY.sign(stamp.encode() + b"|" + body).signature
        with httpx.Client() as client:
            response = client.post(
                server.url("/webhooks/northwind/status"),
                content=body.replace(b"delivered", b"delivery_failed"),
                headers={
                    "Content-Type": "application/json",
                    "Telnyx-Signature-Ed25519": base64.b64encode(signature).decode(),
                    "Telnyx-Timestamp": stamp,
                },
            )
    assert 403 == response.status_code


def test_a_signed_malformed_body_is_a_bad_request(server: LoopbackServer) -> None:
    assert 400 == _post(server, b'{"data": {"event_type": "message.finalized"}}').status_code

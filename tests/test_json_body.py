"""Webhook bodies read as JSON within limits: the boundaries, one side and the other."""

from __future__ import annotations

import pytest

from sms_core import WebhookPayloadError, WebhookRequest
from sms_core.domain.json_body import MAX_DEPTH, MAX_INTEGER_DIGITS, load_json


def nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


class TestLimits:
    """What a carrier sends is read; past each limit, a payload error."""

    def test_deepest_allowed(self) -> None:
        """Exactly :data:`MAX_DEPTH` levels are read; one more is refused."""
        assert isinstance(load_json(nested(MAX_DEPTH)), list)
        with pytest.raises(WebhookPayloadError, match=f"nests {MAX_DEPTH + 1} levels"):
            load_json(nested(MAX_DEPTH + 1))

    def test_brackets_in_strings_are_text(self) -> None:
        """A text full of brackets is no nesting."""
        body = b'{"body": "' + b"[{" * 1000 + b'"}'
        assert "[{" * 1000 == load_json(body)["body"]

    def test_escaped_quote_does_not_end_a_string(self) -> None:
        """An escaped quote inside a text keeps the brackets after it inside the text."""
        body = b'{"body": "say \\"' + b"[" * 100 + b'\\" now"}'
        assert load_json(body)["body"].startswith('say "[[')

    @pytest.mark.parametrize(
        "body",
        [b'"' + b'\\"' * 30_000, b'"a' * 30_000, b"\\" * 60_000],
        ids=["escaped-quotes", "unclosed-strings", "backslashes"],
    )
    def test_unclosed_strings_are_one_scan(self, body: bytes) -> None:
        """Strings that never close are refused as not JSON.

        An earlier pattern searched again from every quote (64 KiB of escaped quotes took
        about twenty seconds); the time is measured by ``benchmarks/webhook_bodies.py``.
        """
        with pytest.raises(WebhookPayloadError, match="not JSON"):
            load_json(body)

    @pytest.mark.parametrize("sign", ["", "-"])
    def test_longest_integer(self, sign: str) -> None:
        """Integers of :data:`MAX_INTEGER_DIGITS` digits are read, of more refused."""
        digits = "9" * MAX_INTEGER_DIGITS
        assert int(sign + digits) == load_json(f'{{"n": {sign}{digits}}}'.encode())["n"]
        with pytest.raises(WebhookPayloadError, match=f"{MAX_INTEGER_DIGITS + 1} digits"):
            load_json(f'{{"n": {sign}{digits}9}}'.encode())

    @pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
    def test_not_finite(self, number: str) -> None:
        """Numbers no database's JSON holds are refused."""
        with pytest.raises(WebhookPayloadError, match="not finite"):
            load_json(f'{{"n": {number}}}'.encode())

    @pytest.mark.parametrize("body", [b"", b"{", b"\xff\xfe", b'{"a": 1,}'])
    def test_not_json(self, body: bytes) -> None:
        """Not UTF-8 or not JSON at all: a payload error, never a ValueError of json's own."""
        with pytest.raises(WebhookPayloadError):
            load_json(body)

    def test_request_json(self) -> None:
        """``WebhookRequest.json()`` reads its body the same way."""
        request = WebhookRequest(method="POST", url="https://x.test/", body=b'{"a": [1, 2.5]}')
        assert {"a": [1, 2.5]} == request.json()

"""A webhook body read as JSON within limits, so a signed but hostile body is refused cleanly.

Python's :mod:`json` recurses once per nesting level (a body of ``[[[[…`` exhausts the stack
with a ``RecursionError``), reads integers of thousands of digits (and refuses more than 4,300
with a bare ``ValueError``), and accepts ``NaN`` and ``Infinity``, which no database's JSON
holds. A carrier's webhook is an object a few levels deep holding small numbers, so the limits
below refuse nothing a carrier sends, and everything else is a
:class:`~sms_core.exceptions.WebhookPayloadError` (the webhook app's ``400``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn

from sms_core.exceptions import WebhookPayloadError

__all__ = ["MAX_DEPTH", "MAX_INTEGER_DIGITS", "load_json"]

#: The deepest nesting of objects and arrays a body may have.
MAX_DEPTH = 32
#: The most digits an integer may have: every 18-digit integer fits a signed 64-bit column.
MAX_INTEGER_DIGITS = 18

# A JSON string (escapes included; an unclosed one runs to the end, so the scan stays linear)
# or a bracket: strings are skipped, so "[" in a text is no level.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


def load_json(body: bytes) -> Any:
    """The JSON value ``body`` holds, read without recursion past :data:`MAX_DEPTH`.

    Raises:
        WebhookPayloadError: When the body is not UTF-8 JSON, nests deeper than
            :data:`MAX_DEPTH`, holds an integer of more than :data:`MAX_INTEGER_DIGITS` digits,
            or a number that is not finite (``NaN``, ``Infinity``, ``1e999``).
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise WebhookPayloadError(f"webhook body is not UTF-8 text: {err}") from err
    if (depth := _depth(text)) > MAX_DEPTH:
        raise WebhookPayloadError(
            f"webhook body nests {depth} levels deep; a webhook has at most {MAX_DEPTH}"
        )
    try:
        return json.loads(
            text, parse_int=_integer, parse_float=_float, parse_constant=_not_a_number
        )
    except json.JSONDecodeError as err:
        raise WebhookPayloadError(f"webhook body is not JSON: {err}") from err


def _depth(text: str) -> int:
    """How deep the brackets outside strings nest, counted without recursion."""
    depth = deepest = 0
    for token in _TOKEN.finditer(text):
        bracket = token.group()
        if bracket[0] == '"':
            continue
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
    return deepest


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise WebhookPayloadError(
            f"webhook body holds an integer of {len(digits.lstrip('-'))} digits "
            f"({digits[:12]}…); a webhook's numbers have at most {MAX_INTEGER_DIGITS}"
        )
    return int(digits)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _not_a_number(text)
    return value


def _not_a_number(text: str) -> NoReturn:
    raise WebhookPayloadError(
        f"webhook body holds the number {text[:24]!r}, which is not finite; JSON numbers are"
    )

"""The Twilio stand-in's memory: stored resources and what the state machine shares.

:class:`Memory` keeps every resource by SID with its account and JSON fields, plus what spans
kinds: numbers owned, opt-outs, arranged review outcomes. The state machine is built on it in
layers: :mod:`~sms_twilio.testing.bundles` (Trust Hub), :mod:`~sms_twilio.testing.registrations`
(Messaging Services, brands, campaigns) and :mod:`~sms_twilio.testing.state` (numbers, texts).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from sms_core.clock import Clock, SystemClock

__all__ = [
    "API_VERSION",
    "CreateFault",
    "Failure",
    "GatewayError",
    "Memory",
    "Resource",
    "TwilioError",
    "new_sid",
    "not_found",
]

#: The API version Twilio's v2010 answers and webhooks name.
API_VERSION = "2010-04-01"


def new_sid(prefix: str) -> str:
    """A fresh SID: the prefix and 32 hex digits."""
    return f"{prefix}{uuid.uuid4().hex}"


class TwilioError(Exception):
    """A refusal the way Twilio words it: HTTP status, Twilio code and message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, object]:
        """Twilio's error body."""
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


def not_found(path: str) -> TwilioError:
    """Twilio's 404 for ``path``."""
    return TwilioError(404, 20404, f"The requested resource {path} was not found")


class GatewayError(Exception):
    """The answer a gateway in front of Twilio gives instead of Twilio's.

    Attributes:
        status: The gateway's HTTP status (``502``, ``503``, ``504``…); ``None`` when the
            connection is dropped without an answer.
    """

    def __init__(self, status: int | None) -> None:
        super().__init__(f"gateway answer {status}" if status else "connection dropped")
        self.status = status

    def body(self) -> bytes:
        """What a gateway writes: a page of its own, not Twilio's JSON."""
        return f"<html><body><h1>{self.status} Gateway error</h1></body></html>".encode()


@attrs.frozen(kw_only=True)
class CreateFault:
    """How one message create goes wrong between the client and Twilio.

    Attributes:
        status: The gateway's answer (``502``, ``503``, ``504``…); ``None``: the connection
            is dropped after the request was written, with no answer.
        created: Whether Twilio created the message before the answer was spoiled (a
            gateway timing out on a slow Twilio), or the request never reached it.
    """

    status: int | None = 502
    created: bool = True


#: Decides, from a create's form, whether and how its answer is spoiled.
CreateFaults = Callable[[Mapping[str, list[str]]], CreateFault | None]


@attrs.frozen
class Failure:
    """A review outcome a test arranged: Twilio's words and code."""

    reason: str
    code: str


@attrs.define
class Resource:
    """A stored resource: its owner and its JSON fields."""

    account_sid: str
    fields: dict[str, Any]
    created: datetime = attrs.field(factory=lambda: datetime.now(UTC))


class Memory:
    """Resources by SID, and the records that span kinds; every change under one lock.

    Args:
        clock: The stand-in's time (resources' dates, the message list's lag); the wall
            clock by default.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.RLock()
        self._resources: dict[str, Resource] = {}
        self._owned: dict[str, str] = {}  # E.164 → PN SID
        self._opted_out: set[tuple[str, str, str]] = set()  # (account, sender or MG, recipient)
        self._armed: dict[tuple[str, str], Failure] = {}  # (account, "brand"/"campaign")
        self._review_outcome: dict[str, Failure | None] = {}  # BN/QE → outcome once reviewed
        self._primary: dict[str, str] = {}

    def _get(self, account_sid: str, sid: str, path: str) -> Resource:
        resource = self._resources.get(sid)
        if resource is None or resource.account_sid != account_sid:
            raise not_found(path)
        return resource

    def _of_kind(self, account_sid: str, prefix: str) -> Iterator[Resource]:
        for sid, resource in self._resources.items():
            if sid.startswith(prefix) and resource.account_sid == account_sid:
                yield resource

    def _add(self, account_sid: str, sid: str, fields: dict[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        fields.setdefault("sid", sid)
        fields.setdefault("account_sid", account_sid)
        self._resources[sid] = Resource(account_sid, fields, now)
        return fields

"""The carrier's resource ids: a two-letter kind and 32 hex digits, as Twilio's are."""

from __future__ import annotations

import secrets
from enum import StrEnum

__all__ = ["SidKind", "new_sid"]


class SidKind(StrEnum):
    """The prefix that tells what a carrier id names."""

    #: A phone number the account bought.
    NUMBER = "PN"
    #: A brand registration.
    BRAND = "BN"
    #: A campaign registration.
    CAMPAIGN = "QE"
    #: A messaging service.
    SERVICE = "MG"
    #: A text message, either way.
    MESSAGE = "SM"
    #: A voice call.
    CALL = "CA"


def new_sid(kind: SidKind) -> str:
    """A fresh, unguessable id of ``kind``."""
    return f"{kind.value}{secrets.token_hex(16)}"

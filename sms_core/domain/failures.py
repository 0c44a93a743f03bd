"""Why a text was not sent or not delivered, in the SDK's words.

Every carrier has its own error codes (hundreds of them); the core and the host reason about a
handful of causes instead. An adapter maps each of its carrier's codes to a
:class:`FailureReason` with a table, falls back to :attr:`FailureReason.OTHER` for a code the
table does not know, and always hands the raw code along beside it (``error_code``), so a
person can still look the carrier's code up.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FailureReason"]


class FailureReason(StrEnum):
    """Why a carrier refused or failed a text, normalized across carriers."""

    #: The recipient opted out of texts from the sender at the carrier (they replied STOP).
    OPTED_OUT = "opted_out"
    #: The recipient's number is not a valid number, or is unknown to the networks.
    INVALID_RECIPIENT = "invalid_recipient"
    #: The recipient's phone could not be reached (off, out of coverage); may pass in time.
    UNREACHABLE = "unreachable"
    #: The recipient's number cannot take texts: a landline, or a line type the route refuses.
    LANDLINE_OR_UNSUPPORTED = "landline_or_unsupported"
    #: The carrier or a mobile network blocked the text as spam or for its content.
    FILTERED = "filtered"
    #: The sending number is not registered for texting (no approved campaign, not verified).
    UNREGISTERED_SENDER = "unregistered_sender"
    #: The text was not delivered within the carrier's queue validity and was dropped.
    EXPIRED = "expired"
    #: Too many texts at once: the carrier or a network asked to slow down.
    RATE_LIMITED = "rate_limited"
    #: The carrier account cannot send: suspended, wrong credentials, or a setting forbids it.
    ACCOUNT_PROBLEM = "account_problem"
    #: Any other cause, or a code the adapter does not know; the raw code says more.
    OTHER = "other"

    @property
    def words(self) -> str:
        """The reason as a person reads it: ``"opted out"``."""
        return self.value.replace("_", " ")

"""Why a text was not sent or not delivered, in the SDK's words.

Every carrier has its own error codes (hundreds of them); the core and the host reason about a
handful of causes instead. An adapter maps each of its carrier's codes to a
:class:`FailureReason` with a table, falls back to :attr:`FailureReason.OTHER` for a code the
table does not know, and always hands the raw code along beside it (``error_code``), so a
person can still look the carrier's code up.
"""

from __future__ import annotations

# Defined in the leaf module the exception tree imports; this stays its home for callers.
from sms_core.vocabulary import FailureReason

__all__ = ["FailureReason"]

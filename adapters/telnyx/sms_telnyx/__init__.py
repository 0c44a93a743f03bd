"""sms-core-telnyx: Telnyx as an smsadmin carrier, through the official ``telnyx`` package.

:class:`TelnyxAdapter` implements, for accounts whose provider is ``"telnyx"``, every provider
hook: number search, number orders, configuration and release; 10DLC brand, campaign (through
the campaign builder), messaging profile and number assignment; texts (``POST /v2/messages``)
and their lookup; Ed25519-signed webhooks (texts, delivery reports, 10DLC updates) and calls
through a TeXML application. What Telnyx cannot do raises
:class:`~sms_core.exceptions.UnsupportedFeatureError` with the reason; the README lists it.
"""

from importlib.metadata import PackageNotFoundError, version

from sms_telnyx.adapter import (
    DEFAULT_MAX_CONCURRENT_SENDS,
    CredentialSource,
    TelnyxAdapter,
    adapter,
)
from sms_telnyx.client import TELNYX_BASE_URL, TelnyxClients
from sms_telnyx.payloads import MESSAGE_ID_PARAM
from sms_telnyx.settings import PROVIDER, Credentials, TelnyxSettings

try:
    __version__ = version("sms-core-telnyx")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_MAX_CONCURRENT_SENDS",
    "MESSAGE_ID_PARAM",
    "PROVIDER",
    "TELNYX_BASE_URL",
    "CredentialSource",
    "Credentials",
    "TelnyxAdapter",
    "TelnyxClients",
    "TelnyxSettings",
    "__version__",
    "adapter",
]

"""sms-core-telnyx: Telnyx as an smsadmin carrier, through the official ``telnyx`` package.

:class:`TelnyxAdapter` implements, for accounts whose provider is ``"telnyx"``, discovery,
texts (``POST /v2/messages``, ``GET /v2/messages/{id}``) and Ed25519-signed webhooks
(``message.received``, ``message.sent``, ``message.finalized``). Numbers and 10DLC
registration are not implemented yet: the core answers them with
:class:`~sms_core.exceptions.UnsupportedFeatureError`.
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

"""sms-core-twilio: Twilio as an smsadmin carrier, through the official ``twilio`` package.

:class:`TwilioAdapter` implements every provider hook for accounts whose provider is
``"twilio"``: numbers (``AvailablePhoneNumbers``, ``IncomingPhoneNumbers``), A2P 10DLC
registration (Trust Hub bundles, ``BrandRegistrations``, a Messaging Service and its
``UsAppToPerson`` campaign), texts (``Messages``) and signed webhooks (``RequestValidator``,
TwiML). It sends through :class:`PooledHttpClient`, one pooled ``httpx.Client`` under the
``twilio`` package. :mod:`sms_twilio.testing` ships a Twilio stand-in, Stoplight Prism helpers
and the contract suite's driver.
"""

from importlib.metadata import PackageNotFoundError, version

from sms_twilio.adapter import (
    DEFAULT_MAX_CONCURRENT_SENDS,
    CredentialSource,
    TwilioAdapter,
    adapter,
)
from sms_twilio.delivery import MESSAGE_ID_PARAM
from sms_twilio.http import TWILIO_HOSTS, PooledHttpClient, RetryPolicy
from sms_twilio.registration import CampaignRef
from sms_twilio.settings import PROVIDER, Credentials, TwilioSettings
from sms_twilio.statuses import BrandStatus, CampaignStatus, MessageStatus, TrustHubStatus

try:
    __version__ = version("sms-core-twilio")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_MAX_CONCURRENT_SENDS",
    "MESSAGE_ID_PARAM",
    "PROVIDER",
    "TWILIO_HOSTS",
    "BrandStatus",
    "CampaignRef",
    "CampaignStatus",
    "CredentialSource",
    "Credentials",
    "MessageStatus",
    "PooledHttpClient",
    "RetryPolicy",
    "TrustHubStatus",
    "TwilioAdapter",
    "TwilioSettings",
    "__version__",
    "adapter",
]

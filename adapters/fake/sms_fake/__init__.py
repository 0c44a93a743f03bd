"""sms-core-fake: the sandbox carrier, smsadmin's embedded default carrier and test double.

:class:`SandboxCarrier` is a carrier of its own: it sells valid numbers by country, area code,
region and postal code, reviews 10DLC registrations on its own clock, delivers texts with
realistic status sequences, honours STOP, signs its webhooks and takes inbound texts and calls
on request. :class:`FakeAdapter` plugs it into smsadmin as the ``fake`` provider, and
:class:`sms_fake.testing.SandboxDriver` steers it for the adapter contract suite.
"""

from importlib.metadata import PackageNotFoundError, version

from sms_fake.adapter import FakeAdapter, adapter, default_state_path
from sms_fake.carrier import SandboxCarrier
from sms_fake.errors import PROVIDER, ErrorCode
from sms_fake.payloads import CallAction, CallAnswer, Event
from sms_fake.records import CarrierCall, CarrierMessage, CarrierNumber, Registration
from sms_fake.registrations import DEFAULT_REVIEW_TIMES
from sms_fake.signing import AUTH_TOKEN_ENV, DEFAULT_AUTH_TOKEN, SIGNATURE_HEADER, WebhookSigner
from sms_fake.statuses import (
    BrandStatus,
    CallStatus,
    CampaignStatus,
    MessageStatus,
    ServiceStatus,
)
from sms_fake.store import MEMORY

try:
    __version__ = version("sms-core-fake")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "AUTH_TOKEN_ENV",
    "DEFAULT_AUTH_TOKEN",
    "DEFAULT_REVIEW_TIMES",
    "MEMORY",
    "PROVIDER",
    "SIGNATURE_HEADER",
    "BrandStatus",
    "CallAction",
    "CallAnswer",
    "CallStatus",
    "CampaignStatus",
    "CarrierCall",
    "CarrierMessage",
    "CarrierNumber",
    "ErrorCode",
    "Event",
    "FakeAdapter",
    "MessageStatus",
    "Registration",
    "SandboxCarrier",
    "ServiceStatus",
    "WebhookSigner",
    "__version__",
    "adapter",
    "default_state_path",
]

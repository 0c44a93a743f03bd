"""sms-core-fake: the sandbox carrier, smsadmin's embedded default carrier and test double.

:class:`SandboxCarrier` is a carrier of its own: it sells valid numbers by country, area code,
region and postal code, reviews 10DLC registrations on its own clock, delivers texts with
realistic status sequences, honours STOP, signs its webhooks and takes inbound texts and calls
on request. :class:`FakeAdapter` plugs it into smsadmin as the ``fake`` provider, and
:class:`sms_fake.testing.SandboxDriver` steers it for the adapter contract suite.

The names below are imported from their modules on first use: ``smsadmin sandbox --help``
imports this package for :mod:`sms_fake.cli` and needs none of them (the adapter alone brings
the core's domain, hooks and the carrier's store). ``sms_fake.adapter`` stays the adapter the
``sms_core`` entry point names, as when they were imported here eagerly.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sms_fake.adapter import FakeAdapter, adapter, default_state_path
    from sms_fake.carrier import SandboxCarrier
    from sms_fake.errors import PROVIDER, ErrorCode
    from sms_fake.payloads import CallAction, CallAnswer, Event
    from sms_fake.records import CarrierCall, CarrierMessage, CarrierNumber, Registration
    from sms_fake.registrations import DEFAULT_REVIEW_TIMES
    from sms_fake.signing import (
        AUTH_TOKEN_ENV,
        DEFAULT_AUTH_TOKEN,
        SIGNATURE_HEADER,
        WebhookSigner,
    )
    from sms_fake.statuses import (
        BrandStatus,
        CallStatus,
        CampaignStatus,
        MessageStatus,
        ServiceStatus,
    )
    from sms_fake.store import MEMORY

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

#: Where each public name is defined (``adapters/fake/tests/test_package.py`` checks them
#: against ``__all__``).
_EXPORTS = {
    "AUTH_TOKEN_ENV": "sms_fake.signing",
    "DEFAULT_AUTH_TOKEN": "sms_fake.signing",
    "DEFAULT_REVIEW_TIMES": "sms_fake.registrations",
    "MEMORY": "sms_fake.store",
    "PROVIDER": "sms_fake.errors",
    "SIGNATURE_HEADER": "sms_fake.signing",
    "BrandStatus": "sms_fake.statuses",
    "CallAction": "sms_fake.payloads",
    "CallAnswer": "sms_fake.payloads",
    "CallStatus": "sms_fake.statuses",
    "CampaignStatus": "sms_fake.statuses",
    "CarrierCall": "sms_fake.records",
    "CarrierMessage": "sms_fake.records",
    "CarrierNumber": "sms_fake.records",
    "ErrorCode": "sms_fake.errors",
    "Event": "sms_fake.payloads",
    "FakeAdapter": "sms_fake.adapter",
    "MessageStatus": "sms_fake.statuses",
    "Registration": "sms_fake.records",
    "SandboxCarrier": "sms_fake.carrier",
    "ServiceStatus": "sms_fake.statuses",
    "WebhookSigner": "sms_fake.signing",
    "adapter": "sms_fake.adapter",
    "default_state_path": "sms_fake.adapter",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use, then keep it here."""
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sms_fake' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("sms-core-fake")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


class _Package(types.ModuleType):
    """This package's module type: ``sms_fake.adapter`` is the adapter, not its module.

    Importing the submodule ``sms_fake.adapter`` (as the entry point ``sms_fake.adapter:adapter``
    does) makes the import system set it as this package's ``adapter`` attribute; the package
    keeps the adapter object there instead, as it did when it imported it eagerly.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "adapter" and isinstance(value, types.ModuleType):
            value = value.adapter
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

"""Use cases: every rule lives here; hosts configure, adapters translate."""

from typing import TYPE_CHECKING, Any

from sms_core.domain import WebhookKind
from sms_core.services.admin import AccountAdmin, SmsAdmin
from sms_core.services.allowance import AllowanceAdmin, allowance_period
from sms_core.services.audit import AuditTrail
from sms_core.services.consent import ConsentRecords
from sms_core.services.context import WebhookUrls
from sms_core.services.erasure import Erasure
from sms_core.services.export import Export
from sms_core.services.host_events import HostEventPoller, HostEventReport
from sms_core.services.inbox import Inbox
from sms_core.services.messaging import Messaging
from sms_core.services.numbers import NumberAdmin
from sms_core.services.optouts import OptOuts
from sms_core.services.policy_settings import PolicySettingsAdmin
from sms_core.services.reconciliation_poller import ReconciliationPoller
from sms_core.services.registration import RegistrationAdmin
from sms_core.services.registration_poller import RegistrationPoller
from sms_core.services.scheduled import ScheduledSends
from sms_core.services.scheduled_poller import ScheduledSendPoller
from sms_core.services.seats import SeatAdmin
from sms_core.services.templates import Templates
from sms_core.services.users import UserDirectory

if TYPE_CHECKING:
    from sms_core.webhooks.pipeline import WebhookReceiver

__all__ = [
    "AccountAdmin",
    "AllowanceAdmin",
    "AuditTrail",
    "ConsentRecords",
    "Erasure",
    "Export",
    "HostEventPoller",
    "HostEventReport",
    "Inbox",
    "Messaging",
    "NumberAdmin",
    "OptOuts",
    "PolicySettingsAdmin",
    "ReconciliationPoller",
    "RegistrationAdmin",
    "RegistrationPoller",
    "ScheduledSendPoller",
    "ScheduledSends",
    "SeatAdmin",
    "SmsAdmin",
    "Templates",
    "UserDirectory",
    "WebhookKind",
    "WebhookReceiver",
    "WebhookUrls",
    "allowance_period",
]


def __getattr__(name: str) -> Any:
    """Re-export ``WebhookReceiver`` on first use.

    The webhook pipeline is built on these services, so importing it here at the top would
    circle back when ``sms_core.webhooks.pipeline`` is imported first.
    """
    if name == "WebhookReceiver":
        from sms_core.webhooks.pipeline import WebhookReceiver  # noqa: PLC0415

        return WebhookReceiver
    raise AttributeError(f"module 'sms_core.services' has no attribute {name!r}")

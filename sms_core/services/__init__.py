"""Use cases: every rule lives here; hosts configure, adapters translate."""

from sms_core.services.admin import AccountAdmin, SmsAdmin
from sms_core.services.audit import AuditTrail
from sms_core.services.context import WebhookUrls
from sms_core.services.numbers import NumberAdmin
from sms_core.services.seats import SeatAdmin, allowance_period
from sms_core.services.users import UserDirectory

__all__ = [
    "AccountAdmin",
    "AuditTrail",
    "NumberAdmin",
    "SeatAdmin",
    "SmsAdmin",
    "UserDirectory",
    "WebhookUrls",
    "allowance_period",
]

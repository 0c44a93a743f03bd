"""Test helpers shipped with the SDK: the adapter contract suite and ready-made data."""

from sms_core.testing.activities import sample_activity
from sms_core.testing.driver import CarrierDriver
from sms_core.testing.host_events import HostEventLog
from sms_core.testing.samples import sample_brand, sample_campaign

__all__ = ["CarrierDriver", "HostEventLog", "sample_activity", "sample_brand", "sample_campaign"]

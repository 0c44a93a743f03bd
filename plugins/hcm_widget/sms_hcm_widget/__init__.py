"""smsadmin host plugin for an HCM whose marketplace widget administers business texting.

Marketplace Admins register the campaign and buy, share and re-allocate numbers; up to four
users share a number (by default), a mass text reaches at most 50
talent and a message is at most 160 characters. Every stored message goes to the activity sink
the host application supplies.

The ``sms_core`` entry point ``hcm_widget`` registers :data:`host`, an instance with the
defaults; activate it with ``make_plugin_manager(host="hcm_widget")``.
"""

from sms_core.plugins.activity import ActivitySink, log_activity
from sms_hcm_widget.host import DESCRIPTION, HOST_NAME, VERSION, HcmWidgetHost
from sms_hcm_widget.permissions import ADMIN_ACTIONS, MARKETPLACE_ADMIN, USER_ACTIONS
from sms_hcm_widget.policy import (
    DEFAULT_USERS_PER_NUMBER,
    MASS_TEXT_CAP,
    MAX_BODY_CHARACTERS,
)

#: The installed distribution's version.
__version__ = VERSION

#: The host with its defaults: what the ``hcm_widget`` entry point registers.
host = HcmWidgetHost()

__all__ = [
    "ADMIN_ACTIONS",
    "DEFAULT_USERS_PER_NUMBER",
    "DESCRIPTION",
    "HOST_NAME",
    "MARKETPLACE_ADMIN",
    "MASS_TEXT_CAP",
    "MAX_BODY_CHARACTERS",
    "USER_ACTIONS",
    "ActivitySink",
    "HcmWidgetHost",
    "__version__",
    "host",
    "log_activity",
]

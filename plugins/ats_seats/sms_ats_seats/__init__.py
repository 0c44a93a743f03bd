"""smsadmin host plugin for an ATS that sells business texting by the seat.

Each seat is one number with up to three users and a monthly message allowance that resets each
calendar month. Users with the Administration permission manage seats, numbers and
registration; users text candidates from the pages they can reach (job postings, candidate pool,
candidate profile). Every stored message goes to the activity sink the host application
supplies.

The ``sms_core`` entry point ``ats_seats`` registers :data:`host`, an instance with the
defaults; activate it with ``make_plugin_manager(host="ats_seats")``.
"""

from sms_ats_seats.host import DESCRIPTION, HOST_NAME, VERSION, AtsSeatsHost
from sms_ats_seats.permissions import (
    ADMIN_ACTIONS,
    ADMINISTRATION,
    CANDIDATE_POOL,
    CANDIDATE_PROFILE,
    JOB_POSTINGS,
    TEXTING_ACTIONS,
    TEXTING_PAGES,
    USER_ACTIONS,
)
from sms_ats_seats.policy import (
    DEFAULT_ALLOWANCE_UNIT,
    DEFAULT_COUNT_INBOUND,
    DEFAULT_MONTHLY_ALLOWANCE,
    MASS_TEXT_CAP,
    MAX_BODY_CHARACTERS,
    USERS_PER_NUMBER,
)
from sms_core.plugins.activity import ActivitySink, log_activity

#: The installed distribution's version.
__version__ = VERSION

#: The host with its defaults: what the ``ats_seats`` entry point registers.
host = AtsSeatsHost()

__all__ = [
    "ADMINISTRATION",
    "ADMIN_ACTIONS",
    "CANDIDATE_POOL",
    "CANDIDATE_PROFILE",
    "DEFAULT_ALLOWANCE_UNIT",
    "DEFAULT_COUNT_INBOUND",
    "DEFAULT_MONTHLY_ALLOWANCE",
    "DESCRIPTION",
    "HOST_NAME",
    "JOB_POSTINGS",
    "MASS_TEXT_CAP",
    "MAX_BODY_CHARACTERS",
    "TEXTING_ACTIONS",
    "TEXTING_PAGES",
    "USERS_PER_NUMBER",
    "USER_ACTIONS",
    "ActivitySink",
    "AtsSeatsHost",
    "__version__",
    "host",
    "log_activity",
]

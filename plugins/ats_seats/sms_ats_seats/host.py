"""The ATS seat host plugin: its limits, permissions and activity record as pluggy hooks."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Final

import attrs

from sms_ats_seats.permissions import authorize
from sms_ats_seats.policy import (
    DEFAULT_ALLOWANCE_UNIT,
    DEFAULT_COUNT_INBOUND,
    DEFAULT_MONTHLY_ALLOWANCE,
    seat_policy,
)
from sms_core import Action, Activity, AllowanceUnit, Decision, HostInfo, HostPolicy, User, hookimpl
from sms_core.plugins.activity import ActivitySink, log_activity

__all__ = ["DESCRIPTION", "HOST_NAME", "VERSION", "AtsSeatsHost"]

#: The name that activates this host: ``make_plugin_manager(host=HOST_NAME)``.
HOST_NAME: Final = "ats_seats"

#: What ``smsadmin plugins`` says about this host.
DESCRIPTION: Final = (
    "An ATS that sells texting by the seat: one number, up to three users, a monthly allowance."
)


def _installed_version() -> str:
    try:
        return version("sms-core-ats-seats")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


#: The installed distribution's version, which the host declares.
VERSION: Final = _installed_version()


# Compared by identity: pluggy refuses a plugin equal to one already registered, and two hosts
# configured alike are still two plugins.
@attrs.frozen(kw_only=True, eq=False)
class AtsSeatsHost:
    """An ATS that sells texting by the seat: one number, up to three users, a monthly allowance.

    The installed distribution registers an instance with the defaults. A host application that
    wants other settings passes its own instance, which replaces the installed one (both declare
    the name ``ats_seats``)::

        make_plugin_manager(
            host="ats_seats",
            plugins=[AtsSeatsHost(monthly_allowance=500, activity_sink=save_to_candidate)],
        )

    Attributes:
        monthly_allowance: A new seat's allowance per calendar month; at least 1.
        allowance_unit: What the allowance counts: messages (the default) or carrier segments.
        count_inbound: Whether received texts use the allowance too; they do not by default.
        activity_sink: Writes each stored message to the candidate's record; by default the
            message is logged by its ids (:func:`log_activity`).
    """

    monthly_allowance: int = attrs.field(default=DEFAULT_MONTHLY_ALLOWANCE)
    allowance_unit: AllowanceUnit = DEFAULT_ALLOWANCE_UNIT
    count_inbound: bool = DEFAULT_COUNT_INBOUND
    activity_sink: ActivitySink = log_activity

    @monthly_allowance.validator
    def _check_monthly_allowance(self, _: attrs.Attribute[int], value: int) -> None:
        """Refuses an allowance the seat policy cannot take (``HostDeclarationError``)."""
        seat_policy(
            monthly_allowance=value,
            allowance_unit=DEFAULT_ALLOWANCE_UNIT,
            count_inbound=DEFAULT_COUNT_INBOUND,
        )

    @property
    def policy(self) -> HostPolicy:
        """The limits this host gives every account."""
        return seat_policy(
            monthly_allowance=self.monthly_allowance,
            allowance_unit=self.allowance_unit,
            count_inbound=self.count_inbound,
        )

    @hookimpl
    def sms_host_info(self) -> HostInfo:
        """Declares this host, with the seat limits: the same for every account."""
        return HostInfo(
            name=HOST_NAME, version=VERSION, description=DESCRIPTION, policy=self.policy
        )

    @hookimpl
    def sms_authorize(self, actor: User, action: Action) -> Decision | None:
        """Administration manages; page access texts (see :mod:`.permissions`)."""
        return authorize(actor, action)

    @hookimpl
    def sms_record_activity(self, activity: Activity) -> None:
        """Hand the stored message to the activity sink."""
        self.activity_sink(activity)

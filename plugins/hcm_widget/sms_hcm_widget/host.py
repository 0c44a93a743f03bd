"""The HCM widget host plugin: its limits, permissions and activity record as pluggy hooks."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Final

import attrs

from sms_core import Action, Activity, Decision, HostInfo, HostPolicy, User, hookimpl
from sms_core.plugins.activity import ActivitySink, log_activity
from sms_hcm_widget.permissions import authorize
from sms_hcm_widget.policy import DEFAULT_USERS_PER_NUMBER, widget_policy

__all__ = ["DESCRIPTION", "HOST_NAME", "VERSION", "HcmWidgetHost"]

#: The name that activates this host: ``make_plugin_manager(host=HOST_NAME)``.
HOST_NAME: Final = "hcm_widget"

#: What ``smsadmin plugins`` says about this host.
DESCRIPTION: Final = (
    "An HCM whose marketplace widget administers texting: shared numbers, one line per user."
)


def _installed_version() -> str:
    try:
        return version("sms-core-hcm-widget")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


#: The installed distribution's version, which the host declares.
VERSION: Final = _installed_version()


# Compared by identity: pluggy refuses a plugin equal to one already registered, and two hosts
# configured alike are still two plugins.
@attrs.frozen(kw_only=True, eq=False)
class HcmWidgetHost:
    """An HCM whose marketplace widget administers texting: shared numbers, one line per user.

    The installed distribution registers an instance with the defaults. A host application that
    wants other settings passes its own instance, which replaces the installed one (both declare
    the name ``hcm_widget``)::

        make_plugin_manager(
            host="hcm_widget",
            plugins=[HcmWidgetHost(users_per_number=2, activity_sink=save_to_profile)],
        )

    Attributes:
        users_per_number: How many users may share one number; ``None`` for no limit.
        activity_sink: Writes each stored message to the talent's activities; by default the
            message is logged by its ids (:func:`log_activity`).
    """

    users_per_number: int | None = attrs.field(default=DEFAULT_USERS_PER_NUMBER)
    activity_sink: ActivitySink = log_activity

    @users_per_number.validator
    def _check_users_per_number(self, _: attrs.Attribute[int | None], value: int | None) -> None:
        """Refuses a limit the policy cannot take (``HostDeclarationError``) when configured."""
        widget_policy(users_per_number=value)

    @property
    def policy(self) -> HostPolicy:
        """The limits this host gives every account."""
        return widget_policy(users_per_number=self.users_per_number)

    @hookimpl
    def sms_host_info(self) -> HostInfo:
        """Declares this host, with the widget's limits: the same for every account."""
        return HostInfo(
            name=HOST_NAME, version=VERSION, description=DESCRIPTION, policy=self.policy
        )

    @hookimpl
    def sms_authorize(self, actor: User, action: Action) -> Decision | None:
        """Marketplace Admins administer; active users text (see :mod:`.permissions`)."""
        return authorize(actor, action)

    @hookimpl
    def sms_record_activity(self, activity: Activity) -> None:
        """Hand the stored message to the activity sink."""
        self.activity_sink(activity)

"""The HCM widget passes the host contract suite."""

from __future__ import annotations

import pytest

from sms_core import Action, User
from sms_core.testing import HostContract, RecordingSink, Refusal
from sms_hcm_widget import MARKETPLACE_ADMIN, HcmWidgetHost


def _user(user_id: str, *permissions: str) -> User:
    return User(
        id=user_id,
        account_id="acme",
        first_name=user_id.title(),
        last_name="Lee",
        permissions=frozenset(permissions),
    )


class TestHcmWidgetContract(HostContract):
    """Marketplace Admins administer; every active HCM user texts."""

    @pytest.fixture
    def host_plugin(self, activity_sink: RecordingSink) -> HcmWidgetHost:
        return HcmWidgetHost(activity_sink=activity_sink)

    @pytest.fixture
    def allowed_users(self) -> dict[Action, User]:
        admin = _user("admin", MARKETPLACE_ADMIN)
        recruiter = _user("ann")
        return {
            Action.MANAGE_NUMBERS: admin,
            Action.MANAGE_REGISTRATION: admin,
            Action.CONFIGURE_FORWARDING: recruiter,
            Action.SEND_MESSAGE: recruiter,
            Action.VIEW_HISTORY: recruiter,
        }

    @pytest.fixture
    def refused_users(self) -> dict[Action, Refusal]:
        recruiter = _user("ann")
        return {
            Action.MANAGE_NUMBERS: Refusal(user=recruiter, grant=MARKETPLACE_ADMIN),
            Action.MANAGE_REGISTRATION: Refusal(user=recruiter, grant=MARKETPLACE_ADMIN),
        }

"""The ATS seat host passes the host contract suite."""

from __future__ import annotations

import pytest

from sms_ats_seats import ADMINISTRATION, CANDIDATE_POOL, CANDIDATE_PROFILE, AtsSeatsHost
from sms_core import Action, User
from sms_core.testing import HostContract, RecordingSink, Refusal


def _user(user_id: str, *permissions: str) -> User:
    return User(
        id=user_id,
        account_id="acme",
        first_name=user_id.title(),
        last_name="Lee",
        permissions=frozenset(permissions),
    )


class TestAtsSeatsContract(HostContract):
    """Administration manages seats; page access texts; seats carry an allowance."""

    @pytest.fixture
    def host_plugin(self, activity_sink: RecordingSink) -> AtsSeatsHost:
        return AtsSeatsHost(activity_sink=activity_sink)

    @pytest.fixture
    def allowed_users(self) -> dict[Action, User]:
        admin = _user("admin", ADMINISTRATION)
        recruiter = _user("ann", CANDIDATE_PROFILE)
        return {
            Action.MANAGE_NUMBERS: admin,
            Action.MANAGE_REGISTRATION: admin,
            Action.CONFIGURE_FORWARDING: recruiter,
            Action.SEND_MESSAGE: recruiter,
            Action.VIEW_HISTORY: _user("bob", CANDIDATE_POOL),
        }

    @pytest.fixture
    def refused_users(self) -> dict[Action, Refusal]:
        recruiter = _user("ann", CANDIDATE_PROFILE)
        admin_only = _user("admin", ADMINISTRATION)
        return {
            Action.MANAGE_NUMBERS: Refusal(user=recruiter, grant=ADMINISTRATION),
            Action.MANAGE_REGISTRATION: Refusal(user=recruiter, grant=ADMINISTRATION),
            Action.SEND_MESSAGE: Refusal(user=admin_only, grant=CANDIDATE_PROFILE),
            Action.VIEW_HISTORY: Refusal(user=admin_only, grant=CANDIDATE_POOL),
        }

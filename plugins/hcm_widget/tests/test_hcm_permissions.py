from __future__ import annotations

import attrs
import pytest

from sms_core import Account, Action, Decision, Hooks, User
from sms_core.plugins.defaults import ADMIN_PERMISSION
from sms_hcm_widget import ADMIN_ACTIONS, MARKETPLACE_ADMIN, USER_ACTIONS


def holding(user: User, *permissions: str) -> User:
    return attrs.evolve(user, permissions=frozenset(permissions))


class TestMarketplaceAdmin:
    """Managing numbers and registration needs the Marketplace Admin permission."""

    def test_permission_name(self) -> None:
        """Spelled exactly as the HCM spells it."""
        assert "Marketplace Admin" == MARKETPLACE_ADMIN

    @pytest.mark.parametrize("action", [Action.MANAGE_NUMBERS, Action.MANAGE_REGISTRATION])
    def test_admin_may_administer(
        self, hooks: Hooks, account: Account, recruiter: User, action: Action
    ) -> None:
        """A Marketplace Admin may manage numbers and registration."""
        admin = holding(recruiter, MARKETPLACE_ADMIN)
        assert Decision.allow() == hooks.authorize(account, admin, action)

    def test_numbers_refused_without_it(
        self, hooks: Hooks, account: Account, recruiter: User
    ) -> None:
        """The refusal names the permission and who can grant it."""
        expected = Decision.deny(
            "Managing SMS phone numbers needs the 'Marketplace Admin' user permission, which "
            "Ada Lee does not have; an HCM administrator can select it in the user's profile."
        )
        assert expected == hooks.authorize(account, recruiter, Action.MANAGE_NUMBERS)

    def test_registration_refused_without_it(
        self, hooks: Hooks, account: Account, recruiter: User
    ) -> None:
        """The refusal says what was refused."""
        expected = Decision.deny(
            "Registering the SMS brand and campaign needs the 'Marketplace Admin' user "
            "permission, which Ada Lee does not have; an HCM administrator can select it in the "
            "user's profile."
        )
        assert expected == hooks.authorize(account, recruiter, Action.MANAGE_REGISTRATION)

    @pytest.mark.parametrize("permission", ["marketplace admin", "Marketplace", ADMIN_PERMISSION])
    def test_other_spellings_do_not_count(
        self, hooks: Hooks, account: Account, recruiter: User, permission: str
    ) -> None:
        """Near misses and the core's own admin permission grant nothing here."""
        user = holding(recruiter, permission)
        assert not hooks.authorize(account, user, Action.MANAGE_NUMBERS).allowed

    def test_nameless_user_is_named_by_id(self, hooks: Hooks, account: Account) -> None:
        """A user without a name on file is named by id."""
        nameless = User(id="u-7", account_id="acme", first_name="", last_name="")
        reason = hooks.authorize(account, nameless, Action.MANAGE_NUMBERS).reason
        assert "which u-7 does not have" in reason


class TestActiveUsers:
    """Every active user texts, reads conversations and sets their line's forwarding."""

    @pytest.mark.parametrize(
        "action", [Action.SEND_MESSAGE, Action.VIEW_HISTORY, Action.CONFIGURE_FORWARDING]
    )
    def test_no_permission_needed(
        self, hooks: Hooks, account: Account, recruiter: User, action: Action
    ) -> None:
        """A user with no permission at all is allowed."""
        assert Decision.allow() == hooks.authorize(account, recruiter, action)


class TestInactiveUsers:
    """Inactive HCM users may do nothing."""

    @pytest.mark.parametrize("action", list(Action))
    def test_refused_everything(
        self, hooks: Hooks, account: Account, recruiter: User, action: Action
    ) -> None:
        """Even a Marketplace Admin is refused once inactive."""
        inactive = attrs.evolve(holding(recruiter, MARKETPLACE_ADMIN), active=False)
        expected = Decision.deny(
            "Ada Lee is inactive in the HCM and inactive users cannot use texting; "
            "an HCM administrator can reactivate the user."
        )
        assert expected == hooks.authorize(account, inactive, action)


class TestCoverage:
    """The plugin has decided every action the core defines."""

    def test_every_action_has_a_rule(self) -> None:
        """Each action is either an admin action or open to every active user."""
        assert set(Action) == ADMIN_ACTIONS | USER_ACTIONS
        assert not ADMIN_ACTIONS & USER_ACTIONS

from __future__ import annotations

import pytest

from sms_core import (
    Account,
    AllowanceUnit,
    Hooks,
    HostDeclarationError,
    HostPolicy,
    make_plugin_manager,
)
from sms_hcm_widget import HcmWidgetHost


def widget_hooks(host: HcmWidgetHost) -> Hooks:
    return Hooks(make_plugin_manager(host="hcm_widget", plugins=[host], load_entry_points=False))


class TestDefaultPolicy:
    """The widget's limits, as its documentation states them."""

    def test_every_value(self, hooks: Hooks, account: Account) -> None:
        """The whole policy, field by field."""
        expected = HostPolicy(
            users_per_number=4,
            mass_text_cap=50,
            max_body_characters=160,
            seats_enabled=False,
            monthly_allowance=0,
            allowance_unit=AllowanceUnit.MESSAGE,
            count_inbound=False,
            quiet_hours=True,
        )
        assert expected == hooks.host_policy(account)

    def test_four_users_share_a_number(self, hooks: Hooks, account: Account) -> None:
        """The badges stop at +3, so four users share a number."""
        assert 4 == hooks.host_policy(account).users_per_number

    def test_a_mass_text_reaches_fifty(self, hooks: Hooks, account: Account) -> None:
        """A mass text goes to at most 50 talent."""
        assert 50 == hooks.host_policy(account).mass_text_cap

    def test_bodies_are_at_most_160_characters(self, hooks: Hooks, account: Account) -> None:
        """Individual messages are limited to 160 characters."""
        assert 160 == hooks.host_policy(account).max_body_characters

    def test_no_seats(self, hooks: Hooks, account: Account) -> None:
        """Numbers are not sold as seats and have no allowance."""
        policy = hooks.host_policy(account)
        assert (False, 0) == (policy.seats_enabled, policy.monthly_allowance)

    def test_quiet_hours(self, hooks: Hooks, account: Account) -> None:
        """Sends outside the talent's allowed hours are refused."""
        assert hooks.host_policy(account).quiet_hours

    def test_same_policy_for_every_account(self, hooks: Hooks, account: Account) -> None:
        """The policy does not depend on the account."""
        other = Account(id="globex", name="Globex Talent", provider="twilio")
        assert hooks.host_policy(account) == hooks.host_policy(other)


class TestSharingLimit:
    """A host application chooses its own sharing limit."""

    def test_own_instance_sets_the_limit(self, account: Account) -> None:
        """An instance registered with entry points off gives its own limit."""
        hooks = widget_hooks(HcmWidgetHost(users_per_number=2))
        assert 2 == hooks.host_policy(account).users_per_number
        assert "hcm_widget" == hooks.host_name

    def test_other_limits_stay(self, account: Account) -> None:
        """Only the sharing limit changes."""
        policy = widget_hooks(HcmWidgetHost(users_per_number=1)).host_policy(account)
        assert (1, 50, 160) == (
            policy.users_per_number,
            policy.mass_text_cap,
            policy.max_body_characters,
        )

    def test_none_means_no_limit(self, account: Account) -> None:
        """``None`` lets any number of users share a number."""
        hooks = widget_hooks(HcmWidgetHost(users_per_number=None))
        assert hooks.host_policy(account).users_per_number is None

    @pytest.mark.parametrize("limit", [0, -1])
    def test_limit_below_one_is_refused(self, limit: int) -> None:
        """A number must serve at least one user."""
        with pytest.raises(
            HostDeclarationError,
            match=rf"^users_per_number must be .*at least 1, or None; got {limit}$",
        ):
            HcmWidgetHost(users_per_number=limit)

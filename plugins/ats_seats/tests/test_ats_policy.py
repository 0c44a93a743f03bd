from __future__ import annotations

import pytest

from sms_ats_seats import AtsSeatsHost
from sms_core import (
    Account,
    AllowanceUnit,
    Hooks,
    HostDeclarationError,
    HostPolicy,
    make_plugin_manager,
)


def seat_hooks(host: AtsSeatsHost) -> Hooks:
    return Hooks(make_plugin_manager(host="ats_seats", plugins=[host], load_entry_points=False))


class TestDefaultPolicy:
    """The seat limits: the ATS's own rules and this plugin's documented choices."""

    def test_every_value(self, hooks: Hooks, account: Account) -> None:
        """The whole policy, field by field."""
        expected = HostPolicy(
            users_per_number=3,
            mass_text_cap=50,
            max_body_characters=160,
            seats_enabled=True,
            monthly_allowance=1000,
            allowance_unit=AllowanceUnit.MESSAGE,
            count_inbound=False,
            quiet_hours=True,
        )
        assert expected == hooks.host_policy(account)

    def test_seats_are_on(self, hooks: Hooks, account: Account) -> None:
        """Numbers belong to seats."""
        assert hooks.host_policy(account).seats_enabled

    def test_three_users_share_a_number(self, hooks: Hooks, account: Account) -> None:
        """Up to 3 users can be assigned to a phone number at a time."""
        assert 3 == hooks.host_policy(account).users_per_number

    def test_a_seat_allows_a_thousand_messages(self, hooks: Hooks, account: Account) -> None:
        """A new seat gets 1,000 messages a month."""
        assert 1000 == hooks.host_policy(account).monthly_allowance

    def test_the_allowance_counts_messages(self, hooks: Hooks, account: Account) -> None:
        """A long message counts once."""
        assert AllowanceUnit.MESSAGE == hooks.host_policy(account).allowance_unit

    def test_replies_are_free(self, hooks: Hooks, account: Account) -> None:
        """Received texts do not use the allowance."""
        assert not hooks.host_policy(account).count_inbound

    def test_a_mass_text_reaches_fifty(self, hooks: Hooks, account: Account) -> None:
        """A mass text goes to at most 50 candidates."""
        assert 50 == hooks.host_policy(account).mass_text_cap

    def test_bodies_are_one_segment(self, hooks: Hooks, account: Account) -> None:
        """A body is at most 160 characters."""
        assert 160 == hooks.host_policy(account).max_body_characters

    def test_quiet_hours(self, hooks: Hooks, account: Account) -> None:
        """Sends outside the candidate's allowed hours are refused."""
        assert hooks.host_policy(account).quiet_hours

    def test_same_policy_for_every_account(self, hooks: Hooks, account: Account) -> None:
        """The policy does not depend on the account."""
        other = Account(id="globex", name="Globex Talent", provider="twilio")
        assert hooks.host_policy(account) == hooks.host_policy(other)


class TestAllowanceSettings:
    """A host application chooses its own allowance rules."""

    def test_own_instance_sets_the_allowance(self, account: Account) -> None:
        """An instance registered with entry points off gives its own allowance rules."""
        hooks = seat_hooks(
            AtsSeatsHost(
                monthly_allowance=2500, allowance_unit=AllowanceUnit.SEGMENT, count_inbound=True
            )
        )
        policy = hooks.host_policy(account)
        assert (2500, AllowanceUnit.SEGMENT, True) == (
            policy.monthly_allowance,
            policy.allowance_unit,
            policy.count_inbound,
        )
        assert "ats_seats" == hooks.host_name

    def test_other_limits_stay(self, account: Account) -> None:
        """Only the allowance rules change."""
        policy = seat_hooks(AtsSeatsHost(monthly_allowance=1)).host_policy(account)
        assert (1, 3, 50, 160, True) == (
            policy.monthly_allowance,
            policy.users_per_number,
            policy.mass_text_cap,
            policy.max_body_characters,
            policy.seats_enabled,
        )

    @pytest.mark.parametrize("allowance", [0, -5])
    def test_allowance_below_one_is_refused(self, allowance: int) -> None:
        """A seat must be able to send at least one message a month."""
        with pytest.raises(
            HostDeclarationError,
            match=rf"^monthly_allowance must be .*at least 1.*; got {allowance}$",
        ):
            AtsSeatsHost(monthly_allowance=allowance)

"""The allowance scope of a host policy: its backward-compatible default and its coherence."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sms_core import AllowanceScope, HostDeclarationError, HostPolicy


class TestDefaultScope:
    """A policy written before scopes existed keeps its meaning."""

    def test_seats_mean_per_seat(self) -> None:
        """Seats enabled: each seat's own allowance, as the ATS had it."""
        policy = HostPolicy(seats_enabled=True, monthly_allowance=1000)
        assert AllowanceScope.SEAT == policy.allowance_scope

    def test_no_seats_mean_unmetered(self) -> None:
        """No seats: nothing is metered, as the core defaults and the HCM widget had it."""
        assert AllowanceScope.NONE == HostPolicy().allowance_scope

    def test_account_pool_without_seats(self) -> None:
        """A monthly pool for the whole agency needs no seats."""
        policy = HostPolicy(allowance_scope=AllowanceScope.ACCOUNT, monthly_allowance=5000)
        assert (AllowanceScope.ACCOUNT, 5000) == (policy.allowance_scope, policy.monthly_allowance)


class TestIncoherentScope:
    """A scope the rest of the policy contradicts is refused when the policy is made."""

    @pytest.mark.parametrize(
        ("fields", "expected"),
        [
            (
                {"allowance_scope": AllowanceScope.SEAT, "monthly_allowance": 10},
                "AllowanceScope.SEAT needs seats_enabled=True",
            ),
            (
                {"seats_enabled": True},
                "monthly_allowance must be a whole number of at least 1 when seats are enabled",
            ),
            (
                {"allowance_scope": AllowanceScope.ACCOUNT},
                "monthly_allowance must be 1 or more with allowance_scope=AllowanceScope.ACCOUNT",
            ),
            (
                {"allowance_scope": AllowanceScope.ACCOUNT, "monthly_allowance": -5},
                "monthly_allowance must be a whole number of at least 0; got -5",
            ),
            (
                {"monthly_allowance": 300},
                "monthly_allowance must be 0 with AllowanceScope.NONE, where it would be ignored",
            ),
            (
                {"allowance_scope": "pool", "monthly_allowance": 300},
                "allowance_scope must be one of AllowanceScope.SEAT, AllowanceScope.ACCOUNT, "
                "AllowanceScope.NONE; got 'pool'",
            ),
        ],
    )
    def test_refused_naming_the_fix(self, fields: dict[str, Any], expected: str) -> None:
        """The error names the field, the value and what to choose instead."""
        with pytest.raises(HostDeclarationError, match=re.escape(expected)):
            HostPolicy(**fields)

"""The settings contract: the adapter refuses provider settings it could not use.

The core asks the account's carrier to check ``Account.provider_settings`` (through
``sms_check_provider_settings``) before it stores them, when an account is created and when
its settings change. An adapter passes when it accepts the settings of the suite's
``account`` and refuses each of ``bad_settings``, naming the setting in its message. The
default ``bad_settings`` holds one unknown key; an adapter whose settings have a shape adds a
malformed value of its own (an id that is not one), so the check is the one its other hooks
read the settings with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import pytest

from sms_core.domain import Account
from sms_core.exceptions import ConfigurationError, InvalidInputError
from sms_core.plugins import Hooks
from sms_core.testing.contract.fixtures import CarrierFixtures

__all__ = ["UNKNOWN_SETTING", "SettingsContract"]

#: The key of the default bad setting: no carrier has a setting named so.
UNKNOWN_SETTING = "contract_no_such_setting"


class SettingsContract(CarrierFixtures):
    """The adapter checks the settings an account is about to be stored with."""

    @pytest.fixture
    def bad_settings(self) -> Sequence[Mapping[str, str]]:
        """Settings the adapter must refuse, each with the one bad key first.

        Override it to add a malformed value of a setting the adapter knows (keep the
        default's unknown key among them), such as ``{"messaging_profile_id": "nope"}``.
        """
        return [{UNKNOWN_SETTING: "blue"}]

    def test_account_settings_are_accepted(self, hooks: Hooks, account: Account) -> None:
        """The suite's account, whose settings every other test works with, passes the check."""
        assert hooks.check_provider_settings(account) is True

    def test_bad_settings_are_refused(
        self, hooks: Hooks, account: Account, bad_settings: Sequence[Mapping[str, str]]
    ) -> None:
        """Each of ``bad_settings``, over the account's own, is refused naming its first key."""
        assert bad_settings, "bad_settings must hold at least one set of settings"
        for bad in bad_settings:
            named = next(iter(bad))
            proposed = attrs.evolve(account, provider_settings={**account.provider_settings, **bad})
            with pytest.raises((ConfigurationError, InvalidInputError)) as refused:
                hooks.check_provider_settings(proposed)
            assert named in str(refused.value), (
                f"refusing {named!r}, the message should name it: {refused.value}"
            )

"""These tests need the distribution installed: they go through its entry point."""

from __future__ import annotations

from importlib.metadata import entry_points, version

import pytest

import sms_ats_seats
from sms_ats_seats import AtsSeatsHost
from sms_core import Account, Hooks
from sms_core.plugins import DISABLED_PLUGINS_ENV


@pytest.fixture(autouse=True)
def _only_this_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block the other installed plugins, whose state is not this distribution's concern."""
    others = {found.name for found in entry_points(group="sms_core")} - {"ats_seats"}
    monkeypatch.setenv(DISABLED_PLUGINS_ENV, ",".join(sorted(others)))


class TestInstalledDistribution:
    """Installing sms-core-ats-seats makes the host available by name."""

    def test_entry_point_is_the_default_host(self) -> None:
        """The ``ats_seats`` entry point in the ``sms_core`` group loads ``host``."""
        (found,) = entry_points(group="sms_core", name="ats_seats")
        assert sms_ats_seats.host is found.load()

    def test_host_activates_by_name(self, account: Account) -> None:
        """``Hooks.create(host="ats_seats")`` registers ``host`` and its policy applies."""
        hooks = Hooks.create(host="ats_seats")
        assert "ats_seats" == hooks.host_name
        assert sms_ats_seats.host in hooks.plugin_manager.get_plugins()
        assert sms_ats_seats.host.policy == hooks.host_policy(account)

    def test_an_alike_instance_can_be_registered(self) -> None:
        """Instances compare by identity, so pluggy takes a second one configured alike."""
        assert "ats_seats" == Hooks.create(host="ats_seats", plugins=[AtsSeatsHost()]).host_name

    def test_version_is_the_distribution_version(self) -> None:
        """``__version__`` comes from the installed metadata."""
        assert version("sms-core-ats-seats") == sms_ats_seats.__version__

"""These tests need the distribution installed: they go through its entry point."""

from __future__ import annotations

from importlib.metadata import entry_points, version

import pytest

import sms_hcm_widget
from sms_core import Account, Hooks
from sms_core.plugins import DISABLED_PLUGINS_ENV
from sms_hcm_widget import HcmWidgetHost


@pytest.fixture(autouse=True)
def _only_this_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block the other installed plugins, whose state is not this distribution's concern."""
    others = {found.name for found in entry_points(group="sms_core")} - {"hcm_widget"}
    monkeypatch.setenv(DISABLED_PLUGINS_ENV, ",".join(sorted(others)))


class TestInstalledDistribution:
    """Installing sms-core-hcm-widget makes the host available by name."""

    def test_entry_point_is_the_default_host(self) -> None:
        """The ``hcm_widget`` entry point in the ``sms_core`` group loads ``host``."""
        (found,) = entry_points(group="sms_core", name="hcm_widget")
        assert sms_hcm_widget.host is found.load()

    def test_host_activates_by_name(self, account: Account) -> None:
        """``Hooks.create(host="hcm_widget")`` registers ``host`` and its policy applies."""
        hooks = Hooks.create(host="hcm_widget")
        assert "hcm_widget" == hooks.host_name
        assert sms_hcm_widget.host in hooks.plugin_manager.get_plugins()
        assert sms_hcm_widget.host.policy == hooks.host_policy(account)

    def test_an_alike_instance_can_be_registered(self) -> None:
        """Instances compare by identity, so pluggy takes a second one configured alike."""
        assert "hcm_widget" == Hooks.create(host="hcm_widget", plugins=[HcmWidgetHost()]).host_name

    def test_version_is_the_distribution_version(self) -> None:
        """``__version__`` comes from the installed metadata."""
        assert version("sms-core-hcm-widget") == sms_hcm_widget.__version__

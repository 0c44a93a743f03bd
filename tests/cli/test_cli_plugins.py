"""``smsadmin plugins``: the installed carriers and hosts, as tables and as JSON."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from sms_core.cli.testing import SmsadminRunner

#: The keys every entry of ``--json`` has, besides its capabilities or policy.
ORIGIN_KEYS = {"name", "plugin", "distribution", "version"}


class TestPluginsTable:
    """The tables name each installed plugin with its distribution and what it does."""

    def test_carriers_and_hosts(self, cli: SmsadminRunner) -> None:
        """The sandbox carrier and both hosts are listed, each host with its own policy."""
        listed = cli.ok("plugins").stdout

        carriers, hosts = listed.split("Hosts")
        assert "fake" in carriers
        assert "sms-core-fake" in carriers
        assert "help answered by the SDK" in carriers
        assert "searches numbers by area_code, contains, locality, postal_code, region" in carriers
        assert "webhook signature covers the URL" in carriers
        # ats_seats: three users share a number, a 1,000-message monthly seat allowance.
        ats = hosts[hosts.index("ats_seats") : hosts.index("hcm_widget")]
        assert "sms-core-ats-seats" in ats
        assert "sells texting by" in ats  # its declared description
        assert "users per number: 3" in ats
        assert "seats: on" in ats
        assert "allowance: per seat, 1,000 messages a month (a new seat's default)" in ats
        # hcm_widget: four users share a number, no seats.
        widget = hosts[hosts.index("hcm_widget") :]
        assert "sms-core-hcm-widget" in widget
        assert "users per number: 4" in widget
        assert "seats: off" in widget
        assert "allowance: none (texts are not metered)" in widget

    def test_every_host_is_listed_whichever_is_active(self, cli: SmsadminRunner) -> None:
        """``--host`` activates one host for the other commands; the listing shows them all."""
        listed = cli.ok("--host", "hcm_widget", "plugins").stdout

        assert "ats_seats" in listed
        assert "hcm_widget" in listed


class TestPluginsJson:
    """``--json`` prints the same listing for programs."""

    def test_keys(self, cli: SmsadminRunner) -> None:
        """Carriers carry their capabilities and hosts their policy, with the plain values."""
        listed = json.loads(cli.ok("plugins", "--json").stdout)

        assert set(listed) == {"carriers", "hosts"}
        fake = {carrier["name"]: carrier for carrier in listed["carriers"]}["fake"]
        assert set(fake) == ORIGIN_KEYS | {"description", "capabilities"}
        assert fake["plugin"] == "fake"
        assert fake["distribution"] == "sms-core-fake"
        assert fake["capabilities"]["countries"] == sorted(fake["capabilities"]["countries"])
        assert isinstance(fake["capabilities"]["queue_validity"], int)
        hosts = {host["name"]: host for host in listed["hosts"]}
        assert sorted(hosts) == ["ats_seats", "hcm_widget"]
        for host in hosts.values():
            assert set(host) == ORIGIN_KEYS | {"declared_version", "description", "policy"}
            assert host["declared_version"] == host["version"]  # both from the distribution
        assert hosts["ats_seats"]["policy"]["seats_enabled"] is True
        assert hosts["ats_seats"]["policy"]["allowance_unit"] == "message"
        assert hosts["ats_seats"]["policy"]["allowance_scope"] == "seat"
        assert hosts["hcm_widget"]["policy"]["allowance_scope"] == "none"
        assert hosts["hcm_widget"]["policy"]["users_per_number"] == 4
        assert hosts["hcm_widget"]["description"].startswith("An HCM whose marketplace widget")


class TestDisabledPlugins:
    """A plugin blocked with ``SMS_CORE_DISABLED_PLUGINS`` is not listed."""

    @pytest.mark.parametrize("disabled", ["ats_seats", "fake"])
    def test_absent(
        self, cli: SmsadminRunner, monkeypatch: pytest.MonkeyPatch, disabled: str
    ) -> None:
        """The disabled plugin is gone from the JSON and the table; the others stay."""
        monkeypatch.setenv("SMS_CORE_DISABLED_PLUGINS", disabled)

        listed = json.loads(cli.ok("plugins", "--json").stdout)
        names = {entry["name"] for kind in ("carriers", "hosts") for entry in listed[kind]}
        table = cli.ok("plugins").stdout

        assert disabled not in names
        assert disabled not in table
        assert names >= {"ats_seats", "fake", "hcm_widget"} - {disabled}


class TestMisconfiguredHost:
    """An installed host whose declaration is out of bounds fails the listing at once."""

    def test_names_the_plugin_hook_and_fix(
        self, cli: SmsadminRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Even inactive, the broken host is reported: plugin, hook and bound, no traceback."""
        (tmp_path / "broken_host.py").write_text(
            textwrap.dedent(
                """
                from sms_core import HostInfo, HostPolicy, hookimpl

                @hookimpl
                def sms_host_info():
                    return HostInfo(name="broken", policy=HostPolicy(max_body_characters=5000))
                """
            )
        )
        info = tmp_path / "broken_host-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-host\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text("[sms_core]\nbroken = broken_host\n")
        monkeypatch.syspath_prepend(str(tmp_path))

        refused = cli.refused("plugins")

        assert "plugin 'broken', hook sms_host_info" in refused.stderr
        assert "max_body_characters must be" in refused.stderr

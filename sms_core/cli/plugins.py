"""``smsadmin plugins``: the installed carrier adapters and host plugins."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import attrs
import typer

from sms_core.cli import output, render
from sms_core.domain import Account, HostPolicy, ProviderCapabilities

if TYPE_CHECKING:
    from sms_core.plugins.manager import InstalledCarrier, InstalledHost, PluginOrigin

__all__ = ["SAMPLE_ACCOUNT", "listing", "plugins"]

#: The account the hosts are asked for their policy: a new one with no settings. The shipped
#: hosts set the same policy for every account.
SAMPLE_ACCOUNT = Account(id="new-account", name="A new account", provider="")


def _plain(value: object) -> object:
    """``value`` as JSON can hold it: sets sorted, enums by value, durations in seconds."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, frozenset | set):
        return sorted(str(_plain(item)) for item in value)
    return value


def _fields(value: ProviderCapabilities | HostPolicy) -> dict[str, object]:
    """An attrs value's fields as JSON can hold them."""
    return {name: _plain(field) for name, field in attrs.asdict(value, recurse=False).items()}


def _origin(origin: PluginOrigin) -> dict[str, object]:
    return {"plugin": origin.name, "distribution": origin.distribution, "version": origin.version}


def listing(
    carriers: list[InstalledCarrier], hosts: list[InstalledHost]
) -> Mapping[str, list[object]]:
    """What ``smsadmin plugins --json`` prints."""
    return {
        "carriers": [
            {
                "name": carrier.info.name,
                **_origin(carrier.origin),
                "description": carrier.info.description,
                "capabilities": _fields(carrier.info.capabilities),
            }
            for carrier in carriers
        ],
        "hosts": [
            {
                "name": host.name,
                **_origin(host.origin),
                "declared_version": host.info.version if host.info is not None else None,
                "description": host.info.description if host.info is not None else "",
                "policy": _fields(host.policy),
            }
            for host in hosts
        ],
    }


def plugins(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (carriers and hosts) instead of tables.")
    ] = False,
) -> None:
    """The installed carriers and hosts: distribution, version, capabilities and policy.

    A host's version and description are the ones it declares; in JSON, ``version`` is its
    distribution's and ``declared_version`` the one it declares.

    Plugins disabled with SMS_CORE_DISABLED_PLUGINS are not listed.

    A host's policy is the one it sets for a new account; durations in JSON are in seconds.
    """
    from sms_core.plugins.facade import Hooks  # noqa: PLC0415 - when the command runs

    carriers = Hooks.create().installed_carriers()
    hosts = Hooks.installed_hosts(SAMPLE_ACCOUNT)
    if as_json:
        typer.echo(json.dumps(listing(carriers, hosts), indent=2))
        return
    console = output.out_console()
    console.print(render.carriers_table(carriers))
    if not hosts:
        output.hint(console, "no host plugins installed: the core defaults apply")
        return
    console.print(render.hosts_table(hosts))

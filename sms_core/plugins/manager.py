"""Building a plugin manager: entry points, blocking, and the one active host."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points

import attrs
import pluggy

from sms_core import hookspecs
from sms_core.domain import HostPolicy, ProviderInfo
from sms_core.exceptions import ConfigurationError, UnknownHostError
from sms_core.plugins import defaults

__all__ = [
    "DISABLED_PLUGINS_ENV",
    "InstalledCarrier",
    "InstalledHost",
    "PluginOrigin",
    "host_name_of",
    "installed_host_names",
    "make_plugin_manager",
    "plugin_origin",
]

#: Comma-separated entry-point names of plugins not to load.
DISABLED_PLUGINS_ENV = "SMS_CORE_DISABLED_PLUGINS"

#: The attribute a host plugin (module or object) carries with its name.
HOST_NAME_ATTRIBUTE = "sms_host_name"


def host_name_of(plugin: object) -> str | None:
    """The host name a plugin declares, or ``None`` for a carrier adapter."""
    name = getattr(plugin, HOST_NAME_ATTRIBUTE, None)
    return name if isinstance(name, str) else None


@attrs.frozen(kw_only=True)
class PluginOrigin:
    """Where a registered plugin comes from.

    Attributes:
        name: Its name in the plugin manager: the entry point's name for an installed plugin.
        distribution: The installed distribution that publishes it; ``None`` for a plugin
            passed in code.
        version: That distribution's version; ``None`` likewise.
    """

    name: str
    distribution: str | None = None
    version: str | None = None


@attrs.frozen(kw_only=True)
class InstalledCarrier:
    """A registered carrier adapter: what it says about itself and where it comes from."""

    info: ProviderInfo
    origin: PluginOrigin


@attrs.frozen(kw_only=True)
class InstalledHost:
    """A host plugin: its name, where it comes from and the policy it sets.

    Attributes:
        policy: The limits it answers for the account it was asked about.
    """

    name: str
    origin: PluginOrigin
    policy: HostPolicy


def plugin_origin(pm: pluggy.PluginManager, plugin: object) -> PluginOrigin:
    """The registration name of ``plugin`` in ``pm`` and the distribution that installed it."""
    name = str(pm.get_name(plugin))
    for loaded, dist in pm.list_plugin_distinfo():
        if loaded is plugin:
            return PluginOrigin(name=name, distribution=dist.project_name, version=dist.version)
    return PluginOrigin(name=name)


def installed_host_names(
    *,
    plugins: Iterable[object] = (),
    load_entry_points: bool = True,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """The names of the host plugins that :func:`make_plugin_manager` could activate, sorted.

    Takes the arguments of :func:`make_plugin_manager` (but ``host``); a plugin blocked by
    ``SMS_CORE_DISABLED_PLUGINS`` is not among them.
    """
    pm = _loaded_manager(plugins=plugins, load_entry_points=load_entry_points, environ=environ)
    names = {name for plugin in pm.get_plugins() if (name := host_name_of(plugin)) is not None}
    return tuple(sorted(names))


def make_plugin_manager(
    *,
    host: str | None = None,
    plugins: Iterable[object] = (),
    load_entry_points: bool = True,
    environ: Mapping[str, str] | None = None,
) -> pluggy.PluginManager:
    """Create a plugin manager with the core's hook specs and defaults.

    Args:
        host: The name of the host plugin to activate; ``None`` activates none, so the core
            defaults apply. Every other host plugin is unregistered.
        plugins: Plugins to register besides the installed ones (tests, embedded hosts, a
            configured adapter). Each replaces the installed plugin of the same host or
            carrier name.
        load_entry_points: Whether to load the plugins installed under the ``sms_core``
            entry-point group.
        environ: Where to read ``SMS_CORE_DISABLED_PLUGINS``; the process environment by default.

    Returns:
        A ready manager; every registered hook implementation matches a spec.

    Raises:
        UnknownHostError: When ``host`` names no registered host plugin.
    """
    pm = _loaded_manager(plugins=plugins, load_entry_points=load_entry_points, environ=environ)
    _activate_host(pm, host)
    pm.check_pending()
    return pm


def _loaded_manager(
    *,
    plugins: Iterable[object],
    load_entry_points: bool,
    environ: Mapping[str, str] | None,
) -> pluggy.PluginManager:
    """A manager with the specs, the defaults and every plugin, before a host is chosen."""
    env = os.environ if environ is None else environ
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in env.get(DISABLED_PLUGINS_ENV, "").split(","):
        if name.strip():
            pm.set_blocked(name.strip())
    pm.register(defaults, name="sms_core.defaults")
    explicit = list(plugins)
    if load_entry_points:
        # An explicitly passed plugin replaces the installed one of the same host or carrier
        # name, so a configured instance never answers alongside the default one.
        replaced = {found for plugin in explicit if (found := _identity(plugin))}
        for entry_point in _entry_points_named(replaced):
            pm.set_blocked(entry_point)
        pm.load_setuptools_entrypoints(hookspecs.PROJECT_NAME)
    for plugin in explicit:
        pm.register(plugin)
    return pm


def _identity(plugin: object) -> str | None:
    """What a plugin is: ``host:<name>`` for a host, ``provider:<name>`` for an adapter."""
    if (host := host_name_of(plugin)) is not None:
        return f"host:{host}"
    describe = getattr(plugin, "sms_provider_info", None)
    if callable(describe):
        info = describe()
        return f"provider:{info.name}" if isinstance(info, ProviderInfo) else None
    return None


def _entry_points_named(identities: set[str]) -> list[str]:
    """Names of installed entry points whose plugin has one of ``identities``."""
    if not identities:
        return []
    found = []
    for entry_point in entry_points(group=hookspecs.PROJECT_NAME):
        try:
            plugin = entry_point.load()
        except Exception:  # a broken plugin is reported when pluggy loads it
            continue
        if _identity(plugin) in identities:
            found.append(entry_point.name)
    return found


def _activate_host(pm: pluggy.PluginManager, host: str | None) -> None:
    hosts: dict[str, list[object]] = {}
    for plugin in pm.get_plugins():
        if (name := host_name_of(plugin)) is not None:
            hosts.setdefault(name, []).append(plugin)
    if host is not None and host not in hosts:
        raise UnknownHostError(host, tuple(sorted(hosts)))
    if host is not None and len(hosts[host]) > 1:
        names = ", ".join(sorted(str(pm.get_name(plugin)) for plugin in hosts[host]))
        raise ConfigurationError(
            f"several host plugins are named {host!r} ({names}); uninstall one, or block one "
            f"with {DISABLED_PLUGINS_ENV}"
        )
    for name, same_name in hosts.items():
        if name != host:
            for plugin in same_name:
                pm.unregister(plugin)

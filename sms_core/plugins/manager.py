"""Building a plugin manager: entry points, blocking, and the one active host.

A host plugin declares itself by implementing ``sms_host_info`` (:class:`HostInfo`: name,
version, description, policy). Loading checks every plugin's declaration, active or not:

* a declaration that is not a valid :class:`HostInfo` is refused with
  :class:`PluginContractError`;
* a plugin that implements a host-deciding hook (:data:`HOST_DECIDING_HOOKS`) without declaring
  itself is refused the same way, since it would silently override the active host;
* a plugin that still names itself with the ``sms_host_name`` attribute (before 0.2) keeps
  working with a ``DeprecationWarning`` until 0.3.

Observer hooks (``sms_record_activity`` and the other notifications) may be implemented by
any plugin.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Final

import attrs
import pluggy

from sms_core import hookspecs
from sms_core.domain import HostInfo, HostPolicy, ProviderInfo
from sms_core.exceptions import (
    ConfigurationError,
    HostDeclarationError,
    PluginContractError,
    UnknownHostError,
)
from sms_core.plugins import defaults

__all__ = [
    "DISABLED_PLUGINS_ENV",
    "HOST_DECIDING_HOOKS",
    "InstalledCarrier",
    "InstalledHost",
    "PluginOrigin",
    "declared_host_info",
    "host_name_of",
    "installed_host_names",
    "make_plugin_manager",
    "plugin_label",
    "plugin_origin",
    "registered_hosts",
]

#: Comma-separated entry-point names of plugins not to load.
DISABLED_PLUGINS_ENV = "SMS_CORE_DISABLED_PLUGINS"

#: The hook a host plugin declares itself with.
HOST_INFO_HOOK: Final = "sms_host_info"

#: The hooks whose answer is the active host's decision; only a declared host implements them.
HOST_DECIDING_HOOKS: Final = frozenset({"sms_host_policy", "sms_authorize"})

#: Deprecated since 0.2, removed in 0.3: the attribute a host carried its name in before
#: ``sms_host_info``.
HOST_NAME_ATTRIBUTE: Final = "sms_host_name"

_HOOKIMPL_MARK: Final = f"{hookspecs.PROJECT_NAME}_impl"

_DECLARE_FIX: Final = (
    "Implement the sms_host_info hook, returning sms_core.HostInfo(name=..., version=..., "
    "description=..., policy=sms_core.HostPolicy(...))"
)


def declared_host_info(plugin: object, *, plugin_name: str | None = None) -> HostInfo | None:
    """What ``plugin`` declares itself as host, or ``None`` for a plugin that is no host.

    Reads its ``sms_host_info`` hook, or else the deprecated ``sms_host_name`` attribute (then
    with the core's default policy). Warns about nothing; loading does.

    Args:
        plugin: A plugin, registered or not.
        plugin_name: Its name in the plugin manager, for error messages.

    Raises:
        PluginContractError: When ``sms_host_info`` fails to build a valid :class:`HostInfo`
            or answers something else, or the attribute's name is not a valid host name.
    """
    label = plugin_name or _label(plugin)
    declare = getattr(plugin, HOST_INFO_HOOK, None)
    if callable(declare) and hasattr(declare, _HOOKIMPL_MARK):
        try:
            info = declare()
        except HostDeclarationError as err:
            raise PluginContractError.broken(
                plugin=label,
                hook=HOST_INFO_HOOK,
                problem=f"its declaration is out of bounds: {err}",
                fix="Correct that value in the HostInfo or HostPolicy it returns",
            ) from err
        if not isinstance(info, HostInfo):
            raise PluginContractError.broken(
                plugin=label,
                hook=HOST_INFO_HOOK,
                problem=f"it returned {_shown(info)}, not a sms_core.HostInfo",
                fix=_DECLARE_FIX,
            )
        return info
    legacy = getattr(plugin, HOST_NAME_ATTRIBUTE, None)
    if not isinstance(legacy, str):
        return None
    try:
        return HostInfo(name=legacy, policy=defaults.DEFAULT_POLICY)
    except HostDeclarationError as err:
        raise PluginContractError.broken(
            plugin=label, hook="", problem=f"its host name is invalid: {err}", fix=_DECLARE_FIX
        ) from err


def host_name_of(plugin: object) -> str | None:
    """The host name a plugin declares, or ``None`` for a plugin that is no host.

    Raises:
        PluginContractError: As :func:`declared_host_info` does.
    """
    info = declared_host_info(plugin)
    return None if info is None else info.name


def registered_hosts(pm: pluggy.PluginManager) -> list[tuple[object, HostInfo]]:
    """The host plugins registered in ``pm`` with their declarations, in no particular order.

    After :func:`make_plugin_manager` there is at most one: the active host.
    """
    found = []
    for plugin in pm.get_plugins():
        info = declared_host_info(plugin, plugin_name=plugin_label(pm, plugin))
        if info is not None:
            found.append((plugin, info))
    return found


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
        info: What it declares about itself (version, description, policy for every account).
    """

    name: str
    origin: PluginOrigin
    policy: HostPolicy
    info: HostInfo | None = None


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
    return tuple(sorted({info.name for _, info in registered_hosts(pm)}))


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
        PluginContractError: When a plugin's host declaration is invalid, or a plugin
            implements a host-deciding hook without declaring itself a host.
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
    for plugin in pm.get_plugins():
        if plugin is not defaults:
            _check_host_declaration(pm, plugin)
    return pm


def _check_host_declaration(pm: pluggy.PluginManager, plugin: object) -> None:
    """Refuse an invalid or missing host declaration; warn about the deprecated attribute."""
    name = plugin_label(pm, plugin)
    info = declared_host_info(plugin, plugin_name=name)
    implemented = {caller.name for caller in pm.get_hookcallers(plugin) or ()}
    deciding = sorted(implemented & HOST_DECIDING_HOOKS)
    if info is None and deciding:
        raise PluginContractError.broken(
            plugin=name,
            hook=deciding[0],
            problem=(
                f"it implements the host hook(s) {', '.join(deciding)} but does not declare "
                "itself a host, so it would override whichever host is active"
            ),
            fix=f"{_DECLARE_FIX}; a plugin that only observes implements sms_record_activity alone",
        )
    if info is not None and HOST_INFO_HOOK not in implemented:
        warnings.warn(
            f"host plugin {name!r} names itself with the {HOST_NAME_ATTRIBUTE!r} attribute, "
            "which is deprecated since sms-core 0.2 and stops working in 0.3. "
            f"{_DECLARE_FIX.replace('name=...', f'name={info.name!r}')}, and drop the attribute.",
            DeprecationWarning,
            # Points at the caller of make_plugin_manager (or of installed_host_names).
            stacklevel=4,
        )


def _identity(plugin: object) -> str | None:
    """What a plugin is: ``host:<name>`` for a host, ``provider:<name>`` for an adapter."""
    if (host := declared_host_info(plugin)) is not None:
        return f"host:{host.name}"
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
    for plugin, info in registered_hosts(pm):
        hosts.setdefault(info.name, []).append(plugin)
    if host is not None and host not in hosts:
        raise UnknownHostError.not_installed(host, tuple(sorted(hosts)))
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


def plugin_label(pm: pluggy.PluginManager, plugin: object) -> str:
    """How error messages name a registered plugin.

    That is its entry point's name, or for a plugin passed in code (which pluggy names by its
    ``id``) its module's or class's name.
    """
    name = str(pm.get_name(plugin))
    return _label(plugin) if name == str(id(plugin)) else name


def _label(plugin: object) -> str:
    """A plugin's name before it is registered: its module's or class's name."""
    name = getattr(plugin, "__name__", None)
    return name if isinstance(name, str) else type(plugin).__name__


def _shown(value: object) -> str:
    """A wrong answer, short enough for an error message."""
    shown = repr(value)
    return f"{type(value).__name__} {shown[:60]}{'...' if len(shown) > 60 else ''}"

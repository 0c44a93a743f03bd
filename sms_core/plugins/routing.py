"""Provider routing: which adapter answers a provider call, decided once by the core.

Every carrier adapter names itself through ``sms_provider_info``. :meth:`ProviderRoutes.build`
reads each adapter's answer once, refuses a plugin manager where the names do not decide
who answers (two adapters with one name, provider hooks in a plugin that names no provider),
and builds for each provider name a pluggy *subset caller* per provider hook that leaves out
every other adapter. A provider call then reaches exactly the adapter of the account's
provider, so an adapter never has to ask whether an account is its own.

The table is a snapshot of the manager's plugins: :meth:`ProviderRoutes.is_current` tells
:class:`~sms_core.plugins.Hooks` when a plugin was registered or unregistered since, and the
façade builds it again rather than route with a stale one.

:func:`checked` and :func:`checked_sequence` check an adapter's answer against the type its
hook promises, so a broken adapter is named at the façade instead of failing later inside a
service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import attrs
import pluggy

from sms_core.domain import ProviderInfo
from sms_core.exceptions import PluginContractError, UnknownProviderError

__all__ = [
    "PROVIDER_HOOKS",
    "ProviderRoute",
    "ProviderRoutes",
    "checked",
    "checked_sequence",
]

#: The hooks the core routes to the adapter of the account's provider.
PROVIDER_HOOKS = (
    "sms_check_provider_settings",
    "sms_search_numbers",
    "sms_purchase_number",
    "sms_release_number",
    "sms_configure_number",
    "sms_list_numbers",
    "sms_adopt_number",
    "sms_lookup_registration",
    "sms_submit_brand",
    "sms_submit_campaign",
    "sms_submit_messaging_service",
    "sms_fetch_registration",
    "sms_resend_confirmation",
    "sms_attach_number",
    "sms_send_message",
    "sms_fetch_message",
    "sms_verify_webhook",
    "sms_parse_webhook",
    "sms_answer_call",
    "sms_acknowledge_webhook",
)

_INFO_HOOK = "sms_provider_info"

_T = TypeVar("_T")


@attrs.frozen(kw_only=True)
class ProviderRoute:
    """One installed adapter and the callers that reach it alone.

    Attributes:
        plugin: The adapter's plugin object.
        plugin_name: Its name in the plugin manager (the entry point's name when installed).
        info: What its ``sms_provider_info`` answered, read once.
        callers: Per provider hook, a caller that leaves out every other adapter.
    """

    plugin: object
    plugin_name: str
    info: ProviderInfo
    callers: Mapping[str, pluggy.HookCaller]


@attrs.frozen(kw_only=True)
class ProviderRoutes:
    """The adapters of a plugin manager by provider name, and the plugins it was built from.

    Attributes:
        routes: The route of each installed provider name.
        plugins: Every plugin registered when the table was built.
    """

    routes: Mapping[str, ProviderRoute]
    plugins: frozenset[object]

    @classmethod
    def build(cls, pm: pluggy.PluginManager) -> ProviderRoutes:
        """Read every adapter's provider info once and build its callers.

        Raises:
            PluginContractError: When ``sms_provider_info`` answers something else than a
                ``ProviderInfo``, when two adapters claim one provider name, or when a plugin
                implements provider hooks without ``sms_provider_info``.
        """
        found: dict[str, tuple[object, str, ProviderInfo]] = {}
        for impl in _answering(pm, _INFO_HOOK):
            plugin_name = _name(pm, impl.plugin)
            info = checked(plugin_name, _INFO_HOOK, impl.function(), ProviderInfo)
            if info.name in found:
                raise PluginContractError.broken(
                    plugin=plugin_name,
                    hook=_INFO_HOOK,
                    problem=(
                        f"claims the provider name {info.name!r}, which plugin "
                        f"{found[info.name][1]!r} already claims"
                    ),
                    fix=(
                        "Install one adapter per provider name: uninstall or block one (with "
                        "SMS_CORE_DISABLED_PLUGINS), or pass the configured adapter in "
                        "plugins=, which replaces the installed one of the same name."
                    ),
                )
            found[info.name] = (impl.plugin, plugin_name, info)
        adapters = {plugin for plugin, _, _ in found.values()}
        for hook in PROVIDER_HOOKS:
            for impl in _answering(pm, hook):
                if impl.plugin not in adapters:
                    raise PluginContractError.broken(
                        plugin=_name(pm, impl.plugin),
                        hook=hook,
                        problem=(
                            "implements a provider hook but not sms_provider_info, so no "
                            "provider name routes calls to it"
                        ),
                        fix=(
                            "Implement sms_provider_info returning the adapter's ProviderInfo "
                            "(its name is what Account.provider selects), or drop the hook."
                        ),
                    )
        routes = {
            name: ProviderRoute(
                plugin=plugin,
                plugin_name=plugin_name,
                info=info,
                callers={
                    hook: pm.subset_hook_caller(hook, remove_plugins=adapters - {plugin})
                    for hook in PROVIDER_HOOKS
                },
            )
            for name, (plugin, plugin_name, info) in found.items()
        }
        return cls(routes=routes, plugins=frozenset(pm.get_plugins()))

    def is_current(self, pm: pluggy.PluginManager) -> bool:
        """Whether ``pm`` still holds exactly the plugins the table was built from."""
        return pm.get_plugins() == self.plugins

    def route(self, provider: str) -> ProviderRoute:
        """The route of the adapter named ``provider``.

        Raises:
            UnknownProviderError: When no installed adapter has that name.
        """
        try:
            return self.routes[provider]
        except KeyError:
            raise UnknownProviderError.not_installed(provider, tuple(sorted(self.routes))) from None


def checked(plugin: str, hook: str, answer: object, expected: type[_T]) -> _T:
    """``answer`` when it is an ``expected``.

    Raises:
        PluginContractError: Naming ``plugin``, ``hook`` and what it answered instead.
    """
    if isinstance(answer, expected):
        return answer
    raise _broken(plugin, hook, f"answered {_a(type(answer))}, not {_a(expected)}", expected)


def checked_sequence(
    plugin: str, hook: str, answer: object, item: type[_T] | tuple[type[_T], ...]
) -> list[_T]:
    """``answer`` as a list when it is a sequence (not a string) of ``item`` values.

    Raises:
        PluginContractError: Naming ``plugin``, ``hook`` and what it answered instead.
    """
    wanted = f"a sequence of {_names(item)}"
    if not isinstance(answer, Sequence) or isinstance(answer, str | bytes):
        raise _broken(plugin, hook, f"answered {_a(type(answer))}, not {wanted}", wanted)
    for value in answer:
        if not isinstance(value, item):
            problem = f"answered a sequence holding {_a(type(value))}, not {wanted}"
            raise _broken(plugin, hook, problem, wanted)
    return list(answer)


def _broken(plugin: str, hook: str, problem: str, expected: type | str) -> PluginContractError:
    wanted = expected if isinstance(expected, str) else _a(expected)
    return PluginContractError.broken(
        plugin=plugin,
        hook=hook,
        problem=problem,
        fix=(
            f"Return {wanted} as the hook's spec in sms_core.hookspecs says, or None when the "
            "adapter does not provide the feature."
        ),
    )


def _answering(pm: pluggy.PluginManager, hook: str) -> list[pluggy.HookImpl]:
    """The implementations of ``hook`` that answer it (not the wrappers around them)."""
    caller: pluggy.HookCaller = getattr(pm.hook, hook)
    return [impl for impl in caller.get_hookimpls() if not (impl.hookwrapper or impl.wrapper)]


def _name(pm: pluggy.PluginManager, plugin: object) -> str:
    return str(pm.get_name(plugin))


def _names(item: type | tuple[type, ...]) -> str:
    return " | ".join(kind.__name__ for kind in item) if isinstance(item, tuple) else item.__name__


def _a(kind: type) -> str:
    name = kind.__name__
    return f"an {name}" if name[0].lower() in "aeiou" else f"a {name}"

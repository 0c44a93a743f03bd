"""The plugin machinery: a manager factory and the typed façade over its hooks."""

from sms_core.plugins.facade import Hooks
from sms_core.plugins.manager import (
    DISABLED_PLUGINS_ENV,
    InstalledCarrier,
    InstalledHost,
    PluginOrigin,
    host_name_of,
    installed_host_names,
    make_plugin_manager,
)

__all__ = [
    "DISABLED_PLUGINS_ENV",
    "Hooks",
    "InstalledCarrier",
    "InstalledHost",
    "PluginOrigin",
    "host_name_of",
    "installed_host_names",
    "make_plugin_manager",
]

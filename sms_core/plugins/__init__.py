"""The plugin machinery: a manager factory and the typed façade over its hooks."""

from sms_core.plugins.facade import Hooks
from sms_core.plugins.manager import DISABLED_PLUGINS_ENV, host_name_of, make_plugin_manager

__all__ = ["DISABLED_PLUGINS_ENV", "Hooks", "host_name_of", "make_plugin_manager"]

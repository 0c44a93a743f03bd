pytest_plugins = ("pytester", "sms_core.testing.databases")

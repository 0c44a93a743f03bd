from __future__ import annotations

import pytest

from sms_core import Account, Hooks, User, make_plugin_manager
from sms_hcm_widget import HcmWidgetHost


@pytest.fixture
def account() -> Account:
    return Account(id="acme", name="Acme Staffing", provider="fake")


@pytest.fixture
def recruiter() -> User:
    """An active HCM user holding no permission."""
    return User(id="u-ada", account_id="acme", first_name="Ada", last_name="Lee")


@pytest.fixture
def hooks() -> Hooks:
    """A fresh plugin manager with the widget host at its defaults, and nothing installed."""
    return Hooks(
        make_plugin_manager(host="hcm_widget", plugins=[HcmWidgetHost()], load_entry_points=False)
    )

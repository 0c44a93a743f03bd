from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from sms_core import hookimpl
from sms_core.domain import Account, AuditAction, ProviderCapabilities, ProviderInfo
from sms_core.exceptions import (
    AccountNotFoundError,
    AlreadyExistsError,
    ConfigurationError,
    InvalidFieldError,
    InvalidInputError,
    PluginContractError,
    SecretSettingError,
)
from sms_core.services import SmsAdmin
from sms_core.services.account_settings import OPERATOR_ACTOR
from tests.services.database_dump import dump


class TestCreateAccount:
    """An account id names the account in its webhook URLs, so it must fit in one."""

    @pytest.mark.parametrize("account_id", ["a/b", "x?y", "ok#1", "..", "", " acme", "a" * 65])
    def test_unusable_ids_refused(
        self, admin: SmsAdmin, carrier_path: Path, account_id: str
    ) -> None:
        """Ids that would break a URL, or not fit, are refused before anything is written."""
        with pytest.raises(InvalidInputError, match="letters, digits"):
            admin.create_account(
                account_id,
                name="Acme",
                provider="fake",
                provider_settings={"state_path": str(carrier_path)},
            )
        assert [] == admin.accounts()

    @pytest.mark.parametrize("account_id", ["acme", "Acme_Staffing-2", "7" * 64])
    def test_usable_ids(self, admin: SmsAdmin, carrier_path: Path, account_id: str) -> None:
        """Letters, digits, dashes and underscores, up to 64 of them."""
        created = admin.create_account(
            account_id,
            name="Acme",
            provider="fake",
            provider_settings={"state_path": str(carrier_path)},
        )
        assert account_id == created.account.id
        with pytest.raises(AlreadyExistsError):
            admin.create_account(account_id, name="Acme", provider="fake")

    def test_name_required(self, admin: SmsAdmin) -> None:
        """A blank name is refused with the id it was for."""
        with pytest.raises(InvalidInputError, match="'acme' needs a name"):
            admin.create_account("acme", name="  ", provider="fake")


class TestProviderSettings:
    """Issue 11/12: the carrier checks an account's settings when created and when changed."""

    @pytest.mark.parametrize(
        ("settings", "named"),
        [({"colour": "blue"}, "'colour'"), ({"state_path": "  "}, "'state_path'")],
    )
    def test_create_refuses_what_the_carrier_cannot_use(
        self, admin: SmsAdmin, settings: dict[str, str], named: str
    ) -> None:
        """An unknown key or an empty value is refused naming the setting; nothing is stored."""
        with pytest.raises(ConfigurationError, match=named):
            admin.create_account("acme", name="Acme", provider="fake", provider_settings=settings)
        assert [] == admin.accounts()

    def test_update_sets_and_unsets_and_is_audited(
        self, admin: SmsAdmin, carrier_path: Path
    ) -> None:
        """Set and unset keep the other settings; each change is in the audit trail."""
        acme = admin.create_account("acme", name="Acme", provider="fake")
        path = str(carrier_path)

        updated = admin.update_account_settings("acme", settings={"state_path": path})
        assert {"state_path": path} == dict(updated.provider_settings)
        assert updated == admin.account("acme").account
        cleared = admin.update_account_settings("acme", unset=["state_path"], actor_id="ops-1")
        assert {} == dict(cleared.provider_settings)
        assert {} == dict(admin.account("acme").account.provider_settings)

        entries = acme.audit.list(action=AuditAction.SET_PROVIDER_SETTINGS)
        assert [
            ("ops-1", {"state_path": path}, {}),
            (OPERATOR_ACTOR, {}, {"state_path": path}),
        ] == [(entry.actor_id, entry.before, entry.after) for entry in entries]

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            ({"settings": {"colour": "blue"}}, ConfigurationError),
            ({"settings": {"state_path": ""}}, ConfigurationError),
            ({"settings": {"auth_token": "x"}}, SecretSettingError),
            ({"unset": ["label"]}, InvalidFieldError),
            ({"unset": "state_path"}, InvalidFieldError),
            ({"settings": {"state_path": "b"}, "unset": ["state_path"]}, InvalidFieldError),
        ],
    )
    def test_refused_update_changes_nothing(
        self, admin: SmsAdmin, carrier_path: Path, change: dict[str, Any], error: type[Exception]
    ) -> None:
        """A refused change leaves every table (settings and audit trail) as it was."""
        admin.create_account(
            "acme",
            name="Acme",
            provider="fake",
            provider_settings={"state_path": str(carrier_path)},
        )
        before = dump(admin)

        with pytest.raises(error):
            admin.update_account_settings("acme", **change)

        assert before == dump(admin)

    def test_unknown_account(self, admin: SmsAdmin) -> None:
        """Changing an account that does not exist is refused by id."""
        with pytest.raises(AccountNotFoundError, match="'nope'"):
            admin.update_account_settings("nope", settings={"state_path": ":memory:"})

    def test_no_change_is_not_audited(self, admin: SmsAdmin, carrier_path: Path) -> None:
        """Setting a value the account already has writes nothing."""
        settings = {"state_path": str(carrier_path)}
        acme = admin.create_account(
            "acme", name="Acme", provider="fake", provider_settings=settings
        )
        before = dump(admin)

        assert settings == dict(
            admin.update_account_settings("acme", settings=settings).provider_settings
        )
        assert before == dump(admin)
        assert [] == acme.audit.list(action=AuditAction.SET_PROVIDER_SETTINGS)


class _LenientCarrier:
    """An adapter written before ``sms_check_provider_settings``: it checks nothing."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        return ProviderInfo(
            name="lenient",
            description="an adapter without a settings check",
            capabilities=ProviderCapabilities(max_concurrent_sends=1),
        )


class _BrokenCarrier(_LenientCarrier):
    """An adapter refusing settings by answering False, without saying why."""

    @hookimpl
    def sms_check_provider_settings(self, account: Account) -> bool | None:
        return False


class TestAdaptersWithoutTheCheck:
    """The hook is optional: an adapter that does not check keeps working as before."""

    def test_settings_stored_unchecked(self, database_url: str) -> None:
        """Without the hook, the settings are kept as given (secrets are still refused)."""
        with SmsAdmin.open(database_url, plugins=[_LenientCarrier()]) as admin:
            created = admin.create_account(
                "acme", name="Acme", provider="lenient", provider_settings={"colour": "blue"}
            )
            assert {"colour": "blue"} == dict(created.account.provider_settings)
            with pytest.raises(SecretSettingError):
                admin.update_account_settings("acme", settings={"password": "x"})

    def test_wrong_answer_names_the_adapter(self, database_url: str) -> None:
        """False (a refusal without a reason) is the adapter's bug, named; nothing is stored."""
        with SmsAdmin.open(database_url, plugins=[_BrokenCarrier()]) as admin:
            with pytest.raises(PluginContractError, match="without saying why"):
                admin.create_account("acme", name="Acme", provider="lenient")
            assert [] == admin.accounts()


class _SlowCarrier(_LenientCarrier):
    """Checks settings slowly, so changes made at the same moment overlap."""

    @hookimpl
    def sms_check_provider_settings(self, account: Account) -> bool | None:
        time.sleep(0.02)
        return True


class TestConcurrentUpdates:
    """Changes to one account's settings at the same moment are all kept."""

    def test_no_change_is_lost(self, database_url: str) -> None:
        """Six threads each set their own key three times; every key and entry remains.

        Each change reads the settings, has them checked (20 ms here) and writes them back;
        without the row lock around all three, a change overwrites the ones that landed
        during its check.
        """
        with SmsAdmin.open(database_url, plugins=[_SlowCarrier()]) as admin:
            admin.create_account("acme", name="Acme", provider="lenient")
            start = threading.Barrier(6)

            def change(worker: int) -> None:
                start.wait()
                for round_ in range(3):
                    admin.update_account_settings("acme", settings={f"key{worker}": f"v{round_}"})

            with ThreadPoolExecutor(max_workers=6) as pool:
                list(pool.map(change, range(6)))

            settings = admin.account("acme").account.provider_settings
            assert {f"key{worker}": "v2" for worker in range(6)} == dict(settings)
            entries = admin.account("acme").audit.list(action=AuditAction.SET_PROVIDER_SETTINGS)
            assert 18 == len(entries)

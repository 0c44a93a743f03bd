from __future__ import annotations

from pathlib import Path

import pytest

from sms_core.exceptions import AlreadyExistsError, InvalidInputError
from sms_core.services import SmsAdmin


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

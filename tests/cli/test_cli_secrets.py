"""A secret given as a provider setting is refused, never stored or printed (issue 13 item 11)."""

from __future__ import annotations

import pytest

from sms_core.cli.testing import SmsadminRunner

TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


class TestSecretSettings:
    """accounts create refuses credentials; accounts list never shows one."""

    @pytest.mark.parametrize("setting", [f"auth_token={TOKEN}", f"account_sid={TOKEN}"])
    def test_refused_and_not_echoed(self, cli: SmsadminRunner, setting: str) -> None:
        """Refused with the fix (the environment); the value appears in no output."""
        result = cli.refused(
            "accounts", "create", "acme", "--name", "Acme", "--provider", "fake",
            "--setting", setting,
        )  # fmt: skip

        assert "environment" in result.stderr
        assert TOKEN not in result.output
        listed = cli.ok("accounts", "list").stdout
        assert "no accounts yet" in listed
        assert TOKEN not in listed

"""Where the sandbox carrier's state file is, when the account does not say.

Kept apart from :mod:`sms_fake.adapter` (which re-exports both names) so that ``smsadmin
sandbox`` can name its ``--state`` option's environment variable without importing the adapter.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["STATE_ENV", "default_state_path"]

#: The environment variable naming the carrier's SQLite file when the account names none.
STATE_ENV = "SMS_FAKE_STATE"


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the carrier lives when neither the account nor ``SMS_FAKE_STATE`` says."""
    env = os.environ if environ is None else environ
    data_home = env.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(data_home) / "smsadmin" / "sandbox-carrier.sqlite3"

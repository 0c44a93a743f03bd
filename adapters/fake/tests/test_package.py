"""The package ``sms_fake`` imports its public names on first use, as they were before.

``smsadmin sandbox --help`` imports the package for its command module only (see
``tests/cli/test_cli_startup.py``); these check that every public name still resolves, and
that ``sms_fake.adapter`` is still the adapter the ``sms_core`` entry point names.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import sms_fake
from sms_fake.adapter import FakeAdapter


def _fresh(code: str) -> str:
    """What ``code`` prints in a fresh interpreter (this one has imported it all)."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert 0 == done.returncode, done.stderr
    return done.stdout.strip()


class TestPublicNames:
    def test_every_exported_name_is_listed(self) -> None:
        assert sorted([*sms_fake._EXPORTS, "__version__"]) == sorted(sms_fake.__all__)

    @pytest.mark.parametrize("name", sorted(sms_fake._EXPORTS))
    def test_a_name_is_its_modules(self, name: str) -> None:
        module = importlib.import_module(sms_fake._EXPORTS[name])
        assert getattr(sms_fake, name) is getattr(module, name)

    def test_an_unknown_name_is_an_attribute_error(self) -> None:
        with pytest.raises(AttributeError, match="no attribute 'Nope'"):
            sms_fake.Nope  # noqa: B018

    def test_the_version_is_a_string(self) -> None:
        assert isinstance(sms_fake.__version__, str)

    def test_importing_the_package_imports_no_module_of_it(self) -> None:
        loaded = _fresh(
            "import sys, sms_fake; print(sorted(m for m in sys.modules if m.startswith('sms_')))"
        )
        assert "['sms_fake']" == loaded


class TestAdapterAttribute:
    """``sms_fake.adapter`` is the adapter object, however the submodule was imported first."""

    def test_in_this_process(self) -> None:
        assert isinstance(sms_fake.adapter, FakeAdapter)

    @pytest.mark.parametrize(
        "first",
        [
            "import sms_fake.adapter",  # as the entry point sms_fake.adapter:adapter loads it
            "from sms_fake.adapter import STATE_ENV",
            "from sms_fake import FakeAdapter",
            "from importlib.metadata import entry_points; "
            "[ep.load() for ep in entry_points(group='sms_core') if ep.name == 'fake']",
        ],
    )
    def test_after_the_submodule_was_imported(self, first: str) -> None:
        printed = _fresh(
            f"{first}\n"
            "import sms_fake\n"
            "from sms_fake import adapter\n"
            "print(type(sms_fake.adapter).__name__, adapter is sms_fake.adapter)"
        )
        assert "FakeAdapter True" == printed

"""What importing a part of the SDK costs, and that any module can be imported first.

``sms_core`` re-exports its public names lazily (PEP 562), so ``import sms_core`` and the value
types stay cheap; :mod:`sms_core.vocabulary` is the leaf module that lets
:mod:`sms_core.exceptions` be imported without :mod:`sms_core.domain`. Each check runs in a
fresh interpreter, because this test process has imported everything already.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sms_core

ROOT = Path(__file__).parent.parent


def _fresh(code: str) -> str:
    """Run ``code`` in a new interpreter with this one's environment; return its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert 0 == done.returncode, done.stderr
    return done.stdout.strip()


def _loaded_after(statement: str, *prefixes: str) -> list[str]:
    """The modules starting with one of ``prefixes`` that ``statement`` leaves imported."""
    out = _fresh(
        f"import sys\n{statement}\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))"
    )
    return out.split()


class TestPublicNames:
    """``sms_core`` exports the same names as before, each from the module that defines it."""

    def test_every_exported_name_resolves_to_its_module_attribute(self) -> None:
        names = [name for name in sms_core.__all__ if name != "__version__"]
        assert sorted(names) == sorted(sms_core._EXPORTS)
        for name in names:
            module = __import__(sms_core._EXPORTS[name], fromlist=[name])
            assert getattr(module, name) is getattr(sms_core, name), name

    def test_an_unknown_name_is_an_attribute_error(self) -> None:
        with pytest.raises(AttributeError, match="NoSuchThing"):
            _ = sms_core.NoSuchThing

    def test_dir_lists_the_public_names(self) -> None:
        assert set(sms_core.__all__) <= set(dir(sms_core))

    def test_importing_the_package_imports_no_database_library(self) -> None:
        assert [] == _loaded_after("import sms_core", "sqlalchemy", "alembic")

    def test_a_value_type_imports_no_database_library_or_service(self) -> None:
        loaded = _loaded_after(
            "from sms_core import PhoneNumber, SmsError", "sqlalchemy", "sms_core.services"
        )
        assert [] == loaded


class TestLeafModule:
    """``sms_core.vocabulary`` imports nothing from the package, so nothing can circle back."""

    def test_it_imports_nothing_from_sms_core(self) -> None:
        tree = ast.parse((ROOT / "sms_core" / "vocabulary.py").read_text(encoding="utf-8"))
        imported = [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ] + [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        assert [] == [name for name in imported if name.startswith("sms_core")]

    def test_each_module_a_plugin_imports_can_be_imported_first(self) -> None:
        """One interpreter, the package forgotten before each module; third parties stay cached.

        The layers plugins and hosts import from (the services re-import everything each time,
        which would cost seconds for little: they sit on top of these).
        """
        layers = ("domain", "compliance", "plugins", "webhooks")
        files = [ROOT / "sms_core" / f"{name}.py" for name in ("exceptions", "hookspecs")]
        files += [path for layer in layers for path in (ROOT / "sms_core" / layer).glob("*.py")]
        modules = sorted(
            ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            for path in files
        )
        failed = _fresh(
            "import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    for loaded in [m for m in sys.modules if m.split('.')[0] == 'sms_core']:\n"
            "        del sys.modules[loaded]\n"
            "    try:\n"
            "        importlib.import_module(name)\n"
            "    except ImportError as err:\n"
            "        print(name, err)\n"
        )
        assert "" == failed

    def test_the_domain_still_exports_the_moved_values(self) -> None:
        from sms_core import domain, vocabulary  # noqa: PLC0415 - the subject of the test

        for name in vocabulary.__all__:
            assert getattr(vocabulary, name) is getattr(domain, name), name

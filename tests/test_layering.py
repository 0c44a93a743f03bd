"""The layers keep to their boundaries, read from the modules' imports.

Services hold the rules; the store (``sms_core.store``) owns SQLAlchemy: its statements, its
transactions and the mapping of its constraint errors to ``StoreConflict``. A service that
imports SQLAlchemy has moved a statement or a driver error out of the store.

The web UI (``sms_core.web``) and the command line (``sms_core.cli``) are two faces of the same
services: neither imports the other, and what both show (a step's cue, an audit change's words,
users' and seats' names) lives in ``sms_core.presentation``, which imports neither Typer nor Rich.

The send pipeline (``services/sending.py``) owns the order of a send's steps; the steps
themselves (``send_storage``, ``send_settlement``) are imported by no other module, so no
caller can string them together in another order.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sms_core.services

SERVICES = Path(sms_core.services.__file__).parent
PACKAGE = SERVICES.parent

#: The send pipeline's step modules, and the modules allowed to import them.
STEPS = {"sms_core.services.send_storage", "sms_core.services.send_settlement"}
PIPELINE = {"sending.py", "send_storage.py", "send_settlement.py"}

WEB = PACKAGE / "web"
#: What the web app must not load: the command line and the libraries only it needs.
CLI_ONLY = ("sms_core.cli", "typer", "rich", "click")


def sqlalchemy_imports(source: str) -> list[str]:
    """Each ``import`` of SQLAlchemy (or one of its modules) in ``source``, as written."""
    return [
        f"line {line}: {name}"
        for line, name in imported(source, names=False)
        if name == "sqlalchemy" or name.startswith("sqlalchemy.")
    ]


def imported(source: str, *, names: bool = True) -> list[tuple[int, str]]:
    """Each absolute module ``source`` imports, with its line.

    With ``names``, ``from a import b`` also gives ``a.b`` (``b`` may be a module).
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            if names:
                found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


class TestServicesLayer:
    """No module under ``sms_core/services/`` imports SQLAlchemy."""

    def test_the_check_sees_every_form_of_import(self) -> None:
        """Plain, dotted, ``from`` and type-checking-only imports are all found."""
        source = (
            "import sqlalchemy as sa\n"
            "import sqlalchemy.exc\n"
            "from sqlalchemy.exc import IntegrityError\n"
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from sqlalchemy import Connection\n"
            "import sqlalchemy_utils\n"
        )
        expected = [
            "line 1: sqlalchemy",
            "line 2: sqlalchemy.exc",
            "line 3: sqlalchemy.exc",
            "line 6: sqlalchemy",
        ]
        assert expected == sqlalchemy_imports(source)

    def test_services_never_import_sqlalchemy(self) -> None:
        """Every service module reaches the database through ``sms_core.store``."""
        modules = sorted(SERVICES.rglob("*.py"))
        assert len(modules) > 10, f"found only {len(modules)} modules under {SERVICES}"
        offenders = {
            str(module.relative_to(SERVICES)): imports
            for module in modules
            if (imports := sqlalchemy_imports(module.read_text(encoding="utf-8")))
        }
        assert {} == offenders


class TestSendPipeline:
    """Only the send pipeline reaches the steps of a send."""

    def test_no_other_module_imports_the_steps(self) -> None:
        """Outside ``sending.py`` and the steps, nothing imports ``send_storage``/``settlement``."""
        offenders = {
            str(module.relative_to(PACKAGE)): steps
            for module in sorted(PACKAGE.rglob("*.py"))
            if module.parent != SERVICES or module.name not in PIPELINE
            if (
                steps := sorted(
                    name
                    for _, name in imported(module.read_text(encoding="utf-8"))
                    if name in STEPS
                )
            )
        }
        assert {} == offenders


def _is_cli_only(name: str) -> bool:
    return any(name == root or name.startswith(f"{root}.") for root in CLI_ONLY)


class TestWebLayer:
    """The web app imports nothing of the command line, nor Typer or Rich."""

    def test_no_web_module_imports_the_cli(self) -> None:
        """From the source: no ``sms_core.cli``, ``typer`` or ``rich`` import under ``web/``."""
        modules = sorted(WEB.rglob("*.py"))
        assert len(modules) > 5, f"found only {len(modules)} modules under {WEB}"
        offenders = {
            str(module.relative_to(PACKAGE)): names
            for module in modules
            if (
                names := sorted(
                    f"line {line}: {name}"
                    for line, name in imported(module.read_text(encoding="utf-8"), names=False)
                    if _is_cli_only(name)
                )
            )
        }
        assert {} == offenders

    def test_the_shared_words_import_neither_face(self) -> None:
        """``sms_core.presentation`` imports no CLI library and not the web app."""
        source = (PACKAGE / "presentation.py").read_text(encoding="utf-8")
        faces = [
            name
            for _, name in imported(source, names=False)
            if _is_cli_only(name) or name.startswith(("sms_core.web", "starlette"))
        ]
        assert [] == faces

    def test_importing_the_web_app_loads_no_cli(self) -> None:
        """In a fresh interpreter, every ``sms_core.web`` module imported leaves no CLI module.

        Catches what the source check cannot: a CLI module reached through another module.
        """
        code = (
            "import pkgutil, sys\n"
            "import sms_core.web\n"
            "from sms_core.web import create_web_app\n"
            "for info in pkgutil.walk_packages(sms_core.web.__path__, 'sms_core.web.'):\n"
            "    __import__(info.name)\n"
            "print(' '.join(sorted(sys.modules)))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
        )
        assert 0 == done.returncode, done.stderr
        loaded = done.stdout.split()
        assert "sms_core.web.audit" in loaded, "the check imported no screen"
        assert [] == [name for name in loaded if _is_cli_only(name)]

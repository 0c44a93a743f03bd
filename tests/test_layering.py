"""The services layer reaches the database through the store only.

Services hold the rules; the store (``sms_core.store``) owns SQLAlchemy: its statements, its
transactions and the mapping of its constraint errors to ``StoreConflict``. A service that
imports SQLAlchemy has moved a statement or a driver error out of the store.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sms_core.services

SERVICES = Path(sms_core.services.__file__).parent


def sqlalchemy_imports(source: str) -> list[str]:
    """Each ``import`` of SQLAlchemy (or one of its modules) in ``source``, as written."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [
            f"line {node.lineno}: {name}"
            for name in names
            if name == "sqlalchemy" or name.startswith("sqlalchemy.")
        ]
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

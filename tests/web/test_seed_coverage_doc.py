"""``docs/web-seed-coverage.md`` names only browser tests that exist.

The page maps each seed sentence that describes a screen to the browser test that checks it,
as ``test_browser.py::TestJourneys::test_…`` (files in ``tests/web/``). A test renamed or
removed without the page following would leave a sentence claimed but unchecked; this reads
the test files' syntax trees (no browser needed) and fails naming the stale reference.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "web-seed-coverage.md"
TESTS = ROOT / "tests" / "web"
#: A reference in the page: ``file.py::Class::test`` or ``file.py::test`` in backticks.
REFERENCE = re.compile(r"`(test_[a-z_]+\.py)::((?:Test[A-Za-z]+::)?test_[a-z0-9_]+)`")


def defined_tests(path: Path) -> set[str]:
    """The ``test_…`` functions of a module, as ``name`` or ``Class::name``."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            found.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            found.update(
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef) and item.name.startswith("test_")
            )
    return found


def test_every_named_browser_test_exists() -> None:
    references = REFERENCE.findall(PAGE.read_text(encoding="utf-8"))
    assert len(references) >= 40, "the page's table names fewer tests than it did"
    missing = sorted(
        f"{module}::{test}"
        for module, test in set(references)
        if not (TESTS / module).exists() or test not in defined_tests(TESTS / module)
    )
    assert [] == missing, f"docs/web-seed-coverage.md names tests that do not exist: {missing}"


def test_the_checker_finds_a_renamed_test(tmp_path: Path) -> None:
    module = tmp_path / "test_x.py"
    module.write_text(
        "class TestA:\n    def test_b(self):\n        pass\n\ndef test_c():\n    pass\n"
    )
    assert {"TestA::test_b", "test_c"} == defined_tests(module)
    assert [("test_x.py", "TestA::test_b")] == REFERENCE.findall("`test_x.py::TestA::test_b`")

"""The "write a carrier adapter" tutorial works as written, and its adapter passes the suite.

The page's code blocks follow the docs' convention: a ``python`` or ``toml`` block whose first
line is ``# file: <path>`` is written to that path in a fresh folder; every other ``python``
block runs, in order, in one namespace, with that folder as the working directory and on
``sys.path``; a ``test_*.py`` file written by the page then runs under pytest and must pass
with nothing skipped. In ``console`` blocks, ``$ pip install`` lines are checked (they name
distributions of this repository, with extras they have), not run; the page has no
``$ smsadmin`` line to run. The generic executor of every docs page follows the same rules.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).parents[1]
PAGE = ROOT / "docs" / "tutorials" / "write-a-carrier-adapter.md"

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)
_FILE = re.compile(r"#\s*file:\s*(?P<path>\S+)")
_SUMMARY = re.compile(r"^=*\s*(?P<summary>\d+ passed\b.*?)\s*=*$", re.MULTILINE)


@attrs.frozen(kw_only=True)
class Block:
    """One fenced code block of the page."""

    lang: str
    code: str
    line: int

    @property
    def target(self) -> str | None:
        """The file the block is written to, or ``None`` for a block to run."""
        first = self.code.split("\n", 1)[0]
        found = _FILE.fullmatch(first.strip())
        return found["path"] if found else None


def blocks(text: str) -> list[Block]:
    """The page's fenced blocks, in order."""
    return [
        Block(lang=found["lang"], code=found["code"], line=text.count("\n", 0, found.start()) + 1)
        for found in _FENCE.finditer(text)
    ]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The page's folder: the cwd and on sys.path; the page's modules forgotten afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("SMS_DATABASE_URL", f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}")
    monkeypatch.setenv("SMS_FAKE_STATE", str(tmp_path / "sandbox-carrier.sqlite3"))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules[name], "__file__", None) or ""
        if module_file.startswith(str(tmp_path)):
            del sys.modules[name]


def distributions() -> dict[str, set[str]]:
    """This repository's distributions by name, with their extras."""
    found = {}
    for pyproject in [ROOT / "pyproject.toml", *ROOT.glob("*/*/pyproject.toml")]:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        found[project["name"]] = set(project.get("optional-dependencies", {}))
    return found


class TestCarrierAdapterTutorial:
    """The tutorial's code runs, and the adapter it builds passes the contract suite."""

    def test_page_has_files_runs_and_a_test_module(self) -> None:
        """The page writes the distribution and its test, and runs code in between."""
        page = blocks(PAGE.read_text(encoding="utf-8"))
        written = {block.target for block in page if block.target}
        assert {
            "pyproject.toml",
            "sms_loopback/__init__.py",
            "sms_loopback/carrier.py",
            "sms_loopback/errors.py",
            "sms_loopback/adapter.py",
            "sms_loopback/testing.py",
            "tests/test_contract.py",
            "tests/test_adapter.py",
        } == written
        assert any(block.lang == "python" and block.target is None for block in page)

    def test_console_lines_install_this_repos_distributions(self) -> None:
        """Every ``$`` line is a pip install of a distribution (and extras) this repo has."""
        known = distributions()
        commands = [
            line.removeprefix("$ ")
            for block in blocks(PAGE.read_text(encoding="utf-8"))
            if block.lang == "console"
            for line in block.code.splitlines()
            if line.startswith("$ ")
        ]
        assert commands
        for command in commands:
            pip, install, *requirements = shlex.split(command)
            assert ("pip", "install") == (pip, install), command
            for requirement in map(Requirement, requirements):
                assert requirement.name in known, command
                assert requirement.extras <= known[requirement.name], command

    def test_blocks_run_and_contract_passes_without_skips(self, workdir: Path) -> None:
        """Every block runs in order; then the page's contract tests all pass, none skipped."""
        namespace: dict[str, object] = {"__name__": "__tutorial__"}
        for block in blocks(PAGE.read_text(encoding="utf-8")):
            if block.target is not None:
                path = workdir / block.target
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(block.code, encoding="utf-8")
            elif block.lang == "python":
                code = compile(block.code, f"{PAGE.name}:{block.line}", "exec")
                exec(code, namespace)  # running the page's own code is the test
        tests = sorted(str(path.relative_to(workdir)) for path in workdir.rglob("test_*.py"))
        assert tests, "the page writes no test module"
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *tests],
            cwd=workdir,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert 0 == result.returncode, result.stdout + result.stderr
        summary = _SUMMARY.search(result.stdout)
        assert summary, result.stdout
        assert "skipped" not in summary["summary"], result.stdout

"""No shipped module grows past 400 lines without saying why at its top.

A long module is often two responsibilities a newcomer would look for apart. Past
:data:`LIMIT` lines a module either splits along such a seam (re-exporting from its old home)
or opens with one comment sentence ``# Over 400 lines: <the reason>.`` that a reviewer can
judge, such as one table or one rule that reads best whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The line count past which a module states its reason.
LIMIT = 400
#: How the reason starts, on the module's first line.
MARK = "# Over 400 lines: "


def shipped_modules() -> list[Path]:
    """Every Python module the distributions ship: the core, each adapter's and plugin's package."""
    packages = [ROOT / "sms_core"]
    packages += sorted(ROOT.glob("adapters/*/sms_*")) + sorted(ROOT.glob("plugins/*/sms_*"))
    return sorted(path for package in packages for path in package.rglob("*.py"))


def unexplained(paths: list[Path], root: Path = ROOT) -> list[str]:
    """The modules over :data:`LIMIT` lines whose first line gives no reason, with their size."""
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        count = len(text.splitlines())
        if count > LIMIT and not text.startswith(MARK):
            found.append(f"{path.relative_to(root)} ({count} lines)")
    return found


class TestModuleSize:
    """Long modules are split or say why they are not."""

    def test_every_long_module_states_its_reason(self) -> None:
        """Each shipped module over 400 lines starts with ``# Over 400 lines: <reason>``."""
        paths = shipped_modules()
        assert len(paths) > 100, "the module scan found too few modules; check ROOT"
        assert [] == unexplained(paths), (
            "split these modules along a seam a newcomer expects (keeping the old import "
            f"path), or start each with one sentence '{MARK}<why>.'"
        )

    @pytest.mark.parametrize(
        ("text", "flagged"),
        [
            ("x = 1\n" * (LIMIT + 1), True),
            (f"{MARK}one table.\n" + "x = 1\n" * LIMIT, False),
            ("x = 1\n" * LIMIT, False),
        ],
    )
    def test_the_check_tells_long_from_explained(
        self, tmp_path: Path, text: str, flagged: bool
    ) -> None:
        """A long module without the mark is flagged; one with it, or a short one, is not."""
        probe = tmp_path / "probe.py"
        probe.write_text(text, encoding="utf-8")
        assert flagged == bool(unexplained([probe], root=tmp_path))

"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


class TestReadmeExamples:
    """Each python block of the README, run in a fresh folder with its own databases."""

    def test_there_are_examples(self) -> None:
        """The README shows the SDK in use."""
        assert 3 <= len(BLOCKS)

    @pytest.mark.parametrize("source", BLOCKS, ids=[f"block-{i}" for i in range(len(BLOCKS))])
    def test_example_runs(
        self, source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The block runs without error against a temporary database and sandbox."""
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("SMS_DATABASE_URL", f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}")
        monkeypatch.setenv("SMS_FAKE_STATE", str(tmp_path / "sandbox-carrier.sqlite3"))
        code = compile(source, f"README block in {tmp_path}", "exec")
        exec(code, {"__name__": "readme_example"})  # running our own documentation

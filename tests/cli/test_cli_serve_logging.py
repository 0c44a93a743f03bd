"""``smsadmin serve`` shows every core module's log lines, through the one ``sms_core`` logger."""

from __future__ import annotations

import ast
from pathlib import Path

from sms_core.cli import serve

ROOT = Path(__file__).parent.parent.parent


def _logging_modules() -> list[str]:
    """The core modules that create a logger (all with ``logging.getLogger(__name__)``)."""
    found = []
    for path in (ROOT / "sms_core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "getLogger"
        ]
        if calls:
            assert all(
                [ast.Name] == [type(arg) for arg in call.args]
                and isinstance(call.args[0], ast.Name)
                and "__name__" == call.args[0].id
                for call in calls
            ), f"{path}: name the logger after the module, getLogger(__name__)"
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found.append(module.removesuffix(".__init__"))
    return sorted(found)


class TestServeLogging:
    """The log configuration ``serve`` hands uvicorn covers every core logger."""

    def test_every_core_logger_is_shown(self) -> None:
        configured = serve._logging_config()["loggers"]
        modules = _logging_modules()
        assert "sms_core.plugins.activity" in modules  # the walk found the loggers
        uncovered = [
            module
            for module in modules
            if not any(module == name or module.startswith(f"{name}.") for name in configured)
        ]
        assert [] == uncovered

    def test_one_entry_for_the_core(self) -> None:
        configured = serve._logging_config()["loggers"]
        assert [serve.LOGGER_NAME] == [name for name in configured if name.startswith("sms_core")]

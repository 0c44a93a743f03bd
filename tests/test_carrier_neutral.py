"""``sms_core`` holds no carrier's names or error codes: carrier words stay in the adapters.

The core reasons in normalized values only (a registration failure's ``final`` flag, a keyword
class, ``RecipientOptedOutError``); an adapter translates its carrier's names, codes and
statuses into them. This test reads every ``.py`` and ``.toml`` file under ``sms_core/`` and
fails on a carrier's name or on a carrier error code's shape.

``sms_core/testing/`` is left out: it ships the carrier contract suite, whose fixtures and
assertions still speak the shipped adapters' codes (a delivery refused with 30034, an opt-out
refused with 21610) until the adapters hand the core normalized failure reasons, and its
docstrings name the shipped adapters as examples for adapter authors. It is test tooling, not
the runtime the core's behaviour rests on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sms_core"
EXCLUDED = (PACKAGE / "testing",)

#: Carriers' names, matched case-insensitively anywhere (``TwilioSettings`` included).
CARRIER_NAMES = re.compile(r"twilio|telnyx|bandwidth|vonage|plivo", re.IGNORECASE)
#: A carrier error code's shape: five digits starting 2 or 3 (``21610``, ``30885``, ``30893``),
#: standing alone, so version strings (``1.13.0``), dates (``2025-05-14``), ids and longer
#: numbers do not match.
ERROR_CODE = re.compile(r"(?<![\w.\-:/])[23][0-9]{4}(?![\w.\-:/])")
#: Five-digit numbers that are not carrier codes, each with the line text that holds it.
NOT_CODES = {
    # SQLite's busy timeout, in milliseconds.
    ("store/engine.py", 'cursor.execute("PRAGMA busy_timeout=30000")'),
}


def carrier_words(package: Path) -> list[str]:
    """Every line under ``package`` that names a carrier or holds a carrier code, as text."""
    found: list[str] = []
    for path in sorted(package.rglob("*")):
        if path.suffix not in {".py", ".toml"} or any(path.is_relative_to(e) for e in EXCLUDED):
            continue
        relative = path.relative_to(package).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if (relative, line.strip()) in NOT_CODES:
                continue
            if CARRIER_NAMES.search(line) or ERROR_CODE.search(line):
                found.append(f"sms_core/{relative}:{number}: {line.strip()}")
    return found


def test_sms_core_names_no_carrier_and_no_carrier_code() -> None:
    """No carrier word in the core; move behaviour to the adapter, cite industry sources."""
    found = carrier_words(PACKAGE)
    assert [] == found, (
        "carrier words in sms_core; let the adapter translate them into a normalized value, "
        "or reword the comment carrier-neutrally:\n" + "\n".join(found)
    )


def test_the_scan_reaches_the_package() -> None:
    """The scan reads the real package (an empty walk would pass for the wrong reason)."""
    assert (PACKAGE / "domain" / "registration.py").is_file()
    assert (PACKAGE / "services" / "sending.py").is_file()


@pytest.mark.parametrize(
    "line",
    [
        "A refusal for opt-out (Twilio 21610) also blocks",
        'FINAL_FAILURE_CODES = frozenset({"30885"})',
        "that contradict the samples (30889), missing policy pages",
        "(a Telnyx default).",
        "provider: The adapter's name (``'plivo'``).",
        "code=30893,",
    ],
)
def test_the_scan_catches_what_was_removed(tmp_path: Path, line: str) -> None:
    """Lines as they stood before the core was made carrier-neutral are caught."""
    (tmp_path / "module.py").write_text(f"# before\n{line}\n", encoding="utf-8")
    assert [f"sms_core/module.py:2: {line}"] == carrier_words(tmp_path)


@pytest.mark.parametrize(
    "line",
    [
        "The count follows the reference segment calculator (npm 1.3.0):",
        "REVOKE and OPTOUT added on 2025-05-14, after the FCC rule",
        "port: int = typer.Option(8000, min=0, max=65535)",
        "Search numbers by zip code: 94105, then 59801",
        "a claim older than 10_000 ms, or 12345678 bytes",
    ],
)
def test_the_scan_ignores_versions_dates_and_other_numbers(tmp_path: Path, line: str) -> None:
    """Versions, dates, ports, postal codes and long numbers are not carrier codes."""
    (tmp_path / "module.py").write_text(line + "\n", encoding="utf-8")
    assert [] == carrier_words(tmp_path)

"""``sms_core`` holds no carrier's names, codes or words: carrier words stay in the adapters.

The core reasons in normalized values only (a registration failure's ``final`` flag, a keyword
class, a failure reason, ``RecipientOptedOutError``); an adapter translates its carrier's
names, codes and statuses into them. This test reads every ``.py`` and ``.toml`` file under
``sms_core/``, the contract suite in ``sms_core/testing/`` included (it asserts on normalized
values and asks the adapter's driver for any carrier code it needs), and fails on a carrier's
name, on a carrier error code's shape, on a carrier's webhook field names, or on a carrier's
resource id.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sms_core"
EXCLUDED: tuple[Path, ...] = ()

#: Carriers' names, matched case-insensitively anywhere (``TwilioSettings`` included).
CARRIER_NAMES = re.compile(r"twilio|telnyx|bandwidth|vonage|plivo", re.IGNORECASE)
#: A carrier error code's shape: five digits starting 2 or 3 (``21610``, ``30885``, ``30893``),
#: standing alone, so version strings (``1.13.0``), dates (``2025-05-14``), ids and longer
#: numbers do not match.
ERROR_CODE = re.compile(r"(?<![\w.\-:/])[23][0-9]{4}(?![\w.\-:/])")
#: A carrier's webhook field names and status words that are no plain English, such as the
#: field naming the keyword a carrier acted on (``OptOutType``) or its message id fields.
CARRIER_WORDS = re.compile(
    r"\b(?:OptOutType|MessageSid|SmsSid|SmsStatus|MessageStatus|AccountSid|CallSid|ErrorCode)\b"
)
#: A carrier's resource id: two capital letters and 32 hex digits (``SM…``, ``MG…``, ``PN…``).
CARRIER_ID = re.compile(r"\b[A-Z]{2}[0-9a-fA-F]{32}\b")
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
            if any(
                pattern.search(line)
                for pattern in (CARRIER_NAMES, ERROR_CODE, CARRIER_WORDS, CARRIER_ID)
            ):
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
    assert (PACKAGE / "testing" / "contract" / "delivery.py").is_file()


@pytest.mark.parametrize(
    "line",
    [
        "A refusal for opt-out (Twilio 21610) also blocks",
        'FINAL_FAILURE_CODES = frozenset({"30885"})',
        "that contradict the samples (30889), missing policy pages",
        "(a Telnyx default).",
        "provider: The adapter's name (``'plivo'``).",
        "code=30893,",
        'assert "21610" == caught.value.code',
        '_REVIEW_FAILURE = ("The legal name does not match.", "30893")',
        'reported = fields.get("OptOutType", "").strip().upper()',
        'provider_message_id="SM1f0e8ba5e5d3b1c2d7a6f4e3c2b1a0f9",',
        "number_sid: The carrier's id, e.g. PN0123456789abcdef0123456789abcdef.",
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
        "An opt-out keyword (STOP, STOPALL, UNSUBSCRIBE) is the CTIA's, not one carrier's.",
        "the message's status, its error code and the SMS segments",
        "token = secrets.token_hex(16)  # 32 hex digits, no prefix",
    ],
)
def test_the_scan_ignores_versions_dates_and_other_numbers(tmp_path: Path, line: str) -> None:
    """Versions, dates, ports, postal codes, long numbers and plain words are not carrier words."""
    (tmp_path / "module.py").write_text(line + "\n", encoding="utf-8")
    assert [] == carrier_words(tmp_path)

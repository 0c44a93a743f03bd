# Over 400 lines: the input boundary is one place on purpose: every check of caller input and the
# column sizes the schema is built from.
"""The input boundary: what a caller may hand the SDK, checked before anything is stored.

Every public service checks its arguments here before it touches the database, so a value
the store cannot keep is refused the same way on SQLite and PostgreSQL (SQLite would keep a
name of any length, PostgreSQL refuses it mid-transaction) and the refusal names the field,
the value (shortened) and the limit.

The column sizes are written once, here; :mod:`sms_core.store.schema` builds its columns from
them, so the validator and the schema cannot drift apart.

What is checked:

* types: a text is a ``str``, a flag a ``bool`` (``"no"`` is not ``False``), a count an ``int``
  (not a ``bool``), a set of names an iterable of ``str`` but never one ``str`` (which would be
  read as its letters);
* characters: no NUL and no lone surrogate anywhere (neither database can store them); ids and
  names also have no control or invisible formatting characters, and at least one visible one;
* lengths: at most the column's size, in characters;
* ranges: integers within the column's type, durations within what a date can be moved by.
"""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from sms_core.exceptions import InvalidFieldError, SecretSettingError

if TYPE_CHECKING:
    from sms_core.domain import PhoneNumber

__all__ = [
    "ACCOUNT_NAME_LENGTH",
    "BODY_TEXT_LENGTH",
    "IDEMPOTENCY_KEY_COLUMN_LENGTH",
    "IDEMPOTENCY_KEY_LENGTH",
    "ID_LENGTH",
    "INT32_MAX",
    "LIST_LIMIT_MAX",
    "MAX_DURATION",
    "MESSAGE_ID_LENGTH",
    "NAME_LENGTH",
    "NUMBER_TEXT_LENGTH",
    "PAGE_SIZE_DEFAULT",
    "PAGE_SIZE_MAX",
    "PERMISSIONS_MAX",
    "PERMISSION_LENGTH",
    "REASON_LENGTH",
    "SETTING_KEY_LENGTH",
    "SETTING_VALUE_LENGTH",
    "URL_LENGTH",
    "body",
    "count",
    "duration",
    "flag",
    "form",
    "identifier",
    "identifiers",
    "names",
    "number",
    "optional_identifier",
    "provider_settings",
    "sequence_of",
    "shown",
    "text",
    "visible_text",
]

#: Ids of accounts, users, seats, lines, candidates and carriers' references.
ID_LENGTH = 64
#: A person's first or last name, and a seat's name.
NAME_LENGTH = 100
#: An account's (an agency's) display name.
ACCOUNT_NAME_LENGTH = 200
#: A privacy policy or terms and conditions URL.
URL_LENGTH = 2048
#: The SDK's own message ids.
MESSAGE_ID_LENGTH = 32
#: A carrier's error code as a delivery report or registration event gives it.
ERROR_CODE_LENGTH = 32
#: A caller's idempotency key; a mass text stores ``"{key}:{number}"``, so the column is wider.
IDEMPOTENCY_KEY_LENGTH = 160
#: The stored idempotency key: the caller's key, a colon and an E.164 number (at most 16).
IDEMPOTENCY_KEY_COLUMN_LENGTH = 200
#: A phone number as a person types it; no real one, however formatted, comes close.
NUMBER_TEXT_LENGTH = 64
#: One host permission name, and how many one user may hold (they are stored as JSON).
PERMISSION_LENGTH = 100
PERMISSIONS_MAX = 100
#: A provider setting's name and value (stored as JSON).
SETTING_KEY_LENGTH = 64
SETTING_VALUE_LENGTH = 2048
#: The largest value of a 32-bit ``INTEGER`` column (a seat's allowance).
INT32_MAX = 2**31 - 1
#: The most rows one list call returns.
LIST_LIMIT_MAX = 10_000
#: The rows a page of a paged list holds unless the caller asks for fewer or more, and the
#: most it may hold (``*_page`` methods, the CLI's ``--limit``).
PAGE_SIZE_DEFAULT = 100
PAGE_SIZE_MAX = 1000
#: The longest text body accepted at all; the host and carrier limits are checked later.
BODY_TEXT_LENGTH = 100_000
#: Why an admin did something (lifting an opt-out), as free text.
REASON_LENGTH = 2000
#: What shows a candidate's consent (a form's reference, a note of the call), as free text.
EVIDENCE_LENGTH = 2000
#: The longest span a caller may ask to look back (``reconcile(stale_after=...)``).
MAX_DURATION = timedelta(days=3660)

_T = TypeVar("_T")

# Unicode categories no reader sees: controls, formatting marks (zero-width space, BOM...)
# and lone surrogates. Unassigned code points pass: they may be emoji newer than Python's
# Unicode tables.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})
# The longest text inside a form; the form's lint has the tighter, per-field limits.
_FORM_TEXT_LENGTH = 10_000
# A value shown in an error is cut to this many characters.
_SHOWN = 40

# Setting names that say the value is a credential.
_SECRET_NAME = re.compile(
    r"token|secret|passw|pwd|credential|private_?key|signing_?key|api_?key"
    r"|(?:^|[_.-])auth(?:$|[_.-])",
    re.IGNORECASE,
)
# Values shaped like a credential whatever their name: a private key, an authorization header,
# a URL carrying a password, or a bare 128-, 160- or 256-bit hex string (how API tokens are
# commonly issued; carriers' resource ids carry a prefix, so they do not match).
_SECRET_SHAPES = (
    re.compile(r".*-----BEGIN [A-Z ]*PRIVATE KEY-----.*", re.DOTALL),
    re.compile(r"\s*(?:Bearer|Basic)\s+\S{8,}\s*", re.IGNORECASE),
    re.compile(r"[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@.*", re.IGNORECASE | re.DOTALL),
    re.compile(r"\s*(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})\s*", re.IGNORECASE),
)


def shown(value: object) -> str:
    """``value`` as an error message shows it: its ``repr``, cut to a readable length."""
    if isinstance(value, str) and len(value) > _SHOWN:
        return f"{value[:_SHOWN]!r}... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= _SHOWN + 2 else f"{text[:_SHOWN]}... (a {type(value).__name__})"


def _refuse(field: str, value: object, limit: str) -> InvalidFieldError:
    return InvalidFieldError.refused(field=field, value=shown(value), limit=limit)


def text(field: str, value: object, *, max_length: int, allow_empty: bool = True) -> str:
    """A ``str`` of at most ``max_length`` characters that either database can store.

    Free text (a message body, a reason): any printable or whitespace character, but no NUL
    and no lone surrogate.

    Raises:
        InvalidFieldError: When it is not text, is too long, or holds a NUL or lone surrogate.
    """
    if not isinstance(value, str):
        raise _refuse(field, value, "text (a str)")
    if len(value) > max_length:
        raise _refuse(field, value, f"at most {max_length} characters")
    if "\x00" in value:
        raise _refuse(field, value, "no NUL character")
    # ASCII text (most of it) holds no surrogate: the check per character is skipped.
    if not value.isascii() and any(unicodedata.category(char) == "Cs" for char in value):
        raise _refuse(field, value, "no lone surrogate (text that is not valid Unicode)")
    if not allow_empty and not value.strip():
        raise _refuse(field, value, "some visible text")
    return value


def visible_text(field: str, value: object, *, max_length: int, allow_empty: bool = False) -> str:
    """A name or label: text with visible characters and no invisible or control ones.

    Spaces are allowed; tabs, line breaks, zero-width characters and the like are not.

    Raises:
        InvalidFieldError: As :func:`text`, and when it holds an invisible character or (unless
            ``allow_empty``) no visible one.
    """
    checked = text(field, value, max_length=max_length, allow_empty=allow_empty)
    # In ASCII the only invisible characters are the controls, which are not printable.
    if (
        not checked.isprintable()
        if checked.isascii()
        else any(unicodedata.category(char) in _INVISIBLE for char in checked)
    ):
        raise _refuse(field, value, "visible characters and spaces only (no control characters)")
    return checked


def identifier(field: str, value: object, *, max_length: int = ID_LENGTH) -> str:
    """An id: visible text of at most ``max_length`` characters, without surrounding spaces.

    Raises:
        InvalidFieldError: When it is not such a text.
    """
    checked = visible_text(field, value, max_length=max_length)
    if checked != checked.strip():
        raise _refuse(field, value, "no spaces at the start or end")
    return checked


def optional_identifier(field: str, value: object, *, max_length: int = ID_LENGTH) -> str | None:
    """``None``, or an :func:`identifier`."""
    return None if value is None else identifier(field, value, max_length=max_length)


def identifiers(field: str, value: object, *, max_count: int = 1000) -> tuple[str, ...]:
    """A sequence of ids (users to put on a line): never a single ``str``.

    Raises:
        InvalidFieldError: When it is one text, not a sequence, too long, or an id is not one.
    """
    if isinstance(value, str):
        raise _refuse(field, value, f"a list of ids; for one, pass [{shown(value)}]")
    if isinstance(value, bytes) or not isinstance(value, Iterable):
        raise _refuse(field, value, "a list of ids, such as ['ann', 'bob']")
    items = list(value)
    if len(items) > max_count:
        raise _refuse(field, value, f"at most {max_count} ids")
    return tuple(identifier(f"{field}[{index}]", item) for index, item in enumerate(items))


def lookup_ids(field: str, value: object, *, max_count: int = LIST_LIMIT_MAX) -> tuple[str, ...]:
    """Ids to look up (the users a page names): any collection of texts, never one text.

    A lookup finds what exists, so unlike :func:`identifiers` a text that cannot be an id (too
    long, spaces around it) is no error: it names nothing and is left out, as are repeats.

    Raises:
        InvalidFieldError: When it is one text, not a collection, holds more than
            ``max_count`` items, or an item is not a ``str``.
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise _refuse(field, value, "a collection of ids, such as ['ann', 'bob']")
    items = list(value)
    if len(items) > max_count:
        raise _refuse(field, value, f"at most {max_count} ids")
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise _refuse(f"{field}[{index}]", item, "an id, such as 'ann'")
    return tuple(
        item
        for item in dict.fromkeys(items)
        if item and len(item) <= ID_LENGTH and item == item.strip()
    )


def sequence_of(field: str, value: object, kind: type[_T], example: str) -> list[_T]:
    """A list or tuple of ``kind`` items (a mass text's recipients), never one text.

    Raises:
        InvalidFieldError: When it is not a sequence, or an item is not a ``kind``.
    """
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise _refuse(field, value, f"a list of {kind.__name__}")
    for index, item in enumerate(value):
        if not isinstance(item, kind):
            raise _refuse(f"{field}[{index}]", item, example)
    return list(value)


def count(
    field: str,
    value: object,
    *,
    minimum: int = 0,
    maximum: int = INT32_MAX,
    unit: str = "",
) -> int:
    """A whole number from ``minimum`` to ``maximum`` (a ``bool`` is not one).

    Args:
        unit: What is counted, for the message (``"messages"``).

    Raises:
        InvalidFieldError: When it is not an ``int`` or is out of range.
    """
    what = f"a whole number of {unit}" if unit else "a whole number"
    # Not a bool, a float or text either.
    if type(value) is not int or not minimum <= value <= maximum:
        raise _refuse(field, value, f"{what} from {minimum} to {maximum}")
    return value


def flag(field: str, value: object) -> bool:
    """``True`` or ``False`` themselves: ``"no"``, ``0`` or ``None`` are refused, not guessed.

    Raises:
        InvalidFieldError: When it is not a ``bool``.
    """
    if not isinstance(value, bool):
        raise _refuse(field, value, "True or False")
    return value


def duration(field: str, value: object, *, maximum: timedelta = MAX_DURATION) -> timedelta:
    """A ``timedelta`` from zero to ``maximum``.

    Raises:
        InvalidFieldError: When it is not a ``timedelta`` or is out of range.
    """
    if not isinstance(value, timedelta):
        raise _refuse(field, value, "a datetime.timedelta")
    if not timedelta(0) <= value <= maximum:
        raise _refuse(field, value, f"from 0 to {maximum.days} days")
    return value


def names(
    field: str,
    value: object,
    *,
    max_length: int = PERMISSION_LENGTH,
    max_count: int = PERMISSIONS_MAX,
) -> frozenset[str]:
    """A collection of names (a user's permissions): never a single ``str``.

    Raises:
        InvalidFieldError: When it is one text, not iterable, too many, or a name is not a
            visible text.
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise _refuse(field, value, "a list of names, such as ['Marketplace Admin']")
    items = list(value)
    if len(items) > max_count:
        raise _refuse(field, value, f"at most {max_count} names")
    return frozenset(
        visible_text(f"{field}[{index}]", item, max_length=max_length)
        for index, item in enumerate(items)
    )


def form(field: str, value: object, kind: type[object]) -> None:
    """Check a form (an ``attrs`` value such as a registration form) against its annotations.

    Every field must hold what its annotation says (``attrs`` does not check): text where
    ``str`` is declared, ``True``/``False`` where ``bool`` is, a tuple of texts for
    ``tuple[str, ...]``, and so on into nested forms; every text must be storable (no NUL, no
    lone surrogate). Lengths and wording are the form's own rules (its lint).

    Raises:
        InvalidFieldError: When ``value`` is not a ``kind``, or a field holds the wrong type or
            text that cannot be stored.
    """
    if not isinstance(value, kind):
        raise _refuse(field, value, f"a {kind.__name__}")
    _conform(field, value, kind)


def _conform(field: str, value: object, hint: Any) -> None:
    """Refuse ``value`` unless it is what the annotation ``hint`` declares."""
    if hint is str:
        text(field, value, max_length=_FORM_TEXT_LENGTH)
    elif hint is bool:
        flag(field, value)
    elif hint is int:
        count(field, value, minimum=-INT32_MAX - 1)
    elif typing.get_origin(hint) in (typing.Union, types.UnionType):
        _conform_union(field, value, typing.get_args(hint))
    elif typing.get_origin(hint) is tuple:
        if not isinstance(value, tuple):
            raise _refuse(field, value, "a tuple")
        for index, item in enumerate(value):
            _conform(f"{field}[{index}]", item, typing.get_args(hint)[0])
    elif isinstance(hint, type):
        _conform_class(field, value, hint)
    # Any other shape is one the forms do not use: nothing more to check.


def _conform_union(field: str, value: object, options: tuple[Any, ...]) -> None:
    if value is None and type(None) in options:
        return
    kinds = [option for option in options if option is not type(None)]
    if len(kinds) == 1:
        _conform(field, value, kinds[0])
    elif not any(isinstance(value, typing.get_origin(kind) or kind) for kind in kinds):
        raise _refuse(field, value, f"one of {', '.join(map(str, kinds))}")


def _conform_class(field: str, value: object, kind: type[object]) -> None:
    if not isinstance(value, kind):
        raise _refuse(field, value, f"a {kind.__name__}")
    if isinstance(value, str):  # an enum of text
        text(field, value, max_length=_FORM_TEXT_LENGTH)
    if attrs.has(kind):
        hints = typing.get_type_hints(kind)
        for attribute in attrs.fields(kind):
            name = attribute.name
            _conform(f"{field}.{name}", getattr(value, name), hints[name])


def body(field: str, value: object) -> str:
    """A text's body: a ``str`` of at most ``BODY_TEXT_LENGTH`` characters.

    Its characters and the host's length limit are the send's own checks, which say where
    the unprintable character is.

    Raises:
        InvalidFieldError: When it is not text or is far too long for any text.
    """
    if not isinstance(value, str):
        raise _refuse(field, value, "text (a str)")
    if len(value) > BODY_TEXT_LENGTH:
        raise _refuse(field, value, f"at most {BODY_TEXT_LENGTH} characters")
    return value


def number(field: str, value: object) -> str | PhoneNumber:
    """A phone number as given: a ``PhoneNumber``, or text short enough to be one.

    Parsing (and refusing what is not a number) stays with :class:`PhoneNumber`.

    Raises:
        InvalidFieldError: When it is neither, too long, or holds a NUL or lone surrogate.
    """
    # Imported here: the command line's options take the column sizes from this module, and
    # listing a command group's help must not load the domain (issue 14's start-up).
    from sms_core.domain import PhoneNumber  # noqa: PLC0415

    if isinstance(value, PhoneNumber):
        return value
    return text(field, value, max_length=NUMBER_TEXT_LENGTH)


def provider_settings(value: object) -> dict[str, str]:
    """Non-secret carrier settings: names and values of text, no credential among them.

    A setting named like a credential (``auth_token``, ``api_secret``, ``password``...) or
    whose value is shaped like one is refused without showing the value: secrets come from
    the environment (or the host), and are never stored or echoed.

    Raises:
        SecretSettingError: When a setting looks like a secret.
        InvalidFieldError: When the settings are not a mapping of short texts.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _refuse("provider_settings", value, "a mapping of setting names to texts")
    settings: dict[str, str] = {}
    for key, setting in value.items():
        name = identifier("provider_settings key", key, max_length=SETTING_KEY_LENGTH)
        if _SECRET_NAME.search(name):
            raise SecretSettingError.looks_secret(name, "its name says it is a credential")
        if not isinstance(setting, str):
            # The value is not shown: it may be a secret in another form.
            raise InvalidFieldError.refused(
                field=f"provider_settings[{name!r}]",
                value=f"a {type(setting).__name__}",
                limit="text (a str)",
            )
        if any(shape.fullmatch(setting) for shape in _SECRET_SHAPES):
            raise SecretSettingError.looks_secret(name, "its value is shaped like a credential")
        try:
            settings[name] = text(
                f"provider_settings[{name!r}]", setting, max_length=SETTING_VALUE_LENGTH
            )
        except InvalidFieldError as err:
            # Said without the value, which may be a secret in another form.
            raise InvalidFieldError.refused(
                field=err.field, value=f"a text of {len(setting)} characters", limit=err.limit
            ) from None
    return settings

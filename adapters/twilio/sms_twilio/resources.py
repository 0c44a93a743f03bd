"""Reading the ``twilio`` package's resources, whose attributes carry no type hints."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

__all__ = ["optional_text", "required_text", "timestamp"]


def optional_text(value: Any) -> str | None:
    """A field as text; ``None`` for a missing or empty one."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def required_text(resource: Any, name: str) -> str:
    """A field every answer of its kind has (a ``sid``, a ``status``).

    Raises:
        ValueError: When Twilio's answer lacks it, which means the API changed.
    """
    text = optional_text(getattr(resource, name, None))
    if text is None:
        raise ValueError(f"Twilio's {type(resource).__name__} answer has no {name!r}")
    return text


def timestamp(value: Any) -> datetime | None:
    """A date the package parsed (RFC 2822 or ISO 8601), made timezone-aware in UTC."""
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

"""Merge fields: the one table of the fields a template may use, and how a body is filled in.

A template's body is text with merge fields in braces, such as ``{candidate.first_name}``;
``{{`` and ``}}`` stand for a literal brace. Only the fields of :data:`MERGE_FIELDS` exist, each
with the most characters a template must leave room for (:attr:`MergeField.max_length`): a
template is saved only when its body, with every field at that length, fits the host's limit.

The maxima are chosen to cover nearly every real value while leaving a one-segment text room
to say something: a first name 20 characters, a last name 25 (long and hyphenated surnames),
the agency's name 40 (the display name a brand registers, not its legal name with suffixes),
a job title 40 (a title as job boards show it). A longer value is still accepted when sending:
the text it makes is checked like any other, and one that no longer fits refuses the whole
mass text naming its recipient.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from sms_core.exceptions import TemplateError

__all__ = ["MERGE_FIELDS", "MergeField", "fields_of", "longest_rendering", "render"]


@attrs.frozen
class MergeField:
    """One merge field a template may use.

    Attributes:
        name: As written in a body, between braces (``"candidate.first_name"``).
        max_length: The most characters a template must leave room for.
        description: What the caller fills it with.
    """

    name: str
    max_length: int
    description: str


#: Every merge field, by name: the one place they are listed.
MERGE_FIELDS: Mapping[str, MergeField] = {
    field.name: field
    for field in (
        MergeField("candidate.first_name", 20, "the candidate's first name"),
        MergeField("candidate.last_name", 25, "the candidate's last name"),
        MergeField("recruiter.first_name", 20, "the sending recruiter's first name"),
        MergeField("recruiter.last_name", 25, "the sending recruiter's last name"),
        MergeField("agency.name", 40, "the agency's name as candidates know it"),
        MergeField("job.title", 40, "the job's title"),
    )
}

# A literal brace (doubled), a field in braces, or a lone brace (malformed).
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_FIELD_NAME = re.compile(r"[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*")


def fields_of(body: str) -> tuple[str, ...]:
    """The merge fields ``body`` uses, in order of first use.

    Raises:
        TemplateError: Naming the first field that is malformed (an unclosed or stray brace,
            an empty or misspelt name) or unknown, with its position (1-based).
    """
    found: dict[str, None] = {}
    for match in _TOKEN.finditer(body):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        position = match.start() + 1
        if name is None or not _FIELD_NAME.fullmatch(name):
            raise TemplateError.malformed_field(token, position)
        if name not in MERGE_FIELDS:
            raise TemplateError.unknown_field(name, position, tuple(MERGE_FIELDS))
        found[name] = None
    return tuple(found)


def render(body: str, values: Mapping[str, str]) -> str:
    """``body`` with each field replaced by its value and doubled braces made single.

    Raises:
        TemplateError: When ``body`` is malformed (see :func:`fields_of`), or a field it
            uses has no value in ``values``.
    """
    fields_of(body)

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        value = values.get(name)
        if value is None:
            raise TemplateError.missing_value(name)
        return value

    return _TOKEN.sub(fill, body)


def longest_rendering(body: str) -> str:
    """``body`` with every field at its maximum length (``x`` repeated): its longest text.

    Raises:
        TemplateError: When ``body`` is malformed or uses an unknown field.
    """
    return render(body, {name: "x" * field.max_length for name, field in MERGE_FIELDS.items()})

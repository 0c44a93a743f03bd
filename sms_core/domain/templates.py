"""Templates: an account's saved texts with merge fields, and a recipient's merge values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from sms_core.domain.phone import PhoneNumber

__all__ = ["Template", "TemplateRecipient"]


@attrs.frozen(kw_only=True)
class Template:
    """A saved text of the account, with merge fields (see :mod:`sms_core.templating`).

    Attributes:
        id: The SDK's id for it.
        name: Unique in the account; how recruiters pick it.
        body: The text, with merge fields such as ``{candidate.first_name}``.
        sample_compliant: Whether it is the campaign's sample wording: it names the brand and
            tells the candidate how to opt out (checked when saved).
        created_by: The user who added it.
        updated_by: The user who changed it last.
    """

    id: str
    name: str
    body: str
    sample_compliant: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@attrs.frozen(kw_only=True)
class TemplateRecipient:
    """One candidate of a template mass text, with their own merge values.

    Attributes:
        candidate_id: The host's id for the candidate, when the text goes to a known one.
        number: The candidate's number as typed; US numbers need no ``+1``.
        values: Merge values for this candidate (``{"candidate.first_name": "Alice"}``);
            they win over the values given for every recipient.
    """

    candidate_id: str | None
    number: str | PhoneNumber
    values: Mapping[str, str] = attrs.field(factory=dict)

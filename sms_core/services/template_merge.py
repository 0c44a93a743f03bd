"""A template merged per recipient: the values checked, the defaults, one text request each.

Shared by :meth:`Templates.send <sms_core.services.templates.Templates.send>` and
:meth:`Templates.check_send <sms_core.services.templates.Templates.check_send>`, so what a
send refuses whole is refused the same way when only asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sms_core import inputs
from sms_core.domain import Recipient, TemplateRecipient, User
from sms_core.exceptions import InvalidFieldError, TemplateError
from sms_core.services.send_plan import TextRequest
from sms_core.templating import MERGE_FIELDS, fields_of, render

__all__ = ["checked_values", "merged_requests"]


def checked_values(field: str, values: object) -> dict[str, str]:
    """Merge values checked: known fields, text values."""
    if not isinstance(values, Mapping):
        raise InvalidFieldError.refused(
            field=field, value=inputs.shown(values), limit="a mapping of merge field to text"
        )
    checked = {}
    for name, value in values.items():
        if name not in MERGE_FIELDS:
            raise TemplateError.unknown_field(str(name), None, tuple(MERGE_FIELDS))
        # Bounded only as any body is: a value that makes a text too long is refused with the
        # recipient's name and the text's length when the texts are checked.
        checked[name] = inputs.text(f"{field}[{name!r}]", value, max_length=inputs.BODY_TEXT_LENGTH)
    return checked


def merged_requests(
    body: str,
    recipients: Sequence[TemplateRecipient],
    values: Mapping[str, str] | None,
    *,
    agency: str,
    sender: User | None,
) -> list[TextRequest]:
    """Each recipient's text: the body rendered with the defaults, ``values`` and their own.

    ``{agency.name}`` defaults to ``agency`` and the recruiter's fields to ``sender``'s names;
    ``values`` override those, and each recipient's own values override both.

    Raises:
        TemplateError: When a value is missing for a field the body uses (naming the
            recipient), or given for a field that does not exist.
        InvalidFieldError: When values are not a mapping of field to text.
    """
    common = checked_values("values", values or {})
    own = [checked_values(f"recipients[{i}].values", r.values) for i, r in enumerate(recipients)]
    defaults = {"agency.name": agency}
    if sender is not None:
        defaults |= {
            "recruiter.first_name": sender.first_name,
            "recruiter.last_name": sender.last_name,
        }
    requests = []
    for recipient, values_of in zip(recipients, own, strict=True):
        merged = {**defaults, **common, **values_of}
        missing = [name for name in fields_of(body) if name not in merged]
        if missing:
            raise TemplateError.missing_value(missing[0], recipient=str(recipient.number))
        to = Recipient(candidate_id=recipient.candidate_id, number=recipient.number)
        requests.append(TextRequest(recipient=to, body=render(body, merged)))
    return requests

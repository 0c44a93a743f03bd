"""The *Templates* screen: the account's saved texts with merge fields, added, edited, removed.

A page of the account's templates by name (``templates.list_page``, :data:`PAGE_SIZE` at a
time), each with its body and whether it is the campaign's sample wording. Reading them needs
the host's texting permission; adding, editing and removing them need what the service asks
(``templates.may_manage`` says beforehand, so only those who may see the buttons; anyone else
posting meets the service's refusal with the host's reason).

A template the service refuses (a malformed or unknown merge field, named with its position; a
body that could exceed the host's limit once merged; a sample-wording template without the
brand's name or the opt-out line; a name already taken) is shown again with the refusal's
message and the form as it was filled in; nothing was saved. The body has the composer's live
counter (``/templates/check``): its length, and with merge fields the longest a merge can make
it (:func:`sms_core.templating.longest_rendering`, the figure the service checks) against the
host's limit, or the field the service would refuse with its position.

Removing a template asks first (a confirmation page whose form posts). Templates are named by
id in paths; another account's id is no template of this account (404).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from sms_core import inputs
from sms_core.domain import Template, TemplateRecipient
from sms_core.exceptions import (
    AlreadyExistsError,
    InvalidInputError,
    PermissionDeniedError,
    SmsError,
    TemplateError,
)
from sms_core.segments import analyze
from sms_core.templating import MERGE_FIELDS, fields_of, longest_rendering
from sms_core.web.views import ERROR_STATUS, PAGE_SIZE, Given, Redirect, Screen, Visit, endpoint

__all__ = ["DONE", "ROUTES", "merge_figures", "template_choice", "template_recipients_of"]

#: What a finished action says, by the ``done`` the redirect carries.
DONE = {
    "created": "The template was added.",
    "updated": "The template was saved.",
    "deleted": "The template was removed; texts sent from it keep their words.",
}

_TITLE = "Templates"


def merge_figures(body: str, *, strict: bool = False) -> dict[str, Any]:
    """What a body's merge fields may make of it: the fields and its longest merged text.

    ``longest`` (characters) and ``longest_analysis`` (segments) are ``None`` for a body
    without fields. A malformed or unknown field is the ``merge_refusal`` (with its position)
    when ``strict`` (a template's body); in a text sent as written, braces are only
    characters, so it is not refused there.
    """
    figures: dict[str, Any] = {
        "fields": (),
        "longest": None,
        "longest_analysis": None,
        "merge_refusal": "",
    }
    try:
        fields = fields_of(body)
    except TemplateError as err:
        if strict:
            figures["merge_refusal"] = str(err)
        return figures
    if fields:
        longest = longest_rendering(body)
        figures.update(fields=fields, longest=len(longest), longest_analysis=analyze(longest))
    return figures


def template_choice(visit: Visit, chosen: str) -> dict[str, Any]:
    """The composer's and the mass text's Template choice: the templates and the chosen one.

    The choice lists the first ``PAGE_SIZE_DEFAULT`` templates by name (``more_templates``
    says when there are more, which the Templates screen pages through). A user the service
    does not let read templates gets no choice; a chosen id the account does not have is a
    ``TemplateNotFoundError`` (404), as on the Templates screen.
    """
    try:
        page = visit.account.templates.list_page(visit.actor_id, limit=inputs.PAGE_SIZE_DEFAULT)
    except PermissionDeniedError:
        return {"templates": (), "more_templates": False, "template": None}
    template = visit.account.templates.get(visit.actor_id, chosen) if chosen else None
    return {
        "templates": page.items,
        "more_templates": page.next_cursor is not None,
        "template": template,
        **merge_figures(template.body if template is not None else ""),
    }


def template_recipients_of(text: str) -> list[TemplateRecipient]:
    """The recipients of a template mass text, one a line, each with their merge values.

    A line is ``candidate id, number`` (or the number alone) then ``field=value`` pairs:
    ``cand-7, (512) 555-0142, candidate.first_name=Ana, job.title=Nurse``. A part without
    ``=`` after a pair continues that value (a value may hold a comma). Blank lines are
    skipped; the service checks the numbers and the fields (an unknown one is refused).
    """
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        head: list[str] = []
        values: dict[str, str] = {}
        last = ""
        for part in line.split(","):
            name, equals, value = part.partition("=")
            if equals:
                last = name.strip()
                values[last] = value.strip()
            elif last:
                values[last] += "," + part.rstrip()
            else:
                head.append(part.strip())
        if len(head) > 1:
            candidate, number = head[0], ", ".join(head[1:])
        else:
            candidate, number = "", "".join(head)
        found.append(
            TemplateRecipient(candidate_id=candidate or None, number=number, values=values)
        )
    return found


def listing(visit: Visit, given: Given) -> Screen:
    """A page of the account's templates, with the buttons the user may use."""
    cursor = given.query.get("cursor") or None
    page = visit.account.templates.list_page(visit.actor_id, limit=PAGE_SIZE, cursor=cursor)
    return Screen(
        template="message_templates.html",
        context={
            "page": page,
            "cursor": cursor,
            "may_manage": visit.account.templates.may_manage(visit.actor_id),
            "done": DONE.get(given.query.get("done", "")),
        },
        title=_TITLE,
    )


def new(visit: Visit, given: Given) -> Screen:
    """The empty form for a new template."""
    return _form(visit, None, name="", body="", sample=False)


def create(visit: Visit, given: Given) -> Screen | Redirect:
    """Add the template; a refused one is shown again, filled in, with the reason."""
    name, body, sample = _posted(given)
    try:
        visit.account.templates.create(
            visit.actor_id, name=name, body=body, sample_compliant=sample
        )
    except (InvalidInputError, AlreadyExistsError) as err:
        return _form(visit, None, name=name, body=body, sample=sample, refusal=err)
    return Redirect(to="/templates?done=created")


def edit(visit: Visit, given: Given) -> Screen:
    """The form filled with the template as saved."""
    found = visit.account.templates.get(visit.actor_id, given.path["template_id"])
    return _form(visit, found, name=found.name, body=found.body, sample=found.sample_compliant)


def update(visit: Visit, given: Given) -> Screen | Redirect:
    """Save the changed template; a refused change is shown again, filled in, with the reason."""
    found = visit.account.templates.get(visit.actor_id, given.path["template_id"])
    name, body, sample = _posted(given)
    try:
        visit.account.templates.update(
            visit.actor_id, found.id, name=name, body=body, sample_compliant=sample
        )
    except (InvalidInputError, AlreadyExistsError) as err:
        return _form(visit, found, name=name, body=body, sample=sample, refusal=err)
    return Redirect(to="/templates?done=updated")


def confirm_delete(visit: Visit, given: Given) -> Screen:
    """Ask before removing the template."""
    found = visit.account.templates.get(visit.actor_id, given.path["template_id"])
    return Screen(
        template="confirm_delete_template.html",
        context={"template": found},
        title=f"Remove the template {found.name}?",
    )


def delete(visit: Visit, given: Given) -> Redirect:
    """Remove the template (the confirmation's form posts here)."""
    found = visit.account.templates.get(visit.actor_id, given.path["template_id"])
    visit.account.templates.delete(visit.actor_id, found.id)
    return Redirect(to="/templates?done=deleted")


def check(visit: Visit, given: Given) -> Screen:
    """The template form's live counter: length, the longest merge, the field refused."""
    body = given.field("body")
    limit = visit.account.templates.body_limit()
    return Screen(
        template="texting_check.html",
        context={
            "length": len(body),
            "limit": limit,
            "analysis": analyze(body),
            "refusal": "",
            **merge_figures(body, strict=True),
        },
        title="Check",
    )


def _posted(given: Given) -> tuple[str, str, bool]:
    return given.field("name"), given.field("body"), given.field("sample_compliant") == "on"


def _form(
    visit: Visit,
    template: Template | None,
    *,
    name: str,
    body: str,
    sample: bool,
    refusal: SmsError | None = None,
) -> Screen:
    """The add or edit form, as filled in, with the service's refusal when there is one."""
    return Screen(
        template="message_template_form.html",
        context={
            "template": template,
            "name": name,
            "body": body,
            "sample": sample,
            "refused": str(refusal) if refusal is not None else "",
            "refusal": "",  # the counter's: a template is not a text to one number
            "merge_fields": MERGE_FIELDS.values(),
            "length": len(body),
            "limit": visit.account.templates.body_limit(),
            "analysis": analyze(body) if body else None,
            # After a refusal the alert above the form says what the counter would.
            **merge_figures(body, strict=refusal is None),
        },
        title=f"Edit {template.name}" if template is not None else "New template",
        status=_status(refusal) if refusal is not None else 200,
    )


def _status(err: SmsError) -> int:
    return next(code for kind, code in ERROR_STATUS if isinstance(err, kind))


ROUTES = [
    Route("/templates", endpoint(listing), name="templates"),
    Route("/templates", endpoint(create), methods=["POST"], name="templates-create"),
    Route("/templates/new", endpoint(new), name="templates-new"),
    Route("/templates/check", endpoint(check), methods=["POST"], name="templates-check"),
    Route("/templates/{template_id}/edit", endpoint(edit), name="templates-edit"),
    Route("/templates/{template_id}", endpoint(update), methods=["POST"], name="templates-update"),
    Route("/templates/{template_id}/delete", endpoint(confirm_delete), name="templates-confirm"),
    Route(
        "/templates/{template_id}/delete",
        endpoint(delete),
        methods=["POST"],
        name="templates-delete",
    ),
]

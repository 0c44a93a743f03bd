"""The *Mass text* screen: one body to up to the host's cap of candidates, each outcome shown.

Recipients are typed or pasted one a line, as ``candidate id, number`` or a number alone
(numbers travel in the form's body, never in a URL). The body has the composer's counter
(``/texting/check``). Sending calls ``messages.send_mass``, which checks every recipient on its
own (opt-out, quiet hours, a number that is not one) and refuses the whole text, sending
nothing, over the host's cap (``TooManyRecipientsError``: the page shows its message). The
result lists every recipient's outcome, sent or refused with the reason, under a bar of how
many were sent; while the request runs, the form shows a progress bar (htmx's indicator).
The form carries an idempotency key minted when it was drawn, so a resubmission reaches only
the recipients not reached before.

A *Template* choice (``?template=<id>``) fills the body with a saved template's text; the
recipients then carry their merge values (``field=value`` after the number, see
:func:`~sms_core.web.templates_screen.template_recipients_of`) and ``templates.send`` merges
each recipient's text, as ``smsadmin templates send`` does. The outcomes show each text as
merged; a merge that makes one text too long refuses the whole mass text naming that
recipient and the text's length (the service's rule), and nothing is sent.
"""

from __future__ import annotations

import uuid

from starlette.routing import Route

from sms_core.domain import Recipient, RecipientStatus
from sms_core.web.templates_screen import template_choice, template_recipients_of
from sms_core.web.views import Given, Screen, Visit, endpoint

__all__ = ["ROUTES", "recipients_of"]

#: Each outcome in the screen's words, with its icon and colour class.
OUTCOMES = {
    RecipientStatus.SENT: ("✔", "Sent", "status-ok"),
    RecipientStatus.REFUSED: ("⛔", "Refused", "status-bad"),
    RecipientStatus.FAILED: ("✘", "Failed", "status-bad"),
}


def recipients_of(text: str) -> list[Recipient]:
    """The recipients typed one a line (``candidate id, number`` or a number), blanks skipped."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        candidate, comma, number = line.partition(",")
        if comma:
            found.append(Recipient(candidate_id=candidate.strip() or None, number=number.strip()))
        else:
            found.append(Recipient(candidate_id=None, number=line.strip()))
    return found


def form(visit: Visit, given: Given) -> Screen:
    """The empty form, with the host's cap and a fresh idempotency key; ``?template=`` fills it."""
    context = _context(visit, "", "")
    context.update(template_choice(visit, given.query.get("template", "")))
    return Screen(template="mass_text.html", context=context, title="Mass text")


def send(visit: Visit, given: Given) -> Screen:
    """Send to every recipient that passes its checks; show each one's outcome."""
    text, body = given.field("recipients"), given.field("body")
    key, template = given.field("idempotency_key") or None, given.field("template")
    if template:  # each recipient's text merged by the service, as the CLI sends it
        result = visit.account.templates.send(
            visit.actor_id, template, template_recipients_of(text), idempotency_key=key
        )
    else:
        result = visit.account.messages.send_mass(
            visit.actor_id, recipients_of(text), body, idempotency_key=key
        )
    context = _context(visit, text, body)
    context.update(template_choice(visit, template))
    context.update(result=result, outcomes=OUTCOMES)
    return Screen(template="mass_text.html", context=context, title="Mass text")


def _context(visit: Visit, recipients: str, body: str) -> dict[str, object]:
    return {
        "cap": visit.account.messages.mass_text_cap(),
        "recipients": recipients,
        "body": body,
        "result": None,
        "idempotency_key": uuid.uuid4().hex,
    }


ROUTES = [
    Route("/mass-text", endpoint(form), name="mass-text"),
    Route("/mass-text", endpoint(send), methods=["POST"], name="mass-text-send"),
]

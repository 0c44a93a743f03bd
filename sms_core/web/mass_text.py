"""The *Mass text* screen: one body to up to the host's cap of candidates, each outcome live.

Recipients are typed or pasted one a line, as ``candidate id, number`` or a number alone
(numbers travel in the form's body, never in a URL). The body has the composer's counter
(``/texting/check``). Sending first asks ``messages.check_mass``: over the host's cap
(``TooManyRecipientsError``), a body too long, or a user who may not text refuses the whole
text at once, the page shows the message, and nothing is sent. Otherwise the mass text starts
in the background (:mod:`sms_core.web.mass_runs`, where the design is written down) and the
POST redirects to ``/mass-text?run=<id>``: the page lists every recipient, waiting in its
row until its outcome is settled (sent, refused with its reason, failed), under a
``<progress>`` and "N of M done" in a polite ``role=status`` region, by polling
``/mass-text/runs/<id>`` every second (htmx, no script of its own); at the end, the totals.
Each recipient is checked by ``messages.send_mass`` on its own (opt-out, quiet hours, a number
that is not one).

The form carries an idempotency key minted when it was drawn: sending it twice reaches no one
twice (while the first is running, the second shows the first's progress). A page whose mass
text is still running, was refused or stopped keeps the form filled, with the same key, so
sending it again reaches only the recipients not reached before. Only the user who sent a mass
text can read its progress; another user's or account's run id is a 404.

A *Template* choice (``?template=<id>``) fills the body with a saved template's text; the
recipients then carry their merge values (``field=value`` after the number, see
:func:`~sms_core.web.templates_screen.template_recipients_of`) and ``templates.send`` merges
each recipient's text in the background run, as ``smsadmin templates send`` does. The outcomes
show each text as merged; what refuses a template mass text whole (over the cap, a missing
value, a merge that makes one text too long, naming that recipient and the text's length: the
service's rules) is refused at once by ``templates.check_send``, and nothing is sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sms_core.domain import Recipient, RecipientStatus
from sms_core.web.mass_runs import MassRuns, RunState, RunView, runs_of
from sms_core.web.templates_screen import template_choice, template_recipients_of
from sms_core.web.views import Endpoint, Given, Redirect, Screen, Visit, endpoint

__all__ = ["OUTCOMES", "ROUTES", "recipients_of"]

#: Each outcome in the screen's words, with its icon and colour class.
OUTCOMES = {
    RecipientStatus.SENT: ("✔", "Sent", "status-ok"),
    RecipientStatus.REFUSED: ("⛔", "Refused", "status-bad"),
    RecipientStatus.FAILED: ("✘", "Failed", "status-bad"),
    RecipientStatus.PENDING: ("⏳", "Still being sent", "status-info"),
}

#: A recipient whose outcome is not known yet, in the same shape.
WAITING = ("⌛", "Waiting", "status-muted")

#: How often the page asks for the progress of a running mass text (htmx's trigger).
POLL_EVERY = "1s"

RunsView = Callable[[MassRuns, Visit, Given], Screen | Redirect]


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


def form(runs: MassRuns, visit: Visit, given: Given) -> Screen:
    """The form; with ``?run=<id>``, that mass text's progress above it; ``?template=`` fills it."""
    run_id = given.query.get("run", "")
    run = runs.get(visit.account.account.id, visit.actor_id, run_id) if run_id else None
    context = _context(visit, run)
    resent = run.template if run and run.state is not RunState.DONE else None
    context.update(template_choice(visit, given.query.get("template", "") or resent or ""))
    return Screen(template="mass_text.html", context=context, title="Mass text")


def send(runs: MassRuns, visit: Visit, given: Given) -> Redirect:
    """Check the whole mass text, start it in the background, show its progress."""
    typed, body = given.field("recipients"), given.field("body")
    key, template_id = given.field("idempotency_key") or None, given.field("template")
    if template_id:  # each recipient's text merged by the service, in the run
        template = visit.account.templates.get(visit.actor_id, template_id)
        merged = template_recipients_of(typed)
        visit.account.templates.check_send(visit.actor_id, template.id, merged, idempotency_key=key)
        to = [Recipient(candidate_id=one.candidate_id, number=one.number) for one in merged]
        run_id = runs.start(
            visit.account,
            visit.actor_id,
            to,
            template.body,
            recipients=typed,
            idempotency_key=key,
            template=template.id,
            merged=merged,
        )
        return Redirect(to=f"/mass-text?run={run_id}")
    recipients = recipients_of(typed)
    visit.account.messages.check_mass(visit.actor_id, recipients, body, idempotency_key=key)
    run_id = runs.start(
        visit.account, visit.actor_id, recipients, body, recipients=typed, idempotency_key=key
    )
    return Redirect(to=f"/mass-text?run={run_id}")


def progress(runs: MassRuns, visit: Visit, given: Given) -> Screen:
    """The progress fragment the page polls: the bar, the count and the outcomes so far."""
    run = runs.get(visit.account.account.id, visit.actor_id, given.path["run_id"])
    return Screen(
        template="mass_text_poll.html",
        context={
            "run": run,
            "outcomes": OUTCOMES,
            "waiting": WAITING,
            "statuses": RecipientStatus,
            "poll": POLL_EVERY,
        },
        title="Mass text",
    )


def _context(visit: Visit, run: RunView | None) -> dict[str, object]:
    resend = run is not None and run.state is not RunState.DONE
    return {
        "cap": visit.account.messages.mass_text_cap(),
        "recipients": run.recipients if run and resend else "",
        "body": run.body if run and resend else "",
        "run": run,
        "outcomes": OUTCOMES,
        "waiting": WAITING,
        "statuses": RecipientStatus,
        "poll": POLL_EVERY,
        "idempotency_key": (run.idempotency_key if run and resend else None) or uuid.uuid4().hex,
    }


def _with_runs(view: RunsView) -> Endpoint:
    """The endpoint of a view that needs the web app's mass texts (:func:`runs_of`)."""

    async def run(request: Request) -> Response:
        runs = runs_of(request.app)

        def bound(visit: Visit, given: Given) -> Screen | Redirect:
            return view(runs, visit, given)

        bound.__name__ = view.__name__
        return await endpoint(bound)(request)

    run.__name__ = view.__name__
    return run


ROUTES = [
    Route("/mass-text", _with_runs(form), name="mass-text"),
    Route("/mass-text", _with_runs(send), methods=["POST"], name="mass-text-send"),
    Route("/mass-text/runs/{run_id}", _with_runs(progress), name="mass-text-progress"),
]

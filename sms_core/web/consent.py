"""Consent on the texting panel: the candidate's consent in words, and recording it.

Shown only when the account requires a consent record before a first text
(``policy.set_consent_required``, ``smsadmin consent require on``): then the panel says, for
the candidate's number, each consent record (when, how, who recorded it, the evidence) or "No
consent recorded", and the composer's check shows the send's ``ConsentRequiredError`` before
Send is pressed (the rule is :mod:`sms_core.services.consent_rule`; the check is the send's).

Consent given outside texting (a web form, a signed paper, on the phone) is recorded from the
panel with its source and evidence, as ``smsadmin consent record`` does: the service lets
whoever may text candidates record it, and audits it. A keyword's consent (START) is recorded
by the SDK when the candidate texts it.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.routing import Route

from sms_core.domain import KEYWORD_RECORDER, ConsentRecord, ConsentSource
from sms_core.exceptions import UserNotFoundError
from sms_core.web.scheduled import TIME_ZONE, shown
from sms_core.web.views import Given, Redirect, Visit, endpoint

__all__ = ["ROUTES", "SOURCES", "consent_context"]

#: How consent was given, in the panel's words ("Given ... on a web form").
SOURCES: dict[ConsentSource, str] = {
    ConsentSource.WEB_FORM: "on a web form",
    ConsentSource.PAPER: "on a signed paper form",
    ConsentSource.VERBAL: "verbally, to a recruiter",
    ConsentSource.TEXT_KEYWORD: "by texting an opt-in keyword",
}


def consent_context(visit: Visit, number: str) -> dict[str, object]:
    """What the panel shows of consent for ``number`` (the candidate's; may be empty).

    Empty ``consent_required`` when the account does not require consent: the panel then shows
    nothing of it. The records are read with the user as the viewer (the history permission).
    """
    if not visit.account.policy.get().consent_required:
        return {"consent_required": False}
    records = visit.account.consent.of(visit.actor_id, number) if number else []
    return {
        "consent_required": True,
        "consent_number": number,
        "consent_records": [_described(visit, record) for record in reversed(records)],
        "consent_sources": {
            source.value: words
            for source, words in SOURCES.items()
            if source is not ConsentSource.TEXT_KEYWORD
        },
    }


def record(visit: Visit, given: Given) -> Redirect:
    """Record the consent the candidate gave outside texting, then back to the panel."""
    candidate = given.field("candidate").strip()
    visit.account.consent.record(
        visit.actor_id,
        given.field("number").strip(),
        source=given.field("source"),
        evidence=given.field("evidence"),
        candidate_id=candidate or None,
    )
    return Redirect(to=f"/texting?candidate={quote(candidate)}&done=consent")


def _described(visit: Visit, record: ConsentRecord) -> str:
    """One record in words: when, how, by whom, and what shows it."""
    if record.recorded_by == KEYWORD_RECORDER:
        by = "the candidate"
    else:
        try:
            user = visit.account.users.get(record.recorded_by)
        except UserNotFoundError:  # the host removed the user since; the id still says who
            by = record.recorded_by
        else:
            by = user.full_name or user.id
    return (
        f"Given {shown(record.recorded_at)} {TIME_ZONE} {SOURCES[record.source]}, "
        f"recorded by {by}: {record.evidence}"
    )


ROUTES = [Route("/texting/consent", endpoint(record), methods=["POST"], name="texting-consent")]

"""The *Audit trail* screen: who did what to the account's numbers and seats, newest first."""

from __future__ import annotations

from starlette.routing import Route

from sms_core.presentation import audit_names, change_text
from sms_core.web.views import PAGE_SIZE, Given, Screen, Visit, endpoint

__all__ = ["ROUTES"]


def audit_trail(visit: Visit, given: Given) -> Screen:
    """A page of the audit trail, with users and seats by name."""
    cursor = given.query.get("cursor") or None
    page = visit.account.audit.page(limit=PAGE_SIZE, cursor=cursor, viewer_id=visit.actor_id)
    names = audit_names(visit.account, page.items)
    rows = [
        {
            "entry": entry,
            "who": names.get(entry.actor_id, entry.actor_id),
            "target": names.get(entry.target, entry.target),
            "change": change_text(entry, names).splitlines(),
        }
        for entry in page.items
    ]
    return Screen(
        template="audit.html",
        context={"page": page, "rows": rows, "cursor": cursor},
        title="Audit trail",
    )


ROUTES = [Route("/audit", endpoint(audit_trail), name="audit")]

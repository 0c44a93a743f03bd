"""The *Opt-outs* screen: the numbers that asked not to be texted, paged oldest first.

Reading them needs the host's permission to view message history (the service checks it with
the signed-in user as the viewer); a refusal is the error page with the host's reason.
"""

from __future__ import annotations

from starlette.routing import Route

from sms_core.web.views import PAGE_SIZE, Given, Screen, Visit, endpoint

__all__ = ["ROUTES"]

#: How a number came to be opted out, in the screen's words.
SOURCES = {
    "keyword": "Texted an opt-out keyword",
    "carrier": "Refused by the carrier",
    "host": "Recorded by your product",
}


def opt_outs(visit: Visit, given: Given) -> Screen:
    """A page of the opt-outs in force (with ``?lifted=1``, lifted ones too)."""
    lifted = given.query.get("lifted") == "1"
    cursor = given.query.get("cursor") or None
    page = visit.account.optouts.page(
        visit.actor_id, include_lifted=lifted, limit=PAGE_SIZE, cursor=cursor
    )
    return Screen(
        template="optouts.html",
        context={"page": page, "lifted": lifted, "sources": SOURCES, "cursor": cursor},
        title="Opt-outs",
    )


ROUTES = [Route("/optouts", endpoint(opt_outs), name="optouts")]

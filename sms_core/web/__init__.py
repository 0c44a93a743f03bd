"""The web UI: the seeds' admin screens as a server-rendered ASGI app a host embeds.

Starlette, Jinja2 templates (``templates/``) and htmx (``static/htmx/``, vendored with its
licence and version, no Node build step). Mount :func:`create_web_app` in the host's ASGI app
next to the webhook app, or let ``smsadmin serve`` serve it under ``/web``; the host signs its
user in with :func:`sign_in_token` (``smsadmin web token`` prints such a link).

The web layer holds no rule. Every view calls the account's services, as the CLI does, with
the signed-in user as the actor, so the host plugin authorizes each action exactly as in the
SDK; a typed error becomes the page's message with a 4xx status, and nothing changed. It
imports nothing of the command line (``tests/test_layering.py`` checks): what both show, such
as a registration step's cue, an audit change's words or the names of the ids on a page
(``audit_names``, ``names_of``), lives in :mod:`sms_core.presentation`.

Adding a screen (three files and one line):

1. ``sms_core/web/<screen>.py``: views, each ``view(visit, given) -> Screen | Redirect``
   (:mod:`sms_core.web.views`), calling ``visit.account.<service>`` with ``visit.actor_id``,
   and ``ROUTES``, a list of ``Route(path, endpoint(view), methods=[...])``. Name things by
   id in paths, never by phone number (a number a form submits goes in its body); look every
   id up through the session's account (``visit.path_user(given)``,
   :func:`sms_core.web.numbers.find_line`, ``seats.get``) so another account's id is a
   ``NotFoundError`` (404). An action is a POST that redirects back with ``?done=<what>``
   (the module's ``DONE`` words it); a confirmation is a GET page whose form POSTs. A list
   that grows is a service's ``*_page`` with ``limit=PAGE_SIZE`` and ``cursor``.
2. ``sms_core/web/templates/<screen>.html``: ``{% extends "base.html" %}``; every control
   labelled, every status in words and an icon as well as a colour, every form with
   ``{{ csrf() }}`` from ``_macros.html`` (and a list's ``pager``); no inline script or style
   (the Content-Security-Policy refuses them).
3. ``tests/web/test_<screen>.py``: the screen and each action over HTTP (the ``web`` and
   ``seats_web`` clients and ``signed_in`` of ``tests/web/conftest.py``), refusals, CSRF and
   another account's ids included; add a journey to ``tests/web/test_browser.py`` and the
   screen to its axe check; add it to ``benchmarks/web_pages.py``.
4. Add the module to ``_SCREENS`` in :mod:`sms_core.web.app` and a link to the navigation in
   ``base.html``.
"""

from __future__ import annotations

from sms_core.web.app import create_web_app
from sms_core.web.signin import WEB_SECRET_ENV, sign_in_token

__all__ = ["WEB_SECRET_ENV", "create_web_app", "sign_in_token"]

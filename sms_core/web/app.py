"""The web UI's ASGI app: sign-in, the screens, static files, the security headers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from sms_core.exceptions import (
    AccountNotFoundError,
    ConfigurationError,
    SignInError,
    SmsError,
    UserNotFoundError,
)
from sms_core.services import SmsAdmin
from sms_core.web import (
    audit,
    consent,
    inbox,
    mass_text,
    numbers,
    optouts,
    purchase,
    registration,
    scheduled,
    seats,
    templates_screen,
    texting,
)
from sms_core.web.security import CSRF_FIELD, CSRF_HEADER, SecurityHeaders, check_csrf
from sms_core.web.signin import DEFAULT_SESSION_TTL, Session, SessionSigner, web_secret
from sms_core.web.views import (
    SESSION_COOKIE,
    Given,
    Redirect,
    Screen,
    Visit,
    WebState,
    base_path,
    endpoint,
    error_page,
    render,
)

__all__ = ["MAX_BODY_BYTES", "SAME_SITE", "create_web_app"]

#: The SameSite values the session cookie may take. ``"none"`` is for a UI embedded in an
#: iframe on another site (the browser sends no Lax cookie there); it needs https.
SAME_SITE = ("lax", "strict", "none")

#: The largest request body the UI reads: its forms are a few fields.
MAX_BODY_BYTES = 64 * 1024

#: Every screen's routes, in the order of the navigation.
_SCREENS = (
    numbers,
    purchase,
    seats,
    optouts,
    audit,
    registration,
    inbox,
    texting,
    mass_text,
    templates_screen,
    scheduled,
)
#: Routes of the screens above that have no screen of their own (the texting panel's consent).
_PANELS = (consent,)


def create_web_app(
    admin: SmsAdmin,
    *,
    secret: str | None = None,
    frame_ancestors: Sequence[str] = (),
    session_ttl: timedelta = DEFAULT_SESSION_TTL,
    same_site: str = "lax",
) -> Starlette:
    """The web UI for every account of ``admin``, to mount in a host's ASGI app or serve.

    Mount it where the UI should live (``Mount("/web", app=create_web_app(admin))``) beside the
    webhook app; the host sends its signed-in user to ``/web/signin?token=...`` with a token
    from :func:`~sms_core.web.sign_in_token`.

    Args:
        admin: The open SDK; the app uses it from a thread pool, so it must outlive the app.
        secret: The secret sign-in tokens are signed with; default ``SMS_WEB_SECRET``.
        frame_ancestors: The origins allowed to embed the UI in an iframe; none by default.
        session_ttl: How long a session lasts after sign-in.
        same_site: The session cookie's SameSite: ``"lax"`` (default), ``"strict"``, or
            ``"none"`` for an iframe on another site (then the cookie is always Secure).

    Raises:
        ConfigurationError: When there is no secret or it is too short, an ancestor is not an
            origin, ``same_site`` is not one of :data:`SAME_SITE` or the session lasts no time.
    """
    if same_site not in SAME_SITE:
        raise ConfigurationError(
            f"same_site {same_site[:20]!r} is not a SameSite value; use one of {SAME_SITE}"
        )
    if session_ttl <= timedelta(0):
        raise ConfigurationError(f"session_ttl {session_ttl} must be more than zero")
    templates = jinja2.Environment(
        loader=jinja2.PackageLoader("sms_core.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    state = WebState(
        admin=admin,
        signer=SessionSigner(web_secret(secret), session_ttl),
        templates=templates,
        same_site=same_site,
    )
    routes: list[BaseRoute] = [
        Route("/", endpoint(_home), name="home"),
        Route("/signin", _sign_in, name="signin"),
        Route("/signout", _sign_out, methods=["POST"], name="signout"),
        Mount("/static", app=StaticFiles(packages=[("sms_core.web", "static")]), name="static"),
    ]
    for screen in (*_SCREENS, *_PANELS):
        routes.extend(screen.ROUTES)
    app = Starlette(routes=routes, max_body_size=MAX_BODY_BYTES)
    app.state.web = state
    app.add_middleware(SecurityHeaders, frame_ancestors=tuple(frame_ancestors))
    return app


def _home(visit: Visit, given: Given) -> Redirect:
    """The first screen: an admin's seats or numbers; a recruiter's inbox.

    The numbers and seats are the admins' screens (the services refuse anyone else), so a
    recruiter the host signs in lands where they work instead of on a refusal: the inbox,
    which says who replied and opens each thread in the texting panel (the panel alone
    starts from an empty "Candidate id" form).
    """
    if not visit.account.users.may_administer(visit.actor_id):
        return Redirect(to="/inbox")
    return Redirect(to="/seats" if visit.seats_enabled else "/numbers")


async def _sign_in(request: Request) -> Response:
    """Exchange a sign-in token for a session cookie, then drop the token from the URL."""
    state: WebState = request.app.state.web
    base = base_path(request)
    try:
        session = state.signer.exchange(request.query_params.get("token", ""), state.now())
        await run_in_threadpool(_check_member, state.admin, session)
    except SmsError as err:
        return error_page(request, err, view="sign_in")
    response = RedirectResponse(f"{base}/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        state.signer.cookie(session),
        max_age=int(state.signer.session_ttl.total_seconds()),
        path=f"{base}/",
        httponly=True,
        samesite=state.same_site,  # type: ignore[arg-type]  # checked against SAME_SITE
        secure=request.url.scheme == "https" or state.same_site == "none",
    )
    return response


def _check_member(admin: SmsAdmin, session: Session) -> None:
    """Refuse a token naming an account or user the SDK does not have."""
    try:
        admin.account(session.account_id).users.get(session.user_id)
    except (AccountNotFoundError, UserNotFoundError):
        raise SignInError(
            "this sign-in link names an account or user the texting admin does not know; "
            "ask your administrator to add you, then open it again from your product"
        ) from None


async def _sign_out(request: Request) -> Response:
    """End the session (a POST with the CSRF token, so no other site can sign a user out)."""
    state: WebState = request.app.state.web
    base = base_path(request)
    try:
        session = state.signer.session(request.cookies.get(SESSION_COOKIE), state.now())
        form = await request.form()
        field = form.get(CSRF_FIELD)
        check_csrf(
            request.method,
            session.csrf_token,
            request.headers.get(CSRF_HEADER),
            field if isinstance(field, str) else None,
        )
    except SmsError as err:
        return error_page(request, err, view="sign_out")
    response = render(
        state, Screen(template="signed_out.html", context={}, title="Signed out"), None, base
    )
    response.delete_cookie(SESSION_COOKIE, path=f"{base}/")
    return response

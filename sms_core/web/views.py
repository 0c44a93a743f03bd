"""How a screen's view runs: the session, the CSRF check, the services, the page.

A view is a plain synchronous function ``view(visit, given) -> Screen | Redirect``: it calls
the account's services with the signed-in user as the actor and names the template to render.
:func:`endpoint` turns it into a Starlette endpoint that

1. reads the session cookie (no valid session: :class:`~sms_core.exceptions.SignInError`, 401);
2. on an unsafe method, reads the form and checks the CSRF token (403 without it);
3. runs the view in the thread pool (the services are synchronous, as in the webhook app);
4. renders the template, or redirects after an action (POST, then redirect, then GET).

A typed error a service raises becomes the error page with the error's message and a 4xx
status, or 502 for the carrier's (:data:`ERROR_STATUS`), and says what it left behind
(:data:`OUTCOMES`): a service refuses before changing anything, so nothing did, except that a
text the carrier refused is kept as failed.
The log names the view, the account and the error's class, never a message, a number or a
token.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import attrs
import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sms_core.domain import User
from sms_core.exceptions import (
    AccountNotFoundError,
    CsrfError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    ProviderError,
    ProviderTimeoutError,
    RuleViolationError,
    SignInError,
    SmsError,
    UserNotFoundError,
)
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.web.security import CSRF_FIELD, CSRF_HEADER, SAFE_METHODS, check_csrf
from sms_core.web.signin import Session, SessionSigner

__all__ = [
    "ERROR_STATUS",
    "OUTCOMES",
    "PAGE_SIZE",
    "SESSION_COOKIE",
    "Given",
    "Redirect",
    "Screen",
    "Visit",
    "WebState",
    "base_path",
    "endpoint",
    "error_page",
    "outcome_of",
    "render",
]

_logger = logging.getLogger(__name__)

#: The session cookie's name.
SESSION_COOKIE = "smsadmin_session"
#: How many rows a paged list shows: a screenful, in a laptop window or a narrow iframe.
PAGE_SIZE = 25

#: The status a refusal is shown with, by the closest class of the error.
ERROR_STATUS: tuple[tuple[type[SmsError], int], ...] = (
    (SignInError, 401),
    (CsrfError, 403),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (InvalidInputError, 400),
    (RuleViolationError, 409),
    (ProviderError, 502),
    (SmsError, 400),
)


#: What a refused request left behind, by the closest class of the error. A service refuses
#: before it changes anything, except that a text the carrier refused stays in the history as
#: failed, and a lost carrier answer leaves the outcome to be looked up (never sent again).
OUTCOMES: tuple[tuple[type[SmsError], str], ...] = (
    (
        ProviderTimeoutError,
        "The carrier's answer was lost, so it may have been done: look again before trying again.",
    ),
    (
        ProviderError,
        "The carrier refused it. A text the carrier refused is kept in the history as failed; "
        "nothing else was changed.",
    ),
    (SmsError, "Nothing was changed."),
)


@attrs.frozen(kw_only=True)
class WebState:
    """What every view shares: the SDK, the signer, the templates and the cookie settings.

    Attributes:
        admin: The open SDK.
        signer: Checks sign-in tokens and session cookies.
        templates: The Jinja2 environment (autoescaping).
        same_site: The session cookie's SameSite: ``"lax"``, ``"strict"`` or ``"none"``.
    """

    admin: SmsAdmin
    signer: SessionSigner
    templates: jinja2.Environment
    same_site: str = "lax"

    def now(self) -> datetime:
        """The SDK's time."""
        return self.admin.clock.now()


@attrs.frozen(kw_only=True)
class Visit:
    """One signed-in request: the account's services and the user acting.

    Attributes:
        account: The services of the session's account; nothing of another account is reachable.
        user: The signed-in user, the actor of every action.
        session: The session (its CSRF token goes into every form).
        base: The path the UI is mounted at (``/web``), for links.
        seats_enabled: Whether the host product has seats (the Seats screen is shown).
        may_administer: Whether the user may open the admin screens (numbers, seats, audit
            trail), as the services answer it; the navigation links only those one may open.
        unread: How many replies the user's inbox holds unread, for the navigation's Inbox
            link; ``None`` when the host does not let the user read history.
    """

    account: AccountAdmin
    user: User
    session: Session
    base: str
    seats_enabled: bool = False
    may_administer: bool = False
    unread: int | None = None

    @property
    def actor_id(self) -> str:
        """The signed-in user's id, passed to the services as the actor."""
        return self.user.id

    def path_user(self, given: Given) -> User:
        """The account's user the path's ``user_id`` names.

        Raises:
            UserNotFoundError: When the account has no such user (another account's is none).
        """
        return self.account.users.get(given.path["user_id"])


@attrs.frozen(kw_only=True)
class Given:
    """What the request carried: path parameters, query parameters and form fields.

    Attributes:
        path: The route's path parameters (ids, never phone numbers).
        query: The query string's parameters (the first of each).
        form: The form's fields, each with all its values (a multiple select sends several).
    """

    path: Mapping[str, str] = attrs.field(factory=dict)
    query: Mapping[str, str] = attrs.field(factory=dict)
    form: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    def field(self, name: str) -> str:
        """A form field's first value; empty when absent."""
        values = self.form.get(name, ())
        return values[0] if values else ""

    def fields(self, name: str) -> tuple[str, ...]:
        """Every value of a form field."""
        return self.form.get(name, ())


@attrs.frozen(kw_only=True)
class Screen:
    """A page to render: its template, what it shows, and the status.

    Attributes:
        template: The template's name under ``sms_core/web/templates/``.
        context: The template's variables (``visit`` is added).
        title: The page title, also its ``<h1>``.
        status: The HTTP status.
    """

    template: str
    context: Mapping[str, Any]
    title: str
    status: int = 200


@attrs.frozen(kw_only=True)
class Redirect:
    """Where to go after an action, relative to where the UI is mounted (``/numbers``)."""

    to: str


View = Callable[[Visit, Given], Screen | Redirect]
Endpoint = Callable[[Request], Awaitable[Response]]


def endpoint(view: View) -> Endpoint:
    """The Starlette endpoint that runs ``view`` for a signed-in user (see the module doc)."""

    async def run(request: Request) -> Response:
        state: WebState = request.app.state.web
        base = base_path(request)
        try:
            session = state.signer.session(request.cookies.get(SESSION_COOKIE), state.now())
            given = Given(
                path=dict(request.path_params),
                query={key: request.query_params[key] for key in request.query_params},
            )
            if request.method not in SAFE_METHODS:
                form = await request.form()
                fields: dict[str, list[str]] = {}
                for key, value in form.multi_items():
                    if isinstance(value, str):  # file uploads are never expected
                        fields.setdefault(key, []).append(value)
                check_csrf(
                    request.method,
                    session.csrf_token,
                    request.headers.get(CSRF_HEADER),
                    fields.get(CSRF_FIELD, [""])[0],
                )
                given = attrs.evolve(given, form={k: tuple(v) for k, v in fields.items()})
            visit, result = await run_in_threadpool(_run, state, session, base, view, given)
        except SmsError as err:
            return error_page(request, err, view=view.__name__)
        if isinstance(result, Redirect):
            return RedirectResponse(base + result.to, status_code=303)
        return render(state, result, visit, base, section=_section(request, base))

    run.__name__ = view.__name__
    return run


def _run(
    state: WebState, session: Session, base: str, view: View, given: Given
) -> tuple[Visit, Screen | Redirect]:
    try:
        account = state.admin.account(session.account_id)
        user = account.users.get(session.user_id)
    except (AccountNotFoundError, UserNotFoundError):
        # The host removed the account or user since signing the session in.
        raise SignInError(
            "the account or user this session signed in as no longer exists; open the texting "
            "admin again from your product"
        ) from None
    policy = state.admin.hooks.host_policy(account.account)
    visit = Visit(
        account=account,
        user=user,
        session=session,
        base=base,
        seats_enabled=policy.seats_enabled,
    )
    result = view(visit, given)
    if isinstance(result, Screen):  # the page's navigation: asked once, for this request
        visit = attrs.evolve(
            visit,
            may_administer=account.users.may_administer(user.id),
            unread=_unread_of(account, user.id),
        )
    return visit, result


def _unread_of(account: AccountAdmin, user_id: str) -> int | None:
    """The user's unread replies, or ``None`` when the host does not let them read history."""
    try:
        return account.inbox.unread_count(user_id)
    except PermissionDeniedError:
        return None


def base_path(request: Request) -> str:
    """The path the UI is mounted at, without a trailing slash (``""`` at the root)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _section(request: Request, base: str) -> str:
    """The screen a request is about: the first segment of its path under the UI's base."""
    return request.url.path.removeprefix(base).strip("/").split("/")[0]


def render(
    state: WebState, screen: Screen, visit: Visit | None, base: str, *, section: str = ""
) -> HTMLResponse:
    """The page for ``screen``, in the base layout (with navigation when signed in)."""
    template = state.templates.get_template(screen.template)
    html = template.render(
        **screen.context,
        visit=visit,
        title=screen.title,
        base=base,
        section=section,
        csrf_field=CSRF_FIELD,
    )
    return HTMLResponse(html, status_code=screen.status)


def outcome_of(err: SmsError) -> str:
    """What a refusal left behind, in words (:data:`OUTCOMES`)."""
    return next(words for kind, words in OUTCOMES if isinstance(err, kind))


def error_page(request: Request, err: SmsError, *, view: str) -> HTMLResponse:
    """The refusal as a page: the error's message, under the status of its class."""
    state: WebState = request.app.state.web
    status = next(code for kind, code in ERROR_STATUS if isinstance(err, kind))
    _logger.warning(
        "web %s refused (%s, %d) for %s %s",
        view,
        type(err).__name__,
        status,
        request.method,
        request.url.path,
    )
    base = base_path(request)
    section = _section(request, base)  # back to the screen the request came from
    screen = Screen(
        template="error.html",
        context={
            "message": str(err),
            "outcome": outcome_of(err),
            "status": status,
            "signed_in": status != 401,
            "back": f"{base}/{section}" if section and status != 401 else "",
        },
        title="Not signed in" if status == 401 else "That did not work",
        status=status,
    )
    return render(state, screen, None, base)

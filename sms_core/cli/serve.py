"""``smsadmin serve``: the webhook app and the web UI under uvicorn, with the background pollers.

The web UI is served under ``/web`` when its signing secret is set (``SMS_WEB_SECRET``; the
host signs its users' sign-in links with it), and not otherwise: a server that only takes
webhooks needs no secret. ``--web`` insists on it, ``--no-web`` turns it off. The access log
never shows a sign-in link's token (:class:`HideSignInTokens`).
"""

from __future__ import annotations

import copy
import logging
import os
import re
from collections.abc import Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sms_core.cli import output
from sms_core.cli.errors import CliError
from sms_core.cli.options import global_options
from sms_core.cli.params import finite
from sms_core.webhooks.urls import WEBHOOK_BASE_URL_ENV

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from sms_core.services import SmsAdmin

__all__ = ["LOGGER_NAME", "WEB_PATH", "HideSignInTokens", "serve"]

#: The logger every core module's logger descends from (each is ``logging.getLogger(__name__)``).
LOGGER_NAME = "sms_core"


#: Where the web UI is served.
WEB_PATH = "/web"
#: The environment variable of the web UI's signing secret (``sms_core.web.WEB_SECRET_ENV``).
_WEB_SECRET_ENV = "SMS_WEB_SECRET"
_TOKEN = re.compile(r"([?&]token=)[^&\s]*")


class HideSignInTokens(logging.Filter):
    """Replace a sign-in token in a logged URL (uvicorn's access log) with ``[hidden]``."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, its arguments' tokens hidden."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN.sub(r"\1[hidden]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def _logging_config() -> dict[str, Any]:
    # uvicorn's own setup, with the webhook app's log lines (no bodies, no numbers) beside it.
    from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415 - when the command runs

    config = copy.deepcopy(LOGGING_CONFIG)
    # Every core module logs under its own name below ``sms_core`` (LOGGER_NAME), so this one
    # entry shows them all: webhooks, services, the plugins' activity record.
    config["loggers"][LOGGER_NAME] = {"handlers": ["default"], "level": "INFO"}
    # A sign-in link's token is a credential for a few minutes: never in the access log.
    config.setdefault("filters", {})["hide_sign_in_tokens"] = {"()": HideSignInTokens}
    config["handlers"]["access"].setdefault("filters", []).append("hide_sign_in_tokens")
    return config


def _app(
    admin: SmsAdmin,
    public_url: str | None,
    *,
    web: bool | None,
    frame_ancestors: Sequence[str],
) -> Starlette:
    """The webhook app, with the web UI under ``/web`` when it is on (see the module doc)."""
    from starlette.applications import Starlette  # noqa: PLC0415 - when the command runs
    from starlette.routing import Mount  # noqa: PLC0415

    from sms_core.webhooks import create_app  # noqa: PLC0415

    hooks = create_app(admin, public_base_url=public_url)
    if web is False or (web is None and not os.environ.get(_WEB_SECRET_ENV)):
        if web is None:
            output.hint(
                output.error_console(),
                f"the web UI is off: set {_WEB_SECRET_ENV} to serve it under {WEB_PATH}",
            )
        return hooks
    from sms_core.web import create_web_app  # noqa: PLC0415

    ui = create_web_app(admin, frame_ancestors=frame_ancestors)
    return Starlette(routes=[Mount(WEB_PATH, app=ui), Mount("", app=hooks)])


def serve(
    ctx: typer.Context,
    *,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="The address to listen on; the default takes loopback traffic only "
            "(put a TLS-terminating proxy in front to reach carriers).",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port.")] = 8000,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            metavar="URL",
            envvar=WEBHOOK_BASE_URL_ENV,
            show_envvar=True,
            help="The public base URL carriers call, e.g. https://sms.example.com/webhooks. "
            "Signatures cover it, so behind a proxy it is required; the background sync "
            "configures it at the carrier too (give other commands the same base through "
            f"{WEBHOOK_BASE_URL_ENV}). Default: the URL each request arrives at.",
        ),
    ] = None,
    sync_every: Annotated[
        float,
        typer.Option(
            "--sync-every",
            min=0,
            max=86_400,
            callback=finite,
            metavar="SECONDS",
            help="Sync every registration in progress this often, in the background, so the "
            "messaging service is set up and numbers attached as reviews end; 0 turns it off "
            "(then schedule 'smsadmin campaign sync'); at most a day.",
        ),
    ] = 300,
    reconcile_every: Annotated[
        float,
        typer.Option(
            "--reconcile-every",
            min=0,
            max=86_400,
            callback=finite,
            metavar="SECONDS",
            help="Settle texts whose send stopped short of the carrier's answer this often, in "
            "the background: lost answers are looked up, texts a stopped process never handed "
            "over are sent (once, however many servers run); 0 turns it off (then schedule "
            "'smsadmin reconcile'); at most a day.",
        ),
    ] = 60,
    deliver_events_every: Annotated[
        float,
        typer.Option(
            "--deliver-events-every",
            min=0,
            max=86_400,
            callback=finite,
            metavar="SECONDS",
            help="Deliver host events left undelivered this often, in the background: those "
            "a plugin failed on (after their backoff) and those a stopped process committed "
            "but never delivered (once per pass, however many servers run); 0 turns it off "
            "(then schedule 'smsadmin deliver-events'); at most a day.",
        ),
    ] = 30,
    schedule_every: Annotated[
        float,
        typer.Option(
            "--schedule-every",
            min=0,
            max=86_400,
            callback=finite,
            metavar="SECONDS",
            help="Send the scheduled texts that are due this often, in the background (each "
            "once, however many servers run); 0 turns it off (then schedule 'smsadmin "
            "scheduled run-due'); at most a day.",
        ),
    ] = 30,
    web: Annotated[
        bool | None,
        typer.Option(
            "--web/--no-web",
            help=f"Serve the web UI under {WEB_PATH} (needs {_WEB_SECRET_ENV}, the secret the "
            "host signs sign-in links with); by default it is served when the secret is set.",
            show_default=False,
        ),
    ] = None,
    frame_ancestors: Annotated[
        list[str] | None,
        typer.Option(
            "--frame-ancestor",
            metavar="ORIGIN",
            help="An origin allowed to embed the web UI in an iframe, such as "
            "https://hcm.example.com; repeat for several. By default none may.",
        ),
    ] = None,
) -> None:
    """Take carriers' webhooks, and serve the web UI under /web (Ctrl+C stops)."""
    # Imported here, as every command's work is: 'smsadmin --help' loads none of it.
    import uvicorn  # noqa: PLC0415

    from sms_core.services import (  # noqa: PLC0415
        HostEventPoller,
        ReconciliationPoller,
        RegistrationPoller,
        ScheduledSendPoller,
    )

    # The base the app verifies signatures against is the one the background sync configures
    # at the carrier (a messaging service's webhook URLs), so both come from --public-url.
    with global_options(ctx).sdk(webhook_base_url=public_url) as admin:
        app = _app(admin, public_url, web=web, frame_ancestors=frame_ancestors or ())
        registrations = RegistrationPoller(admin, sync_every) if sync_every else nullcontext()
        texts = ReconciliationPoller(admin, reconcile_every) if reconcile_every else nullcontext()
        events = (
            HostEventPoller(admin.host_event_delivery(), deliver_events_every)
            if deliver_events_every
            else nullcontext()
        )
        scheduled = ScheduledSendPoller(admin, schedule_every) if schedule_every else nullcontext()
        with registrations, texts, events, scheduled:
            try:
                uvicorn.run(app, host=host, port=port, log_config=_logging_config())
            except SystemExit as stopped:
                # uvicorn logs why it could not start (an unknown host, a port in use) and
                # exits with its own code 3; the command line keeps to 1 for a failure.
                if stopped.code not in (0, None):
                    raise CliError(
                        f"the webhook app could not listen on {host}:{port} (see the log "
                        "above); choose another --host or --port"
                    ) from None
                raise

"""``smsadmin web``: the web UI's sign-in links.

The host product signs its users in with :func:`sms_core.web.sign_in_token`; ``smsadmin web
token`` does the same from a terminal (an operator, a test, a first look at the UI), with the
secret ``smsadmin serve`` uses (``SMS_WEB_SECRET``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from sms_core.cli.options import global_options

__all__ = ["WEB_BASE_URL_ENV", "app"]

#: Where the web UI is served, as the sign-in link should name it.
WEB_BASE_URL_ENV = "SMS_WEB_BASE_URL"

app = typer.Typer(help="The web UI: sign-in links for its users.", no_args_is_help=True)


@app.command("token")
def token(
    ctx: typer.Context,
    *,
    user: Annotated[
        str, typer.Option("--user", metavar="USER", help="The user to sign in (their id).")
    ],
    ttl: Annotated[
        int,
        typer.Option(
            "--ttl",
            min=1,
            max=900,
            metavar="SECONDS",
            help="How long the link stays good: at most 15 minutes (it sits in a URL).",
        ),
    ] = 120,
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            metavar="URL",
            envvar=WEB_BASE_URL_ENV,
            show_envvar=True,
            help="Where the web UI is served (smsadmin serve's address plus /web).",
        ),
    ] = "http://127.0.0.1:8000/web",
) -> None:
    """Print a sign-in link for USER of the --account account (needs SMS_WEB_SECRET)."""
    from datetime import timedelta  # noqa: PLC0415 - when the command runs

    from sms_core.clock import SystemClock  # noqa: PLC0415
    from sms_core.web.signin import sign_in_token, web_secret  # noqa: PLC0415

    options = global_options(ctx)
    secret = web_secret()  # a missing or short secret is refused before the database opens
    with options.account() as account:
        account.users.get(user)  # an unknown user gets no link
        signed = sign_in_token(
            secret,
            account.account.id,
            user,
            timedelta(seconds=ttl),
            now=(options.clock or SystemClock()).now(),
        )
    typer.echo(f"{base_url.rstrip('/')}/signin?token={signed}")

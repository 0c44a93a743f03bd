"""The demo's last part with ``--web``: the story's accounts in the web UI, until Ctrl+C.

The two host products' databases, as the story left them, are served on 127.0.0.1: the HCM
widget's accounts under ``/web`` and the ATS's under ``/ats``, each with a sign-in link per
user, signed with a secret made up for this run. The demo's clock stands still, so the links
and sessions last as long as the demo does.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

import typer

from sms_core.cli.errors import CliError
from sms_core.cli.narration import Narrator
from sms_core.exceptions import SmsError

if TYPE_CHECKING:
    from sms_core.services import AccountAdmin, SmsAdmin

__all__ = ["DEMO_CANDIDATE", "web_story"]

#: How long a printed link is good for, on the demo's clock (which stands still).
_LINK_TTL = timedelta(minutes=15)
#: The candidate the texting part texts (``sms_core/cli/demo/texting.py``): the texting
#: panel's link names them, for an account that has texted them.
DEMO_CANDIDATE = "cand-sam"


def web_story(story: Narrator, products: Mapping[str, tuple[str, SmsAdmin]], port: int) -> None:
    """Serve the web UI for each host product until Ctrl+C.

    Args:
        story: The narrator.
        products: By mount path (``/web``), the host product's name and its open SDK.
        port: The port on 127.0.0.1; 0 picks a free one.
    """
    from starlette.applications import Starlette  # noqa: PLC0415 - when the demo runs
    from starlette.routing import Mount  # noqa: PLC0415

    from sms_core.web import create_web_app  # noqa: PLC0415
    from sms_core.webhooks import LoopbackServer  # noqa: PLC0415

    story.part("The web UI")
    secret = secrets.token_urlsafe(32)
    app = Starlette(
        routes=[
            Mount(path, app=create_web_app(sdk, secret=secret))
            for path, (_, sdk) in products.items()
        ]
    )
    try:
        server = LoopbackServer(port=port)
    except OSError as err:
        raise CliError(
            f"the demo's web UI could not listen on 127.0.0.1:{port} ({err.strerror}); "
            "choose another --port"
        ) from None
    with server, server.serving(app):
        # From the moment it listens, Ctrl+C stops it cleanly, even while the links print.
        try:
            story.say(
                "Every screen, on the story's data, signed in as each user the host knows. Open "
                "a link in a browser (each signs in once); Ctrl+C stops."
            )
            for path, (product, sdk) in products.items():
                _print_links(product, sdk, server.url(path), secret)
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            story.done("Stopped the web UI")


def _print_links(product: str, sdk: SmsAdmin, url: str, secret: str) -> None:
    """The product's address, a sign-in link per user and the texting panel's, under ``url``."""
    from sms_core.web import sign_in_token  # noqa: PLC0415 - when the demo runs

    typer.echo(f"\n{product}: {url}")
    for account in sdk.accounts():
        for user in sdk.account(account.id).users.list():
            token = sign_in_token(secret, account.id, user.id, _LINK_TTL, now=sdk.clock.now())
            typer.echo(f"  {user.full_name or user.id} ({account.name}, {account.id}):")
            typer.echo(f"    {url}/signin?token={token}")
        if texting := _texting_link(sdk.account(account.id)):
            typer.echo(
                f"  Texting panel for candidate {DEMO_CANDIDATE}, once signed in as {texting}:"
            )
            typer.echo(f"    {url}/texting?candidate={DEMO_CANDIDATE}")


def _texting_link(account: AccountAdmin) -> str | None:
    """The name of a user who texted :data:`DEMO_CANDIDATE` on the account, if one did."""
    for user in account.users.list(active_only=True):
        try:
            # ``history``, not ``history_page``: a page read as the user marks it read in
            # their inbox, and printing links reads nothing for anyone.
            threads = account.messages.history(user.id, DEMO_CANDIDATE)
        except SmsError:  # a user the host does not let read the history
            continue
        if threads:
            return user.full_name or user.id
    return None

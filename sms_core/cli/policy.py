"""``smsadmin policy``: the privacy policy and terms and conditions URLs (Policy Settings)."""

from __future__ import annotations

from typing import Annotated

import typer

from sms_core.cli import output, render
from sms_core.cli.options import global_options

__all__ = ["app"]

app = typer.Typer(
    help="The privacy policy and terms & conditions URLs that pre-fill campaign registration.",
    no_args_is_help=True,
)


@app.command("show")
def show(ctx: typer.Context) -> None:
    """The saved URLs, and who saved them."""
    with global_options(ctx).account() as account:
        settings = account.policy.get()
    console = output.out_console()
    console.print(render.policy_table(settings))
    if not settings.complete:
        output.hint(
            console,
            "set both with 'smsadmin policy set --privacy-policy-url URL --terms-url URL'; "
            "campaign registration needs them",
        )


@app.command("set")
def set_urls(
    ctx: typer.Context,
    *,
    privacy_policy_url: Annotated[
        str | None,
        typer.Option(
            "--privacy-policy-url",
            metavar="URL",
            help="The agency's privacy policy page (https://…); '' clears it.",
        ),
    ] = None,
    terms_url: Annotated[
        str | None,
        typer.Option(
            "--terms-url",
            metavar="URL",
            help="The agency's terms & conditions page (https://…); '' clears it.",
        ),
    ] = None,
) -> None:
    """Save the URLs; an option left out keeps its saved value."""
    options = global_options(ctx)
    actor = options.actor()
    if privacy_policy_url is None and terms_url is None:
        raise typer.BadParameter(
            "give --privacy-policy-url, --terms-url or both", param_hint="'--privacy-policy-url'"
        )
    with options.account() as account:
        current = account.policy.get()
        saved = account.policy.set(
            actor,
            privacy_policy_url=current.privacy_policy_url
            if privacy_policy_url is None
            else privacy_policy_url,
            terms_and_conditions_url=current.terms_and_conditions_url
            if terms_url is None
            else terms_url,
        )
    console = output.out_console()
    console.print(render.policy_table(saved))
    output.success(console, "Saved the policy settings")

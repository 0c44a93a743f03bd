"""``smsadmin demo``: numbers, seats, registration and texting, end to end, on the sandbox carrier.

The demo runs on throwaway files in a temporary folder (a SQLite database per host product and
the sandbox carrier's state) with a clock fixed at :data:`DEMO_START`, so it tells the same
story at any hour of any day and never touches the user's database or a real carrier. It uses
the services exactly as a host application would, and checks what it claims: every refusal must
raise its typed error and change nothing, or the demo fails.

The demo is a sandbox story: it drives the sandbox carrier through its own Python API
(``sms_fake``), on the demo's clock, to let the carrier's reviews end when the story says so
and to make one campaign fail. The services never know; they see a carrier. Its webhooks reach
the webhook app over HTTP on a loopback port, bound for the demo's duration.

It ignores the global options. It needs the sandbox carrier (``sms-core-fake``) and the
``hcm_widget`` and ``ats_seats`` host plugins, and says which are missing otherwise.

One module per part of the story: :mod:`~sms_core.cli.demo.widget`,
:mod:`~sms_core.cli.demo.seats`, :mod:`~sms_core.cli.demo.registration`,
:mod:`~sms_core.cli.demo.troubleshooting`, :mod:`~sms_core.cli.demo.texting`,
:mod:`~sms_core.cli.demo.inbox`, :mod:`~sms_core.cli.demo.templates` and
:mod:`~sms_core.cli.demo.scheduled` (and, with ``--web``, :mod:`~sms_core.cli.demo.web`, which
serves the result in the web UI), on the
setting of :mod:`~sms_core.cli.demo.setting`; this module opens the SDK for each and tells them
in order.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sms_core.cli import output
from sms_core.cli.demo.setting import (
    CARRIER,
    DEMO_START,
    DISTRIBUTIONS,
    SEAT_HOST,
    SEED,
    WIDGET_HOST,
)
from sms_core.cli.narration import Narrator
from sms_core.clock import ManualClock
from sms_core.exceptions import ConfigurationError, UnknownHostError

if TYPE_CHECKING:
    from sms_core.services import SmsAdmin
    from sms_fake import SandboxCarrier

__all__ = ["DEMO_START", "demo"]


def demo(
    web: Annotated[
        bool,
        typer.Option(
            "--web",
            help="Then serve the story's accounts in the web UI on 127.0.0.1, with a sign-in "
            "link per user (Ctrl+C stops).",
        ),
    ] = False,
    port: Annotated[
        int,
        typer.Option("--port", min=0, max=65535, help="The web UI's port; 0 picks a free one."),
    ] = 8000,
) -> None:
    """Tell the story on the sandbox carrier: numbers, seats, registration, texting."""
    _check_installed()
    # Imported once the check passed: without the sandbox installed the demo explains, not fails;
    # and only when the demo runs, so 'smsadmin demo --help' loads none of the SDK.
    from sms_core.cli.demo.inbox import inbox_story  # noqa: PLC0415
    from sms_core.cli.demo.registration import registration_story  # noqa: PLC0415
    from sms_core.cli.demo.scheduled import scheduled_story  # noqa: PLC0415
    from sms_core.cli.demo.seats import seat_story  # noqa: PLC0415
    from sms_core.cli.demo.templates import templates_story  # noqa: PLC0415
    from sms_core.cli.demo.texting import texting_story  # noqa: PLC0415
    from sms_core.cli.demo.troubleshooting import troubleshooting_story  # noqa: PLC0415
    from sms_core.cli.demo.web import web_story  # noqa: PLC0415
    from sms_core.cli.demo.widget import widget_story  # noqa: PLC0415
    from sms_core.webhooks import LoopbackServer  # noqa: PLC0415
    from sms_fake import SandboxCarrier  # noqa: PLC0415

    console = output.out_console()
    clock = ManualClock(DEMO_START)
    story = Narrator(console=console, clock=clock)
    story.say(
        f"Numbers, campaign registration and texting for Northwind Staffing on the sandbox "
        f"carrier. The clock is fixed at {DEMO_START:%Y-%m-%d %H:%M} UTC; everything happens in "
        "a temporary folder."
    )
    with (
        tempfile.TemporaryDirectory(prefix="smsadmin-demo-") as folder,
        LoopbackServer() as server,
    ):
        carrier_state = str(Path(folder) / "sandbox-carrier.sqlite3")
        hooks_url = server.url("/webhooks")
        with SandboxCarrier(carrier_state, clock=clock) as carrier:
            widget_db, seats_db = Path(folder) / "widget.sqlite3", Path(folder) / "seats.sqlite3"
            with _open(widget_db, WIDGET_HOST, clock, carrier, hooks_url) as sdk:
                widget_story(story, sdk, carrier_state)
            with _open(seats_db, SEAT_HOST, clock, carrier, hooks_url) as sdk:
                seat_story(story, sdk, carrier_state)
            with _open(widget_db, WIDGET_HOST, clock, carrier, hooks_url) as sdk:
                registration_story(story, sdk.account("northwind"), carrier)
                troubleshooting_story(story, sdk, carrier, carrier_state)
                texting_story(story, sdk, carrier, server)
                inbox_story(story, sdk, carrier)
                templates_story(story, sdk, carrier)
                scheduled_story(story, sdk)
            if web:
                with (
                    _open(widget_db, WIDGET_HOST, clock, carrier, hooks_url) as hcm,
                    _open(seats_db, SEAT_HOST, clock, carrier, hooks_url) as ats,
                ):
                    web_story(story, {"/web": ("HCM widget", hcm), "/ats": ("ATS", ats)}, port)
    console.print()
    output.success(
        console, "The story is complete: every rule held and every refusal changed nothing."
    )


def _check_installed() -> None:
    from sms_core.plugins import Hooks  # noqa: PLC0415 - when the demo runs

    missing = [] if CARRIER in Hooks.create().providers() else [CARRIER]
    for host in (WIDGET_HOST, SEAT_HOST):
        try:
            Hooks.create(host=host)
        except UnknownHostError:
            missing.append(host)
    if missing:
        names = ", ".join(repr(name) for name in missing)
        distributions = " ".join(DISTRIBUTIONS[name] for name in missing)
        raise ConfigurationError(
            f"smsadmin demo needs the sandbox carrier and both host plugins; not installed: "
            f"{names}. Install them with 'pip install {distributions}' "
            "(or take them out of SMS_CORE_DISABLED_PLUGINS)"
        )


def _open(
    database: Path, host: str, clock: ManualClock, carrier: SandboxCarrier, webhooks: str
) -> SmsAdmin:
    # The sandbox adapter passed here, on the demo's clock, replaces the installed one; the
    # numbers' webhook URLs name the demo's loopback port.
    from sms_core.services import SmsAdmin  # noqa: PLC0415
    from sms_fake import FakeAdapter  # noqa: PLC0415

    return SmsAdmin.open(
        f"sqlite:///{database}",
        host=host,
        plugins=[FakeAdapter(carrier=carrier)],
        clock=clock,
        rng=random.Random(SEED),
        webhook_base_url=webhooks,
    )

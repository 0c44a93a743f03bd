"""Server-side render time of each web UI screen at the sandbox's scale, beside a bare page.

Run it from the repository root (with ``sms-core``, ``sms-core-fake``, ``sms-core-hcm-widget``
and ``sms-core-ats-seats`` installed)::

    python benchmarks/web_pages.py                    # 300 requests per screen
    python benchmarks/web_pages.py --requests 1000 --users 200
    python benchmarks/web_pages.py --users 1000 --seats 1000 --screens "seats audit trail"

It builds one agency on the sandbox carrier and SQLite, at the scale of the demo and a busy
sandbox account: ``--users`` HCM users (every fourth inactive), numbers shared by two users
each, ``--opt-outs`` opt-outs and the audit trail those purchases leave; and, under the ATS
host, seats of three users. Then, signed in as the admin, it requests each screen through the
ASGI app in this process (no socket) and times the app alone, from the request reaching it to
the last byte of the page: the session check, the services' queries, the template. The
baseline is a Starlette app whose one route returns a fixed HTML page, timed the same way.
It prints p50 and p95 per screen and asserts nothing; issue 15 asks for under 50 ms.

Measured on the shared 2-core test machine (100 users, 50 numbers, 200 opt-outs, 40 seats,
300 requests per screen), last run:

===================  ======  ======
screen               p50 ms  p95 ms
===================  ======  ======
numbers              13.9    34.4
opt-outs             7.7     19.4
audit trail          12.8    31.3
seats                14.5    35.7
registration         4.3     20.4
bare Starlette page  0.0     0.1
===================  ======  ======

The texting screens, signed in as a recruiter on a shared registered line, her candidate
texted 30 times (a full page of 25 and a next one), in a later run on the same busy machine
(the numbers page measured 10.1 / 45.6 in it):

===================  ======  ======
screen               p50 ms  p95 ms
===================  ======  ======
texting panel        9.7     63.5
texting poll         7.5     43.3
mass text            3.4     19.1
===================  ======  ======

The mass text's progress fragment (``/mass-text/runs/<id>``, polled every second while a mass
text runs, timed for a finished one to 50 candidates, its largest), added later, measured 11.8
ms p50 and 23.9 ms p95 in a run on a very busy machine (8 engineers' tests) where the mass text
form took 13.3 / 25.8 and the numbers page 32.9 / 63.5 (100 requests a screen). It reads the
web app's in-memory record of the run and renders its rows: no database read beyond the
session's own (the account and the user).

The poll, requested every 2 s by each open panel, is one ``history_page`` read, the names of
the page's senders and the fragment; the panel adds the composer (the line's checks for the
limit). Both first named senders through ``display_names`` (every user and seat of the
account): 17.4 ms and 15.3 ms p50 at 100 users, growing with the account; now only the
page's senders are read.

The first numbers page offered every active user in a re-allocation list beside each inactive
user: 35 ms p50 and 182 ms p95, most of it the template (21 ms a page). Re-allocation is now a
page of its own, and the list is one row per number. What remains is mostly the services'
reads (``numbers.list()`` is about 11 ms for 50 numbers and their users on SQLite).

The audit trail named its users and seats through ``display_names``, which read every user and
every seat (with its line and users) of the account for each page; now ``audit_names`` reads
only the ids the page shows (``users.names_of`` and ``seats.names_of``, one ``IN`` query each).
At 1,000 HCM users (500 shared numbers) and, under the ATS host, 1,000 seats of three users
each (3,000 users), 200 requests per screen, ``--screens "audit trail" "seats audit trail"``
(``seats audit trail`` is the ATS account's ``/audit``), one run each on the shared machine at
a load average of 7 to 12, the before run with ``audit_names`` swapped back for
``display_names``:

===================  ===============  ===============
screen               before p50/p95   after p50/p95
===================  ===============  ===============
audit trail          118.6 / 210.4    5.1 / 16.3
seats audit trail    491.2 / 832.7    5.8 / 20.6
===================  ===============  ===============

The page now costs the same however many users and seats the account has.

The registration row is the page before registering, so its largest: the steps, the policy
settings and the whole brand and campaign form (42 controls); measured in a later run
beside numbers 10.0/36.0, opt-outs 4.2/14.7, audit 8.1/31.2 and seats 8.8/36.1.
The number search page (``/numbers/buy?country=US&area_code=415``: the sandbox's 20 offers and
the users to choose), added later, was timed in a run on a quieter machine where the numbers
page took 6.3 ms p50 and 10.1 ms p95: the search took 7.5 ms p50 and 10.7 ms p95.
*My line* (``/my-line``, the recruiter's own number and forwarding), added later, reads the
account's lines as the numbers page does and keeps the user's: 23.6 ms p50 and 43.9 ms p95
beside numbers 28.4 / 49.0, 100 requests each on a busy shared machine.
The Templates screen (``/templates``: a page of 25 of the account's 30 templates) and the
mass text with a template chosen (``/mass-text?template=...``: its text, its longest merge and
the choice of templates), added later, were timed in a run on a very busy machine where the
numbers page took 34.0 ms p50 and 98.4 ms p95: 17.9 / 44.0 and 17.7 / 56.6 (the plain mass
text 15.7 / 59.0; the texting panel, which now lists the templates too, 33.2 / 103.5).
The Scheduled screen (``/scheduled?everyone=1``: a page of 25 of the recruiter's 30 texts
scheduled for the next day), added later, was timed at 100 requests on a busy machine where
the numbers page took 31.5 ms p50 and 62.9 ms p95: it took 19.1 ms p50 and 35.4 ms p95.

The inbox, signed in as the same recruiter after ``REPLIES`` (30) candidates texted her line
(a full page of 25 threads and a next one), in a run on a busier machine (numbers 24.6 / 77.7,
texting panel 22.9 / 62.7, mass text 10.3 / 36.0 in it):

===================  ======  ======
screen               p50 ms  p95 ms
===================  ======  ======
inbox                19.3    63.5
inbox poll           11.9    38.0
===================  ======  ======

The page is one ``threads_page`` read (each thread's unread count and newest message from the
thread index) and the template; the poll, every 5 s per open page, is the session and one
unread count, within 2 ms of the mass-text form, the cheapest full page. Every page's
navigation now counts the unread too (``Visit.unread``), the same query as the poll.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from figures import Row
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sms_core import ManualClock, NumberQuery, OptOutSource, PhoneNumber, SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_core.testing.web import asgi_client
from sms_core.web import create_web_app, sign_in_token
from sms_core.web.mass_runs import THREAD_NAME
from sms_core.webhooks import create_app

#: A Tuesday afternoon; nothing here reads the wall clock but the timer.
START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
SECRET = "benchmark-secret-" + "b" * 32
ACCOUNT = "bench"
ADMIN = "admin"
#: The texting screens' (and My line's) user: on a shared line (``u0000`` is inactive), and
#: the candidate she texted ``TEXTS`` times, so the panel shows a full page of 25 and a next one.
RECRUITER = "u0001"
CANDIDATE = "cand-bench"
TEXTS = 30
TEXTING_SCREENS = (
    "texting panel",
    "texting poll",
    "mass text",
    "mass text progress",
    "my line",
    "mass text template",
    "scheduled",
    "inbox",
    "inbox poll",
)
#: How many candidates the mass text whose progress fragment is timed reached: the HCM cap.
MASS_TEXT = 50
#: The account's templates: a full page of 25 on the Templates screen and a next one.
TEMPLATES = 30
#: How many candidates reply to the recruiter's line: a full inbox page of 25 and a next one.
REPLIES = 30


class Timed:
    """ASGI middleware: how long the wrapped app took for each request, in milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.times: list[float] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Time the app from the request to the response's last body chunk."""
        began = time.perf_counter()

        async def timed_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times.append((time.perf_counter() - began) * 1000)

        await self.app(scope, receive, timed_send)


def main() -> None:
    """Build the agency, time every screen and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100, help="HCM users (default 100)")
    parser.add_argument("--opt-outs", type=int, default=200, help="opt-outs (default 200)")
    parser.add_argument("--seats", type=int, default=40, help="ATS seats (default 40)")
    parser.add_argument("--requests", type=int, default=300, help="requests per screen")
    parser.add_argument(
        "--screens",
        nargs="+",
        metavar="SCREEN",
        help="only these screens (by their name in the table, e.g. 'audit trail')",
    )
    args = parser.parse_args()
    results = measure(args.users, args.opt_outs, args.seats, args.requests, args.screens)
    print(f"{'screen':<22}{'p50 ms':>8}{'p95 ms':>8}")
    for name, times in results.items():
        print(f"{name:<22}{_p(times, 50):>8.1f}{_p(times, 95):>8.1f}")


def measure(
    users: int, opt_outs: int, seats: int, requests: int, only: Sequence[str] | None = None
) -> dict[str, list[float]]:
    """Each screen's render times (and the bare page's), ``requests`` each, interleaved.

    ``only`` names the screens to time (all by default); the agencies are built whole anyway.
    """
    clock = ManualClock(START)
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        carrier = str(folder / "carrier.sqlite3")
        widget = stack.enter_context(_sdk(folder / "widget.sqlite3", "hcm_widget", clock))
        ats = stack.enter_context(_sdk(folder / "seats.sqlite3", "ats_seats", clock))
        screens = {
            "numbers": (widget, "/numbers"),
            "opt-outs": (widget, "/optouts"),
            "audit trail": (widget, "/audit"),
            "seats audit trail": (ats, "/audit"),
            "registration": (widget, "/registration"),
            "seats": (ats, "/seats"),
            "texting panel": (widget, f"/texting?candidate={CANDIDATE}"),
            "texting poll": (widget, f"/texting/messages?candidate={CANDIDATE}"),
            "mass text": (widget, "/mass-text"),
            # The fragment a mass text's page polls every second, for a finished 50-recipient
            # mass text (its largest); the path is known once that mass text is sent, below.
            "mass text progress": (widget, ""),
            "scheduled": (widget, "/scheduled?everyone=1"),
            "number search": (widget, "/numbers/buy?country=US&area_code=415"),
            "my line": (widget, "/my-line"),
            "templates": (widget, "/templates"),
            "mass text template": (widget, "/mass-text?template="),  # the id, once made
            "inbox": (widget, "/inbox"),
            "inbox poll": (widget, "/inbox/unread"),
        }
        unknown = sorted(set(only or ()) - set(screens))
        if unknown:
            raise SystemExit(f"no screen {unknown}; the screens are {sorted(screens)}")
        if only:
            screens = {name: screen for name, screen in screens.items() if name in only}
        # Built once the screens' names are checked: a large agency takes minutes.
        _widget_agency(widget, carrier, clock, users, opt_outs)
        _seat_agency(ats, carrier, seats)
        _texting_history(widget, carrier, clock)
        _inbox_replies(widget, carrier, clock)
        if "mass text template" in screens:
            screens["mass text template"] = (widget, "/mass-text?template=" + _templates(widget))
        timers: dict[str, Timed] = {}
        clients = {}
        for name, (sdk, path) in screens.items():
            timers[name] = Timed(create_web_app(sdk, secret=SECRET))
            client = stack.enter_context(asgi_client(timers[name]))
            user = RECRUITER if name in TEXTING_SCREENS else ADMIN
            token = sign_in_token(SECRET, ACCOUNT, user, now=clock.now())
            client.get("/signin", params={"token": token})
            clients[name] = (client, path or _mass_text(client))
        timers["bare Starlette page"] = bare = Timed(_bare_app())
        clients["bare Starlette page"] = (stack.enter_context(asgi_client(bare)), "/")
        for client, path in clients.values():
            client.get(path)  # warm-up: templates compiled, statements cached
        for timer in timers.values():
            timer.times.clear()
        for _ in range(requests):
            for client, path in clients.values():
                answer = client.get(path)
                assert answer.status_code == 200, (path, answer.status_code)
    return {name: timers[name].times for name in clients}


@contextlib.contextmanager
def _sdk(path: Path, host: str, clock: ManualClock) -> Iterator[SmsAdmin]:
    with SmsAdmin.open(
        f"sqlite:///{path}",
        host=host,
        clock=clock,
        rng=random.Random(15),
        webhook_base_url="https://bench.example.test/webhooks",  # the inbox's replies come in
    ) as admin:
        yield admin


def _widget_agency(
    admin: SmsAdmin, carrier: str, clock: ManualClock, users: int, opt_outs: int
) -> None:
    account = admin.create_account(
        ACCOUNT, name="Bench Staffing", provider="fake", provider_settings={"state_path": carrier}
    )
    account.users.upsert(
        ADMIN, first_name="Dana", last_name="Reyes", permissions=["Marketplace Admin"]
    )
    ids = [f"u{index:04d}" for index in range(users)]
    for index, user_id in enumerate(ids):
        account.users.upsert(user_id, first_name=f"User{index}", last_name="Bench")
    area_codes = ("415", "206", "212", "312", "512")
    for pair in range(users // 2):
        query = NumberQuery(area_code=area_codes[pair % len(area_codes)], limit=1)
        [offer] = account.numbers.search(ADMIN, query)
        account.numbers.purchase(
            ADMIN, offer.number, ids[2 * pair : 2 * pair + 2], accept_terms=True
        )
    for user_id in ids[::4]:
        account.users.deactivate(user_id)
    for index in range(opt_outs):
        clock.advance(timedelta(seconds=30))
        account.optouts.record(
            PhoneNumber.parse(f"+1206555{index:04d}"),
            source=OptOutSource.HOST,
            keyword=None,
            at=clock.now(),
        )


def _seat_agency(admin: SmsAdmin, carrier: str, seats: int) -> None:
    account = admin.create_account(
        ACCOUNT, name="Bench Staffing", provider="fake", provider_settings={"state_path": carrier}
    )
    account.users.upsert(
        ADMIN, first_name="Riley", last_name="Chen", permissions=["Administration"]
    )
    for index in range(seats):
        seat = account.seats.create(ADMIN, f"Seat {index + 1}")
        account.seats.auto_assign(ADMIN, seat.id, accept_terms=True)
        members = [f"s{index:03d}-{member}" for member in range(3)]
        for user_id in members:
            account.users.upsert(user_id, first_name=user_id, last_name="Bench")
        account.seats.assign_users(ADMIN, seat.id, members)


def _texting_history(admin: SmsAdmin, carrier: str, clock: ManualClock) -> None:
    """Register the widget account at the sandbox, then ``TEXTS`` texts to one candidate.

    And ``TEXTS`` texts to them scheduled for the next day, for the Scheduled screen.
    """
    from sms_fake import SandboxCarrier  # noqa: PLC0415 - the sandbox is an adapter

    account = admin.account(ACCOUNT)
    account.registration.register(ADMIN, sample_brand(), sample_campaign())
    with SandboxCarrier(carrier) as sandbox:
        for review in (timedelta(hours=1), timedelta(hours=4), timedelta(days=1)):
            sandbox.advance(review)
            account.registration.sync()
    for index in range(TEXTS):
        clock.advance(timedelta(seconds=20))
        account.messages.send(
            RECRUITER, candidate_id=CANDIDATE, to="+15125550142", body=f"Shift {index} is open"
        )
    # As many scheduled for tomorrow: the Scheduled screen shows a full page and has a next.
    for index in range(TEXTS):
        account.scheduled.schedule(
            RECRUITER,
            candidate_id=CANDIDATE,
            to="+15125550142",
            body=f"Reminder {index}: shift tomorrow",
            at=clock.now() + timedelta(days=1, minutes=index),
        )


def _mass_text(client: httpx.Client) -> str:
    """Send a mass text to :data:`MASS_TEXT` candidates; its progress fragment's path, once done."""
    form = client.get("/mass-text").text
    fields = {
        name: form.split(f'name="{name}" value="', 1)[1].split('"', 1)[0]
        for name in ("csrf_token", "idempotency_key")
    }
    recipients = "\n".join(f"cand-{index}, +1512555{index:04d}" for index in range(MASS_TEXT))
    answer = client.post("/mass-text", data={**fields, "recipients": recipients, "body": "Hi"})
    assert answer.status_code == 303, answer.text
    for thread in threading.enumerate():  # the mass text runs in the web app's thread
        if thread.name.startswith(THREAD_NAME):
            thread.join()
    return "/mass-text/runs/" + answer.headers["location"].rsplit("=", 1)[1]


def _templates(admin: SmsAdmin) -> str:
    """``TEMPLATES`` templates with merge fields; the id of the first by name."""
    account = admin.account(ACCOUNT)
    made = [
        account.templates.create(
            ADMIN,
            name=f"Template {index:02d}",
            body=f"Hi {{candidate.first_name}}, {{agency.name}} has shift {index}. Reply STOP "
            "to opt out.",
        )
        for index in range(TEMPLATES)
    ]
    return made[0].id


def _inbox_replies(admin: SmsAdmin, carrier: str, clock: ManualClock) -> None:
    """``REPLIES`` candidates text the recruiter's line; the sandbox posts the webhooks."""
    from sms_fake import SandboxCarrier  # noqa: PLC0415 - the sandbox is an adapter

    account = admin.account(ACCOUNT)
    line = next(s.line.number for s in account.numbers.list() if RECRUITER in s.line.user_ids)
    with SandboxCarrier(carrier) as sandbox:
        for index in range(REPLIES):
            clock.advance(timedelta(seconds=20))
            sender = PhoneNumber.parse(f"+1512555{3000 + index:04d}")
            sandbox.inject_inbound_text(ACCOUNT, sender, line, f"Reply {index}: is it still open?")
        with asgi_client(create_app(admin), "https://bench.example.test") as hooks:
            sandbox.deliver_webhooks(hooks)
    assert account.inbox.unread_count(RECRUITER) == REPLIES


def _bare_app() -> Starlette:
    page = "<!doctype html><html lang='en'><title>Hello</title><main><h1>Hello</h1></main>"

    async def hello(_: object) -> HTMLResponse:
        return HTMLResponse(page)

    return Starlette(routes=[Route("/", hello)])


def _p(times: list[float], percent: int) -> float:
    """The ``percent``-th percentile of ``times``."""
    return statistics.quantiles(times, n=100, method="inclusive")[percent - 1]


def smoke() -> list[Row]:
    """40 users, 60 opt-outs, 10 seats, 30 requests a screen (for ``benchmarks/run.py``).

    Each screen's p50 and p95 beside the bare Starlette page's.
    """
    results = measure(users=40, opt_outs=60, seats=10, requests=30)
    bare = results.pop("bare Starlette page")
    return [
        Row(
            measure=f"web UI {name} page, p{percent} ms",
            sdk=_p(times, percent),
            baseline=_p(bare, percent),
            baseline_name="a bare Starlette page",
        )
        for name, times in results.items()
        for percent in (50, 95)
    ]


if __name__ == "__main__":
    main()

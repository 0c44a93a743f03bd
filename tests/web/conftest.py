"""The web UI's fixtures: two host products' accounts on the sandbox, and a signed-in client.

The widget (HCM) account ``acme`` has a number shared by Ann and Bob (``+1``), one for Cy,
who is inactive (shown in red), and 30 opt-outs (two pages of 25). A second account,
``globex``, has its own number, so tests can try its ids from ``acme``'s session. The seat
(ATS) database has ``acme`` with two seats. Time is a :class:`ManualClock`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from sms_core import ManualClock, NumberQuery, OptOutSource, PhoneNumber
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.testing.web import asgi_client
from sms_core.web import create_web_app, sign_in_token

#: A Tuesday afternoon; the tests never read the wall clock.
START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
#: The secret the host and the UI share (at least 32 characters).
SECRET = "test-secret-" + "x" * 32
#: How many opt-outs ``acme`` has: more than one page of the UI's 25.
OPT_OUTS = 30

SignIn = Callable[..., httpx.Client]


def opted_out(index: int) -> PhoneNumber:
    """The ``index``-th opted-out candidate's number."""
    return PhoneNumber.parse(f"+1206555{index:04d}")


def buy(account: AccountAdmin, actor: str, user_ids: list[str], area_code: str = "415") -> str:
    """Buy a number for ``user_ids``; return its line id."""
    [offer, *_] = account.numbers.search(actor, NumberQuery(area_code=area_code, limit=1))
    summary = account.numbers.purchase(actor, offer.number, user_ids, accept_terms=True)
    return summary.line.id


def build_widget(admin: SmsAdmin, carrier: Path, clock: ManualClock) -> None:
    """The HCM widget's accounts: ``acme`` (shared number, inactive user, opt-outs), ``globex``."""
    acme = admin.create_account(
        "acme",
        name="Acme Staffing",
        provider="fake",
        provider_settings={"state_path": str(carrier)},
    )
    acme.users.upsert(
        "admin", first_name="Dana", last_name="Reyes", permissions=["Marketplace Admin"]
    )
    acme.users.upsert("ann", first_name="Ann", last_name="Lee")
    acme.users.upsert("bob", first_name="Bob", last_name="Stone")
    acme.users.upsert("cy", first_name="Cy", last_name="Young")
    acme.users.upsert("dee", first_name="Dee", last_name="Park")
    buy(acme, "admin", ["ann", "bob"])
    buy(acme, "admin", ["cy"], area_code="206")
    acme.users.deactivate("cy")
    for index in range(OPT_OUTS):
        clock.advance(timedelta(minutes=1))
        acme.optouts.record(
            opted_out(index), source=OptOutSource.HOST, keyword=None, at=clock.now()
        )
    globex = admin.create_account(
        "globex", name="Globex", provider="fake", provider_settings={"state_path": str(carrier)}
    )
    globex.users.upsert(
        "boss", first_name="Gil", last_name="Bates", permissions=["Marketplace Admin"]
    )
    buy(globex, "boss", ["boss"], area_code="212")


def build_seats(admin: SmsAdmin, carrier: Path) -> None:
    """The ATS's account ``acme``: seat "Recruiting" with a number and two users, "Sales" empty."""
    acme = admin.create_account(
        "acme",
        name="Acme Staffing",
        provider="fake",
        provider_settings={"state_path": str(carrier)},
    )
    acme.users.upsert("admin", first_name="Dana", last_name="Reyes", permissions=["Administration"])
    acme.users.upsert("ann", first_name="Ann", last_name="Lee")
    acme.users.upsert("bob", first_name="Bob", last_name="Stone")
    seat = acme.seats.create("admin", "Recruiting")
    acme.seats.auto_assign("admin", seat.id, accept_terms=True)
    acme.seats.assign_users("admin", seat.id, ["ann", "bob"])
    acme.seats.create("admin", "Sales")
    globex = admin.create_account(
        "globex", name="Globex", provider="fake", provider_settings={"state_path": str(carrier)}
    )
    globex.users.upsert("boss", first_name="Gil", last_name="Bates", permissions=["Administration"])
    globex.seats.create("boss", "Globex seat")


#: Where a browser test keeps its page and the screenshot file to write should it fail.
FAILED_PAGE = pytest.StashKey[tuple[Any, Path]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Screenshot a failed browser test's page and name the file in its report."""
    report = yield
    if report.when == "call" and report.failed and FAILED_PAGE in item.stash:
        page, path = item.stash[FAILED_PAGE]
        page.screenshot(path=str(path), full_page=True)
        report.sections.append(("screenshot", f"{path} (of {page.url})"))
    return report


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def open_sdk(url: str, host: str, clock: ManualClock) -> SmsAdmin:
    return SmsAdmin.open(
        url,
        host=host,
        clock=clock,
        rng=random.Random(7),
        webhook_base_url="https://sms.example.test/webhooks",
    )


@pytest.fixture
def widget(tmp_path: Path, clock: ManualClock) -> Iterator[SmsAdmin]:
    with open_sdk(f"sqlite:///{tmp_path / 'widget.sqlite3'}", "hcm_widget", clock) as admin:
        build_widget(admin, tmp_path / "carrier.sqlite3", clock)
        yield admin


@pytest.fixture
def seat_host(tmp_path: Path, clock: ManualClock) -> Iterator[SmsAdmin]:
    with open_sdk(f"sqlite:///{tmp_path / 'seats.sqlite3'}", "ats_seats", clock) as admin:
        build_seats(admin, tmp_path / "carrier.sqlite3")
        yield admin


def mounted(admin: SmsAdmin, **options: object) -> Starlette:
    """The web UI mounted under ``/web`` in a host's app, as a host mounts it."""
    return Starlette(routes=[Mount("/web", app=create_web_app(admin, secret=SECRET, **options))])  # type: ignore[arg-type]


def signed_in(
    admin: SmsAdmin, clock: ManualClock, user: str = "admin", account: str = "acme"
) -> httpx.Client:
    """A client signed in to ``/web`` as ``user`` of ``account`` (the sign-in followed)."""
    client = asgi_client(mounted(admin))
    token = sign_in_token(SECRET, account, user, now=clock.now())
    answer = client.get("/web/signin", params={"token": token})
    assert 303 == answer.status_code, answer.text
    return client


@pytest.fixture
def web(widget: SmsAdmin, clock: ManualClock) -> Iterator[httpx.Client]:
    """The widget's UI, signed in as acme's Marketplace Admin."""
    client = signed_in(widget, clock)
    yield client
    client.close()


@pytest.fixture
def seats_web(seat_host: SmsAdmin, clock: ManualClock) -> Iterator[httpx.Client]:
    """The ATS's UI, signed in as acme's admin."""
    client = signed_in(seat_host, clock)
    yield client
    client.close()


def csrf_of(client: httpx.Client, page: str = "/web/numbers") -> str:
    """The session's CSRF token, as a page's forms carry it."""
    html = client.get(page).text
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]

"""The web UI's security review, over HTTP: CSRF on every route, ids checked against the viewer.

Issue 15's embedding rules: "CSRF protection on every form" and "every action is authorized
by the host plugin exactly as in the SDK". The CSRF walk reads the routes from the app itself,
so a screen added later is walked too; each unsafe route is posted a full form without the
session's token (and with a wrong one) and must answer 403 with nothing changed, compared on a
dump of the SDK's database and the sandbox carrier's state.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.routing import Mount, Route

from sms_core import NEXT_ALLOWED, ManualClock
from sms_core.services import SmsAdmin
from tests.web.conftest import csrf_of, mounted, signed_in
from tests.web.test_texting import SAM, register

#: A form with every field some screen reads, filled so that the action would change something.
FULL_FORM = {
    "to": SAM,
    "body": "Shift tomorrow at 9?",
    "candidate": "cand-sam",
    "number": "+14155550199",
    "user_id": "dee",
    "to_user_id": "dee",
    "forward_to": "+12065550199",
    "name": "Posted without a token",
    "recipients": f"cand-sam, {SAM}",
    "source": "paper",
    "evidence": "signed form",
    "when": "allowed",
    "accept_terms": "yes",
    "privacy_policy_url": "https://acme.example/privacy",
    "terms_and_conditions_url": "https://acme.example/terms",
    "idempotency_key": "no-token-key",
}

#: Routes the walk must find: the screens added since the first CSRF tests.
NEWER_ROUTES = {
    "/mass-text",
    "/texting/consent",
    "/texting/schedule",
    "/scheduled/{scheduled_id}/cancel",
    "/templates",
    "/templates/{template_id}",
    "/templates/{template_id}/delete",
    "/signout",
}


def unsafe_routes(admin: SmsAdmin) -> list[tuple[str, str]]:
    """Every (method, path template) of the web app that is not GET, HEAD or OPTIONS."""
    [mount] = [route for route in mounted(admin).routes if isinstance(route, Mount)]
    found: list[tuple[str, str]] = []
    for route in mount.routes:
        if isinstance(route, Route):
            found.extend(
                (method, route.path)
                for method in sorted(route.methods or ())
                if method not in {"GET", "HEAD", "OPTIONS"}
            )
    return found


def dump(*paths: Path) -> list[str]:
    """Every row of the SQLite files, as SQL: what "nothing changed" is compared on."""
    rows: list[str] = []
    for path in paths:
        connection = sqlite3.connect(path)
        try:
            rows.extend(connection.iterdump())
        finally:
            connection.close()
    return rows


@pytest.fixture
def ids(widget: SmsAdmin, tmp_path: Path) -> dict[str, str]:
    """Real ids of acme for each path parameter: a line, its user, a template, a scheduled text."""
    register(widget, tmp_path / "carrier.sqlite3")
    acme = widget.account("acme")
    [line] = [s.line for s in acme.numbers.list() if "ann" in s.line.user_ids]
    template = acme.templates.create("admin", name="Welcome", body="Welcome aboard")
    scheduled = acme.scheduled.schedule(
        "ann", candidate_id="cand-sam", to=SAM, body="Later", at=NEXT_ALLOWED
    )
    return {
        "line_id": line.id,
        "user_id": "ann",
        "template_id": template.id,
        "scheduled_id": scheduled.id,
        "seat_id": "no-seats-in-the-widget",
        "step": "brand",
    }


def filled(path: str, ids: dict[str, str]) -> str:
    """The path template with each ``{parameter}`` replaced by a real id."""
    return "/web" + re.sub(r"\{(\w+)\}", lambda match: ids[match.group(1)], path)


class TestEveryUnsafeRouteNeedsTheCsrfToken:
    def test_the_walk_finds_the_newer_screens(self, widget: SmsAdmin) -> None:
        paths = {path for _, path in unsafe_routes(widget)}
        assert NEWER_ROUTES <= paths, NEWER_ROUTES - paths

    @pytest.mark.parametrize("token", [None, "wrong-token"])
    def test_without_the_token_every_route_is_403_and_nothing_changes(
        self,
        widget: SmsAdmin,
        clock: ManualClock,
        tmp_path: Path,
        ids: dict[str, str],
        token: str | None,
    ) -> None:
        client = signed_in(widget, clock)
        files = (tmp_path / "widget.sqlite3", tmp_path / "carrier.sqlite3")
        before = dump(*files)
        data = dict(FULL_FORM) if token is None else {**FULL_FORM, "csrf_token": token}
        answers = {
            (method, path): client.request(method, filled(path, ids), data=data)
            for method, path in unsafe_routes(widget)
        }
        assert dict.fromkeys(answers, 403) == {
            key: answer.status_code for key, answer in answers.items()
        }
        assert all("security token is missing or wrong" in a.text for a in answers.values())
        assert before == dump(*files)
        assert 200 == client.get("/web/numbers").status_code  # still signed in

    def test_a_wrong_htmx_header_is_refused_too(
        self, widget: SmsAdmin, clock: ManualClock, tmp_path: Path, ids: dict[str, str]
    ) -> None:
        client = signed_in(widget, clock)
        files = (tmp_path / "widget.sqlite3", tmp_path / "carrier.sqlite3")
        before = dump(*files)
        for method, path in unsafe_routes(widget):
            answer = client.request(
                method, filled(path, ids), data=FULL_FORM, headers={"X-CSRF-Token": "forged"}
            )
            assert 403 == answer.status_code, path
        assert before == dump(*files)

    def test_the_comparison_sees_a_change(
        self, widget: SmsAdmin, clock: ManualClock, tmp_path: Path, ids: dict[str, str]
    ) -> None:
        """The control: the same form with the token does change the dump."""
        client = signed_in(widget, clock)
        files = (tmp_path / "widget.sqlite3", tmp_path / "carrier.sqlite3")
        before = dump(*files)
        answer = client.post("/web/templates", data={**FULL_FORM, "csrf_token": csrf_of(client)})
        assert 303 == answer.status_code, answer.text
        assert before != dump(*files)


@pytest.fixture
def recruiter(widget: SmsAdmin, clock: ManualClock) -> Iterator[httpx.Client]:
    """Ann, a recruiter without the Marketplace Admin permission."""
    client = signed_in(widget, clock, user="ann")
    yield client
    client.close()


class TestAdminPagesOfANumberAreRefusedToARecruiter:
    """A number's re-allocation pages name the number, its user and every active user.

    They are an admin's pages (the numbers list they come from is refused to a recruiter), so
    they read the line with the signed-in user as the viewer: the service refuses a recruiter
    (403, the host's "Marketplace Admin" named) before anything of another user's number is
    shown. Before the fix, Ann opened Cy's number's pages by its line id.
    """

    @pytest.mark.parametrize("page", ["reallocate", "reallocate/confirm?to_user_id=dee"])
    def test_another_users_number(
        self, widget: SmsAdmin, recruiter: httpx.Client, page: str
    ) -> None:
        [line] = [s.line for s in widget.account("acme").numbers.list() if "cy" in s.line.user_ids]
        answer = recruiter.get(f"/web/numbers/{line.id}/users/cy/{page}")
        assert 403 == answer.status_code, answer.text
        assert "Marketplace Admin" in answer.text
        assert line.number.e164 not in answer.text
        assert "Dee" not in answer.text

    @pytest.mark.parametrize("page", ["reallocate", "reallocate/confirm?to_user_id=dee"])
    def test_an_admin_opens_them(self, widget: SmsAdmin, web: httpx.Client, page: str) -> None:
        [line] = [s.line for s in widget.account("acme").numbers.list() if "cy" in s.line.user_ids]
        answer = web.get(f"/web/numbers/{line.id}/users/cy/{page}")
        assert 200 == answer.status_code, answer.text
        assert line.number.e164 in answer.text


@pytest.fixture
def theirs(widget: SmsAdmin, tmp_path: Path, ids: dict[str, str]) -> dict[str, str]:
    """Globex's ids for each path parameter, to try from acme's session."""
    register(widget, tmp_path / "carrier.sqlite3", "globex")
    globex = widget.account("globex")
    [line] = [s.line for s in globex.numbers.list()]
    template = globex.templates.create("boss", name="Theirs", body="Their words")
    scheduled = globex.scheduled.schedule(
        "boss", candidate_id="cand-sam", to=SAM, body="Their later text", at=NEXT_ALLOWED
    )
    sent = globex.messages.send("boss", candidate_id="cand-sam", to=SAM, body="Their text")
    return {
        **ids,
        "line_id": line.id,
        "user_id": "boss",
        "template_id": template.id,
        "scheduled_id": scheduled.id,
        "message_id": sent.message.id,
        "run_id": "0" * 32,
    }


def id_routes(admin: SmsAdmin) -> list[tuple[str, str]]:
    """Every (method, path template) of the web app whose path names an id."""
    [mount] = [route for route in mounted(admin).routes if isinstance(route, Mount)]
    return [
        (method, route.path)
        for route in mount.routes
        if isinstance(route, Route) and re.search(r"\{(?!step\})\w+\}", route.path)
        for method in sorted(route.methods or ())
        if method != "HEAD"
    ]


class TestAnotherAccountsIdsAreNotFound:
    """Every route that names an id, walked with another account's ids: 404, nothing changed.

    The recipe of ``sms_core/web/__init__.py``: each id is looked up through the session's
    account, so another account's is none. Acme's admin (who may open every page) tries
    globex's line, user, template, scheduled text and message.
    """

    def test_every_route_with_an_id(
        self, widget: SmsAdmin, clock: ManualClock, tmp_path: Path, theirs: dict[str, str]
    ) -> None:
        client = signed_in(widget, clock)
        token = csrf_of(client)
        files = (tmp_path / "widget.sqlite3", tmp_path / "carrier.sqlite3")
        before = dump(*files)
        answers = {
            (method, path): client.request(
                method, filled(path, theirs), data={**FULL_FORM, "csrf_token": token}
            ).status_code
            if method == "POST"
            else client.get(filled(path, theirs)).status_code
            for method, path in id_routes(widget)
        }
        assert len(answers) > 20
        assert dict.fromkeys(answers, 404) == answers
        assert before == dump(*files)


#: A phone number as a URL could carry it: E.164 with its ``+`` as typed or percent-encoded,
#: or ten digits in a row that are not part of a hexadecimal id.
NUMBER_IN_URL = re.compile(r"(\+|%2B)\d{8,15}|(?<![0-9a-f])\d{10,15}(?![0-9a-f])", re.IGNORECASE)
#: The URLs a page builds: links, form targets and htmx requests.
URL_ATTRIBUTE = re.compile(r'\b(?:href|action|formaction|hx-get|hx-post|src)="([^"]*)"')


class TestNoPhoneNumberInAnyUrl:
    """Issue 15: "no secrets or phone numbers in URLs". Numbers travel in a form's body only.

    Every page a recruiter and an admin reach after texting, scheduling, a mass text and a
    forwarding number, and the redirect each action answers with, checked for a number.
    """

    def test_every_page_and_redirect(
        self, widget: SmsAdmin, clock: ManualClock, ids: dict[str, str]
    ) -> None:
        ann = signed_in(widget, clock, user="ann")
        admin = signed_in(widget, clock)
        token = csrf_of(ann, "/web/texting")
        actions = [
            ann.post(
                "/web/texting/send",
                data={**FULL_FORM, "csrf_token": token, "idempotency_key": "k1"},
            ),
            ann.post(
                "/web/texting/schedule",
                data={**FULL_FORM, "csrf_token": token, "idempotency_key": "k2"},
            ),
            ann.post(
                f"/web/numbers/{ids['line_id']}/forwarding",
                data={"csrf_token": token, "forward_to": "+12065550199"},
            ),
            ann.post(
                "/web/mass-text",
                data={**FULL_FORM, "csrf_token": token, "idempotency_key": "k3"},
            ),
        ]
        assert [303] * len(actions) == [answer.status_code for answer in actions]
        locations = [answer.headers["location"] for answer in actions]
        pages = [
            *(ann.get(location) for location in locations),
            *(
                client.get(path)
                for client in (ann, admin)
                for path in (
                    "/web/inbox",
                    "/web/texting?candidate=cand-sam",
                    "/web/scheduled?everyone=1",
                    "/web/my-line",
                    f"/web/numbers/{ids['line_id']}/forwarding",
                    "/web/optouts",
                    "/web/templates",
                )
            ),
            *(
                admin.get(path)
                for path in (
                    "/web/numbers",
                    "/web/audit",
                    f"/web/numbers/{ids['line_id']}/users/ann/reallocate",
                )
            ),
        ]
        assert all(page.status_code == 200 for page in pages), [p.url for p in pages]
        assert SAM in " ".join(page.text for page in pages)  # the pages do show numbers
        urls = locations + [url for page in pages for url in URL_ATTRIBUTE.findall(page.text)]
        assert len(urls) > 100
        assert [] == [url for url in urls if NUMBER_IN_URL.search(url)]

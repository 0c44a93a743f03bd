"""The Templates screen over HTTP, and templates in the composer and the mass text.

acme's admin (a Marketplace Admin) may manage templates; Ann, a recruiter, may read and send
them but not change them: the host plugin decides (``sms_hcm_widget.permissions``), the
service asks it (``templates.may_manage``). The widget's limit is 160 characters, and merge
fields are written as :mod:`sms_core.templating` reads them (``{candidate.first_name}``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest

from sms_core import ManualClock
from sms_core.domain import Template, TemplateRecipient
from sms_core.services import SmsAdmin
from sms_core.web.templates_screen import template_recipients_of
from tests.web.conftest import csrf_of, signed_in
from tests.web.test_mass_text import finish_mass_texts
from tests.web.test_texting import register

GREETING = (
    "Acme Staffing: Hi {candidate.first_name}, {recruiter.first_name} here about {job.title}. "
    "Reply STOP to opt out."
)


def _text(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def _templates(admin: SmsAdmin, account: str = "acme", viewer: str = "admin") -> list[Template]:
    return list(admin.account(account).templates.list_page(viewer, limit=100).items)


def _add(client: httpx.Client, **fields: str) -> httpx.Response:
    data = {"csrf_token": csrf_of(client, "/web/templates"), **fields}
    return client.post("/web/templates", data=data)


@pytest.fixture
def ann(widget: SmsAdmin, clock: ManualClock) -> httpx.Client:
    """Ann, a recruiter of acme, signed in."""
    return signed_in(widget, clock, "ann")


@pytest.fixture
def greeting(widget: SmsAdmin) -> Template:
    """The template "Greeting" of acme, as the admin saved it."""
    return widget.account("acme").templates.create("admin", name="Greeting", body=GREETING)


class TestListing:
    """The account's templates, a page at a time, with the buttons the user may use."""

    def test_an_admin_sees_the_templates_and_the_buttons(
        self, web: httpx.Client, greeting: Template
    ) -> None:
        page = web.get("/web/templates").text
        assert "Greeting" in page
        assert "Hi {candidate.first_name}" in page
        assert "✔</span> Sample wording" not in page
        assert 'href="/web/templates/new"' in page
        assert f'href="/web/templates/{greeting.id}/edit"' in page
        assert f'href="/web/templates/{greeting.id}/delete"' in page
        assert '<a href="/web/templates" aria-current="page">Templates</a>' in page

    def test_a_recruiter_reads_them_without_the_buttons(
        self, ann: httpx.Client, greeting: Template
    ) -> None:
        page = ann.get("/web/templates").text
        assert "Greeting" in page
        assert "/web/templates/new" not in page
        assert f"/web/templates/{greeting.id}/edit" not in page

    def test_a_long_list_is_paged(self, web: httpx.Client, widget: SmsAdmin) -> None:
        """30 templates: 25 on the first page (by name), the other 5 on the next."""
        for index in range(30):
            widget.account("acme").templates.create(
                "admin", name=f"T{index:02d}", body=f"Text {index}"
            )
        first = web.get("/web/templates").text
        assert "T24" in first
        assert "T25" not in first
        [cursor] = re.findall(r'href="/web/templates\?cursor=([^"]+)" rel="next"', first)
        second = web.get(f"/web/templates?cursor={cursor}").text
        assert ["T25", "T26", "T27", "T28", "T29"] == re.findall(r">(T\d\d)</td>", second)


class TestCreate:
    """Adding a template; a refused one comes back filled in, with the service's reason."""

    def test_a_template_is_added(self, web: httpx.Client, widget: SmsAdmin) -> None:
        answer = _add(web, name="Greeting", body=GREETING, sample_compliant="on")
        assert 303 == answer.status_code, answer.text
        assert "/web/templates?done=created" == answer.headers["location"]
        assert "The template was added." in web.get(answer.headers["location"]).text
        [saved] = _templates(widget)
        assert ("Greeting", GREETING, True) == (saved.name, saved.body, saved.sample_compliant)

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            ("Hi {candidate.first_name, call me", "'{' at position 4 is not a merge field"),
            ("Hi {candidate.nickname}!", "{candidate.nickname} at position 4 is not a merge field"),
            (
                "{candidate.first_name} " + "x" * 140,
                "with its merge fields at their maximum lengths the text has 161 characters "
                "and the limit is 160",
            ),
        ],
        ids=["malformed", "unknown", "can-exceed"],
    )
    def test_a_refused_body_keeps_the_form_and_saves_nothing(
        self, web: httpx.Client, widget: SmsAdmin, body: str, reason: str
    ) -> None:
        answer = _add(web, name="Draft", body=body)
        assert 400 == answer.status_code
        assert reason in _text(answer.text)
        assert 'value="Draft"' in answer.text
        assert f">{body}</textarea>" in answer.text
        assert [] == _templates(widget)

    def test_a_sample_without_the_opt_out_line_is_refused(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = _add(web, name="Sample", body="Acme Staffing: new shifts", sample_compliant="on")
        assert 400 == answer.status_code
        assert "opt out" in _text(answer.text).lower()
        assert (
            'id="sample_compliant" name="sample_compliant" type="checkbox" checked' in answer.text
        )
        assert [] == _templates(widget)

    def test_a_taken_name_is_refused(
        self, web: httpx.Client, widget: SmsAdmin, greeting: Template
    ) -> None:
        answer = _add(web, name="Greeting", body="Another text")
        assert 409 == answer.status_code
        assert "the account has a template named 'Greeting'" in _text(answer.text)
        assert ">Another text</textarea>" in answer.text
        assert [GREETING] == [t.body for t in _templates(widget)]

    def test_without_the_csrf_token_nothing_is_added(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = web.post("/web/templates", data={"name": "Greeting", "body": GREETING})
        assert 403 == answer.status_code
        assert [] == _templates(widget)

    def test_a_recruiter_is_refused_with_the_hosts_reason(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        answer = _add(ann, name="Mine", body="Hello")
        assert 403 == answer.status_code
        assert "needs the 'Marketplace Admin' user permission" in _text(answer.text)
        assert [] == _templates(widget)


class TestEditAndRemove:
    """Editing and removing a template, by id, in the session's account only."""

    def test_the_edit_form_is_filled_and_saves(
        self, web: httpx.Client, widget: SmsAdmin, greeting: Template
    ) -> None:
        page = f"/web/templates/{greeting.id}/edit"
        form = web.get(page).text
        assert 'value="Greeting"' in form
        assert f">{GREETING}</textarea>" in form
        answer = web.post(
            f"/web/templates/{greeting.id}",
            data={"csrf_token": csrf_of(web, page), "name": "Hello", "body": "Hello again"},
        )
        assert 303 == answer.status_code, answer.text
        [saved] = _templates(widget)
        assert ("Hello", "Hello again") == (saved.name, saved.body)

    def test_a_refused_edit_changes_nothing(
        self, web: httpx.Client, widget: SmsAdmin, greeting: Template
    ) -> None:
        page = f"/web/templates/{greeting.id}/edit"
        answer = web.post(
            f"/web/templates/{greeting.id}",
            data={"csrf_token": csrf_of(web, page), "name": "Greeting", "body": "Hi {job}"},
        )
        assert 400 == answer.status_code
        assert "'{job}' at position 4 is not a merge field" in _text(answer.text)
        assert ">Hi {job}</textarea>" in answer.text
        assert [GREETING] == [t.body for t in _templates(widget)]

    def test_removing_asks_first(
        self, web: httpx.Client, widget: SmsAdmin, greeting: Template
    ) -> None:
        page = f"/web/templates/{greeting.id}/delete"
        confirm = web.get(page)
        assert 200 == confirm.status_code
        assert f'action="/web/templates/{greeting.id}/delete"' in confirm.text
        assert [greeting.id] == [t.id for t in _templates(widget)]
        answer = web.post(page, data={"csrf_token": csrf_of(web, page)})
        assert 303 == answer.status_code
        assert "/web/templates?done=deleted" == answer.headers["location"]
        assert [] == _templates(widget)

    @pytest.mark.parametrize(
        ("method", "suffix"),
        [("GET", "/edit"), ("POST", ""), ("GET", "/delete"), ("POST", "/delete")],
    )
    def test_another_accounts_template_is_not_found(
        self, web: httpx.Client, widget: SmsAdmin, method: str, suffix: str
    ) -> None:
        theirs = widget.account("globex").templates.create("boss", name="Theirs", body="Hi")
        data = {"csrf_token": csrf_of(web, "/web/templates"), "name": "Mine", "body": "Hello"}
        answer = web.request(
            method,
            f"/web/templates/{theirs.id}{suffix}",
            data=data if method == "POST" else None,
        )
        assert 404 == answer.status_code
        assert [("Theirs", "Hi")] == [
            (t.name, t.body) for t in _templates(widget, "globex", "boss")
        ]


class TestLiveCheck:
    """The template form's counter: the longest merge and the field the service would refuse."""

    def test_the_longest_merge_is_counted(self, web: httpx.Client) -> None:
        """3 + 20 + 10 characters: the first name at its 20 (``templating.MERGE_FIELDS``)."""
        answer = web.post(
            "/web/templates/check",
            data={"body": "Hi {candidate.first_name}, call me!"},
            headers={"X-CSRF-Token": csrf_of(web, "/web/templates")},
        )
        text = _text(answer.text)
        assert "35 / 160 characters" in text
        assert "Merged, each field at its longest ({candidate.first_name}): 33 / 160" in text

    def test_a_malformed_field_is_shown_with_its_position(self, web: httpx.Client) -> None:
        answer = web.post(
            "/web/templates/check",
            data={"body": "Hi } there"},
            headers={"X-CSRF-Token": csrf_of(web, "/web/templates")},
        )
        assert "'}' at position 4 is not a merge field" in _text(answer.text)


SHIFTS = (
    "Hi {candidate.first_name}, {recruiter.first_name} at {agency.name} has shifts. "
    "Reply STOP to opt out."
)
SAM, AL = "+15125550142", "+15125550143"  # Austin: 9 a.m. at the fixtures' time


@pytest.fixture
def shifts(widget: SmsAdmin) -> Template:
    """The template "Shifts" of acme: the candidate's, the recruiter's and the agency's names."""
    return widget.account("acme").templates.create("admin", name="Shifts", body=SHIFTS)


@pytest.fixture
def texting_ann(widget: SmsAdmin, clock: ManualClock, tmp_path: Path) -> httpx.Client:
    """Ann, on the shared line, registered, so she may text; signed in."""
    register(widget, tmp_path / "carrier.sqlite3")
    return signed_in(widget, clock, "ann")


def _mass_text(client: httpx.Client, template: Template, recipients: str) -> httpx.Response:
    page = f"/web/mass-text?template={template.id}"
    form = client.get(page).text
    [key] = re.findall(r'name="idempotency_key" value="(\w+)"', form)
    answer = client.post(
        "/web/mass-text",
        data={
            "csrf_token": csrf_of(client, page),
            "idempotency_key": key,
            "template": template.id,
            "recipients": recipients,
            "body": "ignored: the template's own text is sent",
        },
    )
    if answer.status_code != 303:
        return answer
    finish_mass_texts()  # the mass text runs in the background; its page shows the outcomes
    return client.get(answer.headers["location"])


class TestComposerChoice:
    """The panel's Template choice fills the composer; the counter shows the longest merge."""

    def test_a_chosen_template_fills_the_composer(
        self, texting_ann: httpx.Client, shifts: Template
    ) -> None:
        page = texting_ann.get(
            "/web/texting", params={"candidate": "cand-sam", "template": shifts.id}
        )
        assert 200 == page.status_code
        assert f'<option value="{shifts.id}" selected>Shifts</option>' in page.text
        assert f">{SHIFTS}</textarea>" in page.text
        text = _text(page.text)
        assert "Merged, each field at its longest" in text
        assert (
            "This text is sent as written: put the candidate's values in place of "
            "{candidate.first_name}, {recruiter.first_name}, {agency.name}."
        ) in text
        assert "<script>" not in page.text

    def test_without_a_choice_the_composer_is_empty(
        self, texting_ann: httpx.Client, shifts: Template
    ) -> None:
        page = texting_ann.get("/web/texting", params={"candidate": "cand-sam"}).text
        assert '<option value="">None: write the text</option>' in page
        assert 'aria-describedby="check"></textarea>' in page

    def test_another_accounts_template_is_not_found(
        self, ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        theirs = widget.account("globex").templates.create("boss", name="Theirs", body="Hi")
        page = ann.get("/web/texting", params={"candidate": "cand-sam", "template": theirs.id})
        assert 404 == page.status_code
        assert "Hi" not in re.findall(r"<textarea[^>]*>([^<]*)</textarea>", page.text)

    def test_the_counter_shows_the_longest_merge_and_refuses_no_brace(
        self, texting_ann: httpx.Client
    ) -> None:
        """A merge field is counted at its longest; in a text to one, a brace is a character."""
        token = csrf_of(texting_ann, "/web/texting?candidate=cand-sam")
        merged = texting_ann.post(
            "/web/texting/check",
            data={"body": "Hi {candidate.first_name}!"},
            headers={"X-CSRF-Token": token},
        )
        assert "({candidate.first_name}): 24 / 160 characters" in _text(merged.text)
        assert "This text is sent as written" in _text(merged.text)
        plain = texting_ann.post(
            "/web/texting/check", data={"body": "See you at {5pm}"}, headers={"X-CSRF-Token": token}
        )
        assert "refused" not in _text(plain.text)
        assert "Merged" not in _text(plain.text)


class TestMassTextFromTemplate:
    """A mass text from a template: each recipient's text merged by the service, shown merged."""

    def test_each_recipient_gets_and_sees_their_merged_text(
        self, texting_ann: httpx.Client, widget: SmsAdmin, shifts: Template
    ) -> None:
        form = texting_ann.get(f"/web/mass-text?template={shifts.id}").text
        assert f'<input type="hidden" name="template" value="{shifts.id}">' in form
        assert f'readonly aria-describedby="check">{SHIFTS}</textarea>' in form
        answer = _mass_text(
            texting_ann,
            shifts,
            f"cand-sam, {SAM}, candidate.first_name=Sam\ncand-al, {AL}, candidate.first_name=Al",
        )
        assert 200 == answer.status_code, answer.text
        text = _text(answer.text)
        sam = "Hi Sam, Ann at Acme Staffing has shifts. Reply STOP to opt out."
        al = "Hi Al, Ann at Acme Staffing has shifts. Reply STOP to opt out."
        assert f"cand-sam {SAM} {sam} ✔ Sent" in text
        assert f"cand-al {AL} {al} ✔ Sent" in text
        sent = widget.account("acme").messages.page("admin").items
        assert sorted([sam, al]) == sorted(m.body for m in sent)

    def test_a_merge_made_too_long_is_refused_naming_the_recipient(
        self, texting_ann: httpx.Client, widget: SmsAdmin, shifts: Template
    ) -> None:
        """The service refuses the whole mass text (``send_plan.check_bodies``); nothing is sent."""
        long_name = "A" * 104  # 3 + 104 + 57 characters
        answer = _mass_text(
            texting_ann,
            shifts,
            f"cand-sam, {SAM}, candidate.first_name=Sam\n"
            f"cand-al, {AL}, candidate.first_name={long_name}",
        )
        assert 400 == answer.status_code
        text = _text(answer.text)
        assert f"recipient 2 ({AL})" in text
        assert "164 characters" in text
        assert [] == list(widget.account("acme").messages.page("admin").items)

    def test_an_unknown_field_is_refused(
        self, texting_ann: httpx.Client, widget: SmsAdmin, shifts: Template
    ) -> None:
        answer = _mass_text(texting_ann, shifts, f"cand-sam, {SAM}, candidate.nick=Sammy")
        assert 400 == answer.status_code
        assert "{candidate.nick} is not a merge field" in _text(answer.text)
        assert [] == list(widget.account("acme").messages.page("admin").items)

    def test_a_resubmitted_form_sends_once(
        self, texting_ann: httpx.Client, widget: SmsAdmin, shifts: Template
    ) -> None:
        """The form's idempotency key goes to ``templates.send``: each recipient texted once."""
        page = f"/web/mass-text?template={shifts.id}"
        [key] = re.findall(r'name="idempotency_key" value="(\w+)"', texting_ann.get(page).text)
        data = {
            "csrf_token": csrf_of(texting_ann, page),
            "idempotency_key": key,
            "template": shifts.id,
            "recipients": f"cand-sam, {SAM}, candidate.first_name=Sam",
        }
        first = texting_ann.post("/web/mass-text", data=data)
        finish_mass_texts()
        second = texting_ann.post("/web/mass-text", data=data)
        finish_mass_texts()
        assert (303, 303) == (first.status_code, second.status_code)
        assert 1 == len(widget.account("acme").messages.page("admin").items)

    def test_another_accounts_template_sends_nothing(
        self, texting_ann: httpx.Client, widget: SmsAdmin
    ) -> None:
        theirs = widget.account("globex").templates.create("boss", name="Theirs", body="Hi")
        answer = texting_ann.post(
            "/web/mass-text",
            data={
                "csrf_token": csrf_of(texting_ann, "/web/mass-text"),
                "template": theirs.id,
                "recipients": f"cand-sam, {SAM}",
            },
        )
        assert 404 == answer.status_code
        assert [] == list(widget.account("acme").messages.page("admin").items)

    def test_without_the_csrf_token_nothing_is_sent(
        self, texting_ann: httpx.Client, widget: SmsAdmin, shifts: Template
    ) -> None:
        answer = texting_ann.post(
            "/web/mass-text",
            data={"template": shifts.id, "recipients": f"cand-sam, {SAM}, candidate.first_name=S"},
        )
        assert 403 == answer.status_code
        assert [] == list(widget.account("acme").messages.page("admin").items)


class TestRecipientLines:
    """The mass text's recipient lines with merge values."""

    def test_lines_with_values(self) -> None:
        assert [
            TemplateRecipient(
                candidate_id="cand-7",
                number="(512) 555-0142",
                values={"candidate.first_name": "Ana", "job.title": "Nurse, RN"},
            ),
            TemplateRecipient(candidate_id=None, number="+15125550143", values={}),
        ] == template_recipients_of(
            "cand-7, (512) 555-0142, candidate.first_name=Ana, job.title=Nurse, RN\n"
            "\n+15125550143\n"
        )

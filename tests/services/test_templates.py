"""Templates: saved with their merge fields checked, listed by name, rendered per recipient.

Every test runs on SQLite and on PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

import re
import threading

import pytest

from sms_core import (
    AccountAdmin,
    AuditAction,
    MessageBodyError,
    RecipientStatus,
    Template,
    TemplateRecipient,
)
from sms_core.exceptions import (
    AlreadyExistsError,
    InvalidCursorError,
    InvalidFieldError,
    PermissionDeniedError,
    TemplateError,
    TemplateNotFoundError,
)
from sms_core.templating import MERGE_FIELDS
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    START,
    Texting,
    buy_line,
    outbound_at_carrier,
    snapshot,
)

SHIFT = "Hi {candidate.first_name}, {agency.name} has a {job.title} shift. Reply STOP to opt out."


@pytest.fixture
def line(acme: AccountAdmin) -> str:
    """Ann's registered line."""
    return buy_line(acme, "ann").e164


class TestSaving(Texting):
    """A template is checked when saved; a refused one leaves nothing behind."""

    def test_create_get_update_delete_audited(self, acme: AccountAdmin) -> None:
        """Each change is in the audit trail with the template before and after."""
        made = acme.templates.create("admin", name="Shift offer", body=SHIFT)
        assert (
            made == acme.templates.get("ann", "Shift offer") == acme.templates.get("ann", made.id)
        )
        changed = acme.templates.update("admin", made.id, name="Shift", sample_compliant=False)
        assert ("Shift", SHIFT) == (changed.name, changed.body)
        acme.templates.delete("admin", "Shift")
        with pytest.raises(TemplateNotFoundError, match="'Shift'"):
            acme.templates.get("ann", "Shift")
        trail = [
            (entry.action, entry.target, entry.before, entry.after)
            for entry in acme.audit.list()
            if entry.action.value.endswith("_template")
        ]
        snap = {"name": "Shift offer", "body": SHIFT, "sample_compliant": False}
        renamed = {**snap, "name": "Shift"}
        assert [
            (AuditAction.CREATE_TEMPLATE, made.id, None, snap),
            (AuditAction.UPDATE_TEMPLATE, made.id, snap, renamed),
            (AuditAction.DELETE_TEMPLATE, made.id, renamed, None),
        ] == sorted(trail, key=lambda entry: list(AuditAction).index(entry[0]))

    def test_name_unique_in_account(self, acme: AccountAdmin) -> None:
        """A second template of the same name is refused naming it; the first is unchanged."""
        first = acme.templates.create("admin", name="Shift", body="Hi {candidate.first_name}")
        with pytest.raises(AlreadyExistsError, match="'Shift'"):
            acme.templates.create("admin", name="Shift", body="Other")
        other = acme.templates.create("admin", name="Other", body="Other")
        with pytest.raises(AlreadyExistsError, match="'Shift'"):
            acme.templates.update("admin", other.id, name="Shift")
        assert [first, other] == sorted(
            acme.templates.list_page("ann").items, key=lambda t: t.name != "Shift"
        )

    @pytest.mark.parametrize(
        ("body", "named"),
        [
            ("Hi {candidate.firstname}", "{candidate.firstname} at position 4"),
            ("Hi {candidate.first_name", "'{' at position 4"),
            ("Hi candidate.first_name}", "'}' at position 24"),
            ("Hi {}", "'{}' at position 4"),
            ("Hi {Candidate.First_Name}", "'{Candidate.First_Name}' at position 4"),
            ("Hi {salary.amount}", "{salary.amount} at position 4"),
        ],
    )
    def test_bad_field_refused_naming_it(self, acme: AccountAdmin, body: str, named: str) -> None:
        """Unknown and malformed fields are refused naming the field and its position."""
        with pytest.raises(TemplateError, match=re.escape(named)):
            acme.templates.create("admin", name="Bad", body=body)
        assert () == acme.templates.list_page("ann").items

    def test_body_that_can_exceed_the_limit_refused(self, acme: AccountAdmin) -> None:
        """At 1600 characters (the sandbox's limit) a body with fields at their maximum is over.

        The body alone is 1590 characters; with ``{job.title}`` at its 40 it is 1630.
        """
        body = "x" * (1600 - 10) + "{job.title}"
        with pytest.raises(TemplateError, match="1630 characters and the limit is 1600"):
            acme.templates.create("admin", name="Long", body=body)
        fits = "x" * (1600 - MERGE_FIELDS["job.title"].max_length) + "{job.title}"
        assert fits == acme.templates.create("admin", name="Fits", body=fits).body

    def test_literal_braces_allowed(self, acme: AccountAdmin) -> None:
        """``{{`` and ``}}`` are a literal brace, not a field."""
        made = acme.templates.create("admin", name="Braces", body="Code {{A1}} for {job.title}")
        assert "Code {{A1}} for {job.title}" == made.body

    def test_sample_wording_needs_brand_and_opt_out(self, acme: AccountAdmin) -> None:
        """The registered brand's name and an opt-out line, by the registration lint's rules."""
        with pytest.raises(TemplateError) as refused:
            acme.templates.create(
                "admin", name="Sample", body="Hi {candidate.first_name}", sample_compliant=True
            )
        assert 2 == len(refused.value.problems)
        assert "'Northwind Staffing'" in refused.value.problems[0]
        assert "opt out" in refused.value.problems[1]
        body = "Northwind Staffing: hi {candidate.first_name}, a shift? Reply STOP to opt out."
        made = acme.templates.create("admin", name="Sample", body=body, sample_compliant=True)
        assert made.sample_compliant
        with pytest.raises(TemplateError, match="does not tell the recipient how to opt out"):
            acme.templates.update("admin", "Sample", body="Northwind Staffing: hi")
        assert made == acme.templates.get("ann", "Sample")

    def test_recruiter_cannot_manage(self, acme: AccountAdmin) -> None:
        """Changing templates needs the registration permission; texting users may read them."""
        with pytest.raises(PermissionDeniedError):
            acme.templates.create("ann", name="Mine", body="Hi")
        acme.templates.create("admin", name="Ours", body="Hi")
        with pytest.raises(PermissionDeniedError):
            acme.templates.delete("ann", "Ours")
        assert ["Ours"] == [t.name for t in acme.templates.list_page("ann").items]

    def test_may_manage_answers_as_the_host_decides(self, acme: AccountAdmin) -> None:
        """Asked beforehand (a screen shows its buttons by it): the admin may, Ann may not."""
        assert (True, False) == (
            acme.templates.may_manage("admin"),
            acme.templates.may_manage("ann"),
        )

    def test_body_limit_is_the_one_templates_are_checked_against(self, acme: AccountAdmin) -> None:
        """The limit reported is the one a template's longest merge must fit."""
        limit = acme.templates.body_limit()
        with pytest.raises(TemplateError, match=f"the limit is {limit};"):
            acme.templates.create("admin", name="Long", body="x" * (limit + 1))
        acme.templates.create("admin", name="Fits", body="x" * limit)


class TestListing(Texting):
    """Templates are listed by name, a page at a time."""

    def test_pages_by_name(self, acme: AccountAdmin) -> None:
        """Pages of two, in name order, each continuing where the last stopped."""
        for name in ("delta", "alpha", "echo", "charlie", "bravo"):
            acme.templates.create("admin", name=name, body=f"{name} text")
        names: list[str] = []
        cursor = None
        while True:
            page = acme.templates.list_page("ann", limit=2, cursor=cursor)
            names += [template.name for template in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert ["alpha", "bravo", "charlie", "delta", "echo"] == names

    def test_other_lists_cursor_refused(self, acme: AccountAdmin) -> None:
        """A cursor of another list is refused."""
        acme.optouts.record(ALICE, source="host", keyword=None, at=START)
        acme.optouts.record(BRUNO, source="host", keyword=None, at=START)
        cursor = acme.optouts.page("admin", limit=1).next_cursor
        with pytest.raises(InvalidCursorError):
            acme.templates.list_page("ann", cursor=cursor)


class TestSending(Texting):
    """A template rendered per recipient goes out as one mass text."""

    def test_rendered_per_recipient(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Each text has its candidate's values; agency and recruiter default to the account's."""
        acme.templates.create(
            "admin",
            name="Shift",
            body="{recruiter.first_name} at {agency.name}: "
            "{candidate.first_name}, {job.title} tomorrow?",
        )
        result = acme.templates.send(
            "ann",
            "Shift",
            [
                TemplateRecipient(
                    candidate_id="a", number=ALICE, values={"candidate.first_name": "Alice"}
                ),
                TemplateRecipient(
                    candidate_id="b",
                    number=BRUNO,
                    values={"candidate.first_name": "Bruno", "job.title": "Night porter"},
                ),
            ],
            values={"job.title": "Forklift driver"},
        )
        assert 2 == result.sent
        assert {
            ALICE: "Ann at Acme Staffing: Alice, Forklift driver tomorrow?",
            BRUNO: "Ann at Acme Staffing: Bruno, Night porter tomorrow?",
        } == {str(message.recipient): message.body for message in outbound_at_carrier(carrier)}

    def test_too_long_merge_refuses_all_naming_recipient(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Carla's title makes her text 1,601 characters: nobody is texted, nothing stored."""
        body = "x" * (1600 - 40) + "{job.title}"
        acme.templates.create("admin", name="Long", body=body)
        recipients = [
            TemplateRecipient(candidate_id=None, number=number, values={"job.title": title})
            for number, title in ((ALICE, "Nurse"), (BRUNO, "Porter"), (CARLA, "y" * 41))
        ]
        before = snapshot(acme, carrier)
        with pytest.raises(MessageBodyError) as refused:
            acme.templates.send("ann", "Long", recipients)
        assert (CARLA, 1601) == (refused.value.recipient, refused.value.length)
        assert f"recipient 3 ({CARLA}), 1601 characters" in str(refused.value)
        assert before == snapshot(acme, carrier)

    def test_check_send_refuses_what_send_would_and_sends_nothing(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """``check_send`` asks the same as ``send`` before sending: Carla's merge is too long."""
        acme.templates.create("admin", name="Long", body="x" * (1600 - 40) + "{job.title}")
        recipients = [
            TemplateRecipient(candidate_id=None, number=number, values={"job.title": title})
            for number, title in ((ALICE, "Nurse"), (CARLA, "y" * 41))
        ]
        before = snapshot(acme, carrier)
        with pytest.raises(MessageBodyError) as refused:
            acme.templates.check_send("ann", "Long", recipients)
        assert (CARLA, 1601) == (refused.value.recipient, refused.value.length)
        acme.templates.check_send("ann", "Long", recipients[:1])  # Alice's alone passes
        assert before == snapshot(acme, carrier)

    def test_missing_value_refuses_all_naming_recipient(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A field without a value for Bruno: refused naming him and it, nothing sent."""
        acme.templates.create("admin", name="Hi", body="Hi {candidate.first_name}")
        recipients = [
            TemplateRecipient(
                candidate_id=None, number=ALICE, values={"candidate.first_name": "Alice"}
            ),
            TemplateRecipient(candidate_id=None, number=BRUNO),
        ]
        before = snapshot(acme, carrier)
        with pytest.raises(
            TemplateError,
            match=re.escape(
                f"{{candidate.first_name}} but no value was given for recipient {BRUNO}"
            ),
        ):
            acme.templates.send("ann", "Hi", recipients)
        assert before == snapshot(acme, carrier)

    def test_unknown_value_refused(self, acme: AccountAdmin, line: str) -> None:
        """A value for a field that does not exist is a typo: refused naming it."""
        acme.templates.create("admin", name="Hi", body="Hi {candidate.first_name}")
        with pytest.raises(TemplateError, match=re.escape("{candidate.firstname}")):
            acme.templates.send(
                "ann",
                "Hi",
                [TemplateRecipient(candidate_id=None, number=ALICE)],
                values={"candidate.firstname": "Alice"},
            )

    def test_retry_with_key_sends_nothing_twice(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The same call again with its key reaches nobody a second time."""
        acme.templates.create("admin", name="Hi", body="Hi {candidate.first_name}")
        recipients = [
            TemplateRecipient(candidate_id=None, number=n, values={"candidate.first_name": f})
            for n, f in ((ALICE, "Alice"), (BRUNO, "Bruno"))
        ]
        acme.templates.send("ann", "Hi", recipients, idempotency_key="k1")
        again = acme.templates.send("ann", "Hi", recipients, idempotency_key="k1")
        assert [True, True] == [outcome.duplicate for outcome in again.outcomes]
        assert {RecipientStatus.SENT} == {outcome.status for outcome in again.outcomes}
        assert 2 == len(outbound_at_carrier(carrier))


class TestBadArguments(Texting):
    """Arguments of the wrong type or size are refused by field; nothing is written."""

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"name": 7, "body": "Hi"}, "name"),
            ({"name": "  ", "body": "Hi"}, "name"),
            ({"name": "x" * 101, "body": "Hi"}, "name"),
            ({"name": "Hi", "body": None}, "body"),
            ({"name": "Hi", "body": "Hi", "sample_compliant": "yes"}, "sample_compliant"),
        ],
    )
    def test_create(self, acme: AccountAdmin, kwargs: dict[str, object], field: str) -> None:
        """Each bad argument is named."""
        with pytest.raises(InvalidFieldError) as refused:
            acme.templates.create("admin", **kwargs)  # type: ignore[arg-type]
        assert field == refused.value.field
        assert () == acme.templates.list_page("ann").items

    def test_blank_body(self, acme: AccountAdmin) -> None:
        """A body no reader would see is refused as a text would be."""
        with pytest.raises(MessageBodyError, match="the template's the message is empty"):
            acme.templates.create("admin", name="Blank", body=" \n ")

    def test_send_arguments(self, acme: AccountAdmin, line: str) -> None:
        """Recipients of another type, or values that are not text, are refused by field."""
        acme.templates.create("admin", name="Hi", body="Hi {candidate.first_name}")
        with pytest.raises(InvalidFieldError, match="recipients"):
            acme.templates.send("ann", "Hi", [ALICE])  # type: ignore[list-item]
        with pytest.raises(InvalidFieldError, match="values"):
            acme.templates.send(
                "ann",
                "Hi",
                [TemplateRecipient(candidate_id=None, number=ALICE)],
                values={"candidate.first_name": 7},  # type: ignore[dict-item]
            )
        with pytest.raises(InvalidFieldError, match="values"):
            acme.templates.send(
                "ann",
                "Hi",
                [TemplateRecipient(candidate_id=None, number=ALICE)],
                values=["candidate.first_name"],  # type: ignore[arg-type]
            )


class TestConcurrentNames(Texting):
    """Two admins saving the same name at once: one template, the other told it exists."""

    def test_one_wins(self, acme: AccountAdmin) -> None:
        """Four threads, one barrier: exactly one create succeeds, three get AlreadyExistsError."""
        barrier = threading.Barrier(4)
        results: list[object] = []

        def create(index: int) -> None:
            barrier.wait()
            try:
                results.append(acme.templates.create("admin", name="Shift", body=f"Text {index}"))
            except AlreadyExistsError as err:
                results.append(err)

        threads = [threading.Thread(target=create, args=(index,)) for index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert 1 == sum(1 for result in results if isinstance(result, Template))
        assert 3 == sum(1 for result in results if isinstance(result, AlreadyExistsError))
        [saved] = acme.templates.list_page("ann").items
        assert [saved] == [result for result in results if isinstance(result, Template)]

"""Names for the ids a page shows: only those ids are read, one query for users and one for seats.

Runs on SQLite and PostgreSQL (``database_url``), since the store does the ``IN``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa

from sms_core.domain import (
    KEYWORD_RECORDER,
    ConsentRecord,
    ConsentSource,
    OptOut,
    OptOutSource,
    PhoneNumber,
)
from sms_core.exceptions import InvalidFieldError
from sms_core.inputs import ID_LENGTH, LIST_LIMIT_MAX
from sms_core.presentation import audit_names, change_text, consent_names, optout_names
from sms_core.services import AccountAdmin, SmsAdmin


def statements_of(admin: SmsAdmin) -> list[str]:
    """Every SQL statement the SDK runs from now on, appended as it runs."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(admin.database.engine, "before_cursor_execute", record)
    return statements


@pytest.fixture
def host() -> str:
    return "ats_seats"


@pytest.fixture
def other(admin: SmsAdmin, carrier_path: Path) -> AccountAdmin:
    """A second account, whose users and seats the first one must never name."""
    account = admin.create_account(
        "globex",
        name="Globex",
        provider="fake",
        provider_settings={"state_path": str(carrier_path)},
    )
    account.users.upsert("zed", first_name="Zed", last_name="Other", permissions=["Administration"])
    account.seats.create("zed", "Globex seat")
    return account


class TestUserNames:
    """``users.names_of(ids)``: the account's users among the ids, by full name."""

    def test_only_the_accounts_users_among_the_ids(
        self, acme: AccountAdmin, other: AccountAdmin
    ) -> None:
        """Unknown ids and another account's users are left out; the rest read by full name."""
        expected = {"ann": "Ann Lee", "bob": "Bob Stone"}
        assert expected == acme.users.names_of(["ann", "bob", "zed", "nobody", "ann"])

    def test_one_query_however_many_ids(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """Three ids or a thousand: one statement reads them."""
        statements = statements_of(admin)
        acme.users.names_of([f"user-{index}" for index in range(1000)] + ["cy"])
        [statement] = [text for text in statements if "FROM users" in text]
        assert " IN " in statement
        assert 1 == len([text for text in statements if text.lstrip().upper().startswith("SELECT")])

    def test_no_ids_no_query(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """Nothing to name reads nothing."""
        statements = statements_of(admin)
        assert {} == acme.users.names_of([])
        assert [] == [text for text in statements if "FROM users" in text]

    @pytest.mark.parametrize("text", ["", " ann", "ann ", "a" * (ID_LENGTH + 1)])
    def test_a_text_that_cannot_be_an_id_names_nothing(self, acme: AccountAdmin, text: str) -> None:
        """A lookup finds what exists: such a text is no error, it is simply not a user."""
        assert {"bob": "Bob Stone"} == acme.users.names_of([text, "bob"])

    @pytest.mark.parametrize(
        ("ids", "field"),
        [("ann", "user_ids"), (None, "user_ids"), (["ann", 7], r"user_ids\[1\]")],
    )
    def test_refuses_what_is_not_a_collection_of_texts(
        self, acme: AccountAdmin, ids: object, field: str
    ) -> None:
        """One text (read as its letters otherwise), ``None`` or a number is a typed refusal."""
        with pytest.raises(InvalidFieldError, match=field):
            acme.users.names_of(ids)  # type: ignore[arg-type]

    def test_refuses_more_than_a_list_call_returns(self, acme: AccountAdmin) -> None:
        """At most ``LIST_LIMIT_MAX`` ids at once; the message says so."""
        with pytest.raises(InvalidFieldError, match=f"at most {LIST_LIMIT_MAX} ids"):
            acme.users.names_of(["ann"] * (LIST_LIMIT_MAX + 1))


class TestSeatNames:
    """``seats.names_of(ids)``: the account's seats among the ids, by name."""

    def test_only_the_accounts_seats_among_the_ids(
        self, admin: SmsAdmin, acme: AccountAdmin, other: AccountAdmin
    ) -> None:
        """One statement with ``IN``; another account's seat and unknown ids are left out."""
        first = acme.seats.create("admin", "Seat 1")
        acme.seats.create("admin", "Seat 2")
        [foreign] = [summary.seat.id for summary in other.seats.list()]
        statements = statements_of(admin)
        assert {first.id: "Seat 1"} == acme.seats.names_of([first.id, foreign, "ann"])
        [statement] = [text for text in statements if "FROM seats" in text]
        assert " IN " in statement

    def test_refuses_one_text(self, acme: AccountAdmin) -> None:
        """A seat id alone is not a collection of them."""
        with pytest.raises(InvalidFieldError, match="seat_ids"):
            acme.seats.names_of("seat")


class TestAuditNames:
    """An audit page names its actors, targets and changed users and seats, and no one else."""

    def test_names_what_the_page_shows(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """Who, the seat and the users a change names read by name; "cy", off the page, is not."""
        seat = acme.seats.create("admin", "Seat 1")
        acme.seats.auto_assign("admin", seat.id, accept_terms=True)
        acme.seats.assign_users("admin", seat.id, ["ann", "bob"])
        acme.seats.remove_user("admin", seat.id, "ann")
        page = acme.audit.page(limit=3)
        statements = statements_of(admin)
        names = audit_names(acme, page.items)
        expected = {"admin": "Dana Reyes", "ann": "Ann Lee", "bob": "Bob Stone", seat.id: "Seat 1"}
        assert expected == names
        selects = [text for text in statements if text.lstrip().upper().startswith("SELECT")]
        assert 2 == len(selects)
        assert "users: Ann Lee, Bob Stone → Bob Stone" in change_text(page.items[0], names)


class TestRowNames:
    """The lists' helpers name the users their rows show, in one query, reading no seat."""

    def test_consent_names_its_recorders(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """Who recorded each record, by name; a keyword's record names no user."""
        records = [
            ConsentRecord(
                id=f"r-{index}",
                number=PhoneNumber.parse("+14155550100"),
                source=ConsentSource.PAPER,
                recorded_by=recorder,
                evidence="Binder 3",
                recorded_at=datetime(2026, 3, 10, tzinfo=UTC),
            )
            for index, recorder in enumerate(["ann", KEYWORD_RECORDER, "bob", "ann"])
        ]
        statements = statements_of(admin)
        assert {"ann": "Ann Lee", "bob": "Bob Stone"} == consent_names(acme, records)
        [select] = [text for text in statements if text.lstrip().upper().startswith("SELECT")]
        assert "FROM users" in select
        assert " IN " in select

    def test_optout_names_who_lifted(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """An opt-out in force, or lifted by the candidate, names no one."""
        when = datetime(2026, 3, 10, tzinfo=UTC)
        number = PhoneNumber.parse("+14155550100")
        optouts = [
            OptOut(number=number, opted_out_at=when, source=OptOutSource.KEYWORD),
            OptOut(number=number, opted_out_at=when, source=OptOutSource.KEYWORD, lifted_at=when),
            OptOut(
                number=number,
                opted_out_at=when,
                source=OptOutSource.KEYWORD,
                lifted_at=when,
                lifted_by="admin",
            ),
        ]
        assert {"admin": "Dana Reyes"} == optout_names(acme, optouts)
        statements = statements_of(admin)
        assert {} == optout_names(acme, optouts[:2])
        assert [] == statements

    def test_more_ids_than_one_lookup_takes(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """A long page (a run of due scheduled texts) is named in lookups of the most they take."""
        records = [
            ConsentRecord(
                id=f"r-{index}",
                number=PhoneNumber.parse("+14155550100"),
                source=ConsentSource.PAPER,
                recorded_by=f"user-{index}",
                evidence="Binder 3",
                recorded_at=datetime(2026, 3, 10, tzinfo=UTC),
            )
            for index in range(LIST_LIMIT_MAX)
        ]
        statements = statements_of(admin)
        assert {"cy": "Cy Young"} == consent_names(
            acme, [*records, attrs.evolve(records[0], recorded_by="cy")]
        )
        assert 2 == len([text for text in statements if "FROM users" in text])

"""The first-text consent rule against a model, on SQLite and PostgreSQL (Hypothesis)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_core import (
    Account,
    ConsentRecord,
    ConsentSource,
    DeliveryStatus,
    Direction,
    Line,
    Message,
    PhoneNumber,
)
from sms_core.services.consent_rule import consent_refusals
from sms_core.store import Database
from sms_core.store import consent as consent_store
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store
from sms_core.store.accounts import insert_account

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
NUMBERS = [PhoneNumber.parse(f"+1212555{i:04d}") for i in range(6)]

#: What each number has on the account before the text: a consent record, a text from the
#: candidate, a text to the candidate, each on or off; and whether the rule is on.
HISTORY = st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=6, max_size=6)

bounded = settings(
    max_examples=int(os.environ.get("SMS_PROPERTY_EXAMPLES", "30")),
    deadline=None,
    database=None,
    # One database per test; each example uses a fresh account in it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database.open(database_url)
    yield db
    db.close()


class TestRuleModel:
    """A number is refused exactly when the rule is on and it has no record and no text."""

    @bounded
    @given(history=HISTORY, required=st.booleans(), released=st.booleans())
    def test_matches_the_model(
        self,
        database: Database,
        history: list[tuple[bool, bool, bool]],
        required: bool,
        released: bool,
    ) -> None:
        """Records, texts either way (on a released line too) and the setting decide alone."""
        account_id = f"a{next(_ACCOUNTS)}"
        with database.transaction() as connection:
            insert_account(connection, Account(id=account_id, name="A", provider="fake"), NOW)
            line = Line(
                id=f"{account_id}-l",
                account_id=account_id,
                number=PhoneNumber.parse(f"+1415555{next(_ACCOUNTS) % 10_000:04d}"),
                provider_ref="PN1",
            )
            line_store.insert_line(connection, line, NOW)
            if released:
                line_store.deactivate_line(connection, line, NOW)
            for index, (recorded, inbound, outbound) in enumerate(history):
                number = NUMBERS[index]
                if recorded:
                    consent_store.insert_consent(connection, account_id, _record(index, number))
                texts = [Direction.INBOUND] * inbound + [Direction.OUTBOUND] * outbound
                message_store.insert_messages(
                    connection, [_text(account_id, line, number, way) for way in texts]
                )
            if required:
                consent_store.save_consent_required(
                    connection, account_id, required=True, at=NOW, by="dana"
                )
        with database.transaction() as connection:
            refused = consent_refusals(connection, account_id, NUMBERS)
        expected = {
            number
            for number, (recorded, inbound, outbound) in zip(NUMBERS, history, strict=True)
            if required and not (recorded or inbound or outbound)
        }
        assert expected == set(refused)
        for number, error in refused.items():
            assert number.e164 == error.number


_ACCOUNTS = itertools.count()


def _record(index: int, number: PhoneNumber) -> ConsentRecord:
    return ConsentRecord(
        id=f"k{next(_ACCOUNTS)}-{index}",
        number=number,
        source=ConsentSource.PAPER,
        recorded_by="dana",
        evidence="signed",
        recorded_at=NOW,
    )


def _text(account_id: str, line: Line, number: PhoneNumber, way: Direction) -> Message:
    inbound = way is Direction.INBOUND
    return Message(
        id=f"m{next(_ACCOUNTS)}",
        account_id=account_id,
        line_id=line.id,
        direction=way,
        sender=number if inbound else line.number,
        recipient=line.number if inbound else number,
        body="Shift?",
        status=DeliveryStatus.RECEIVED if inbound else DeliveryStatus.QUEUED,
        created_at=NOW,
        updated_at=NOW,
    )

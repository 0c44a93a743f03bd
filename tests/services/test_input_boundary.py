"""The input boundary: bad values are refused with a typed error before the database is touched.

Issue 13 items 3, 4, 6 and 12: values longer than their column (which SQLite keeps and
PostgreSQL refuses mid-transaction), NUL characters and lone surrogates, numbers out of the
columns' or ``datetime``'s range, and values of the wrong type that Python would happily iterate
or treat as true. Every test runs on SQLite and PostgreSQL and compares a dump of every table
before and after the refused call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from sms_core import NumberQuery, Recipient, RecipientStatus
from sms_core.exceptions import (
    InvalidFieldError,
    InvalidInputError,
    SecretSettingError,
)
from sms_core.inputs import (
    ACCOUNT_NAME_LENGTH,
    ID_LENGTH,
    IDEMPOTENCY_KEY_COLUMN_LENGTH,
    IDEMPOTENCY_KEY_LENGTH,
    MESSAGE_ID_LENGTH,
    NAME_LENGTH,
    URL_LENGTH,
    provider_settings,
)
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.store import schema
from sms_fake import SandboxCarrier
from tests.services.database_dump import dump
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    START,
    Texting,
    buy_line,
    outbound_at_carrier,
)

LONG_ID = "c" * (ID_LENGTH + 1)


def refused(
    admin: SmsAdmin, call: Callable[[], object], error: type[Exception] = InvalidFieldError
) -> Exception:
    """Run ``call``, which must raise ``error``, and check no table changed."""
    before = dump(admin)
    with pytest.raises(error) as raised:
        call()
    assert before == dump(admin)
    return raised.value


class TestOneSourceOfTruth:
    """The schema's column sizes are the validator's limits."""

    @pytest.mark.parametrize(
        ("column", "limit"),
        [
            (schema.accounts.c.id, ID_LENGTH),
            (schema.accounts.c.name, ACCOUNT_NAME_LENGTH),
            (schema.users.c.id, ID_LENGTH),
            (schema.users.c.first_name, NAME_LENGTH),
            (schema.users.c.last_name, NAME_LENGTH),
            (schema.seats.c.name, NAME_LENGTH),
            (schema.messages.c.id, MESSAGE_ID_LENGTH),
            (schema.messages.c.candidate_id, ID_LENGTH),
            (schema.messages.c.idempotency_key, IDEMPOTENCY_KEY_COLUMN_LENGTH),
            (schema.policy_settings.c.privacy_policy_url, URL_LENGTH),
            (schema.policy_settings.c.terms_and_conditions_url, URL_LENGTH),
        ],
    )
    def test_column_sizes(self, column: Any, limit: int) -> None:
        """Each column is exactly as wide as the limit its inputs are checked against."""
        assert limit == column.type.length

    def test_mass_text_keys_fit(self) -> None:
        """A mass text stores ``"{key}:{E.164 number}"``: the longest key still fits."""
        assert IDEMPOTENCY_KEY_LENGTH + 1 + 16 <= IDEMPOTENCY_KEY_COLUMN_LENGTH


class TestAccountsAndUsers:
    """Accounts and users: lengths, characters and types."""

    @pytest.mark.parametrize(
        "name", ["a" * (ACCOUNT_NAME_LENGTH + 1), "Acme\x00", "Acme \ud800", "Acme\u200b", 5]
    )
    def test_account_names(self, admin: SmsAdmin, name: object) -> None:
        """A name too long, with a NUL, lone surrogate or invisible character, or not text."""
        error = refused(
            admin,
            lambda: admin.create_account("acme", name=name, provider="fake"),  # type: ignore[arg-type]
        )
        assert isinstance(error, InvalidFieldError)
        assert "name" == error.field

    @pytest.mark.parametrize(
        "user_id", [LONG_ID, "ann\x00", "\udfff", "ann\n", " ann", "", 7, None]
    )
    def test_user_ids(self, admin: SmsAdmin, acme: AccountAdmin, user_id: object) -> None:
        """Ids that do not fit, hold unstorable or invisible characters, or are not text."""
        error = refused(
            admin,
            lambda: acme.users.upsert(user_id, first_name="Eve", last_name="Ng"),  # type: ignore[arg-type]
        )
        assert isinstance(error, InvalidFieldError)
        assert "user_id" == error.field

    def test_message_names_field_value_and_limit(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """The message names the field, shows the value shortened, and says the limit."""
        error = refused(admin, lambda: acme.users.upsert(LONG_ID, first_name="E", last_name="N"))
        assert "user_id 'cccccccccccccccccccccccccccccccccccccccc'... (65 characters) " in str(
            error
        )
        assert f"at most {ID_LENGTH} characters" in str(error)

    @pytest.mark.parametrize("field", ["first_name", "last_name"])
    @pytest.mark.parametrize("value", ["n" * (NAME_LENGTH + 1), "Eve\x00", "E\ud83d"])
    def test_user_names(self, admin: SmsAdmin, acme: AccountAdmin, field: str, value: str) -> None:
        """First and last names too long for their columns, or unstorable, are refused."""
        names = {"first_name": "Eve", "last_name": "Ng", field: value}
        error = refused(admin, lambda: acme.users.upsert("eve", **names))  # type: ignore[arg-type]
        assert field == getattr(error, "field", None)

    def test_permissions_as_one_text(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """``permissions="Marketplace Admin"`` is refused, not made a set of its letters."""
        error = refused(
            admin,
            lambda: acme.users.upsert(
                "eve",
                first_name="Eve",
                last_name="Ng",
                permissions="Marketplace Admin",
            ),
        )
        assert "['Marketplace Admin']" in str(error)

    @pytest.mark.parametrize("permissions", [[5], [None], ["ok", b"bytes"], ["\x00"], 5])
    def test_permissions_of_other_types(
        self, admin: SmsAdmin, acme: AccountAdmin, permissions: object
    ) -> None:
        """Permissions that are not names of text are refused, and nothing is stored."""
        refused(
            admin,
            lambda: acme.users.upsert(
                "eve",
                first_name="Eve",
                last_name="Ng",
                permissions=permissions,  # type: ignore[arg-type]
            ),
        )

    @pytest.mark.parametrize("active", ["no", 0, None])
    def test_active_is_a_bool(self, admin: SmsAdmin, acme: AccountAdmin, active: object) -> None:
        """``active="no"`` is refused, not taken as true."""
        refused(
            admin,
            lambda: acme.users.upsert("eve", first_name="Eve", last_name="Ng", active=active),  # type: ignore[arg-type]
        )

    def test_valid_permissions_still_work(self, acme: AccountAdmin) -> None:
        """A list of names is stored as the set of those names."""
        user = acme.users.upsert(
            "eve", first_name="Eve", last_name="Ng", permissions=["Marketplace Admin"]
        )
        assert (
            frozenset({"Marketplace Admin"})
            == acme.users.get("eve").permissions
            == (user.permissions)
        )


class TestSecrets:
    """Issue 13 item 11: a secret is never stored, and never echoed."""

    TOKEN = "9f86d081884c7d659a2feaa0c55ad015"

    @pytest.mark.parametrize(
        "key", ["auth_token", "AUTH_TOKEN", "api_secret", "api_key", "password", "signing_key"]
    )
    def test_secret_names(self, admin: SmsAdmin, key: str) -> None:
        """A setting named like a credential is refused with the fix, its value unshown."""
        error = refused(
            admin,
            lambda: admin.create_account(
                "acme", name="Acme", provider="fake", provider_settings={key: "s3cr3t-value"}
            ),
            SecretSettingError,
        )
        assert "s3cr3t-value" not in str(error)
        assert "environment" in str(error)
        assert [] == admin.accounts()

    @pytest.mark.parametrize(
        "value",
        [
            TOKEN,
            TOKEN.upper(),
            "Bearer abcdefghijklmnop",
            "https://user:hunter22@example.com/hook",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
        ],
    )
    def test_secret_shapes(self, admin: SmsAdmin, value: str) -> None:
        """A value shaped like a credential is refused under any name, never echoed.

        A token pasted into ``account_sid`` is the case the issue found; the core's rule is
        carrier-neutral (a bare hex string the length of common API tokens, a private key, an
        authorization header, a URL with a password), the adapter's SID check is its own.
        """
        error = refused(
            admin,
            lambda: admin.create_account(
                "acme", name="Acme", provider="fake", provider_settings={"account_sid": value}
            ),
            SecretSettingError,
        )
        assert value not in str(error)
        assert value[:12] not in str(error)

    def test_resource_ids_are_not_secrets(self) -> None:
        """An id with a prefix before its hex digits (as carriers' resource ids have) is kept.

        The core's rule alone: whether the key is one the carrier knows is the adapter's
        ``sms_check_provider_settings`` (the sandbox knows only ``state_path``).
        """
        sid = "AC" + self.TOKEN
        assert {"account_sid": sid} == provider_settings({"account_sid": sid})

    @pytest.mark.parametrize("settings", ["state_path=/tmp/x", {"k": 5}, {"k": "a\x00b"}, {5: "x"}])
    def test_malformed_settings(self, admin: SmsAdmin, settings: object) -> None:
        """Settings that are not a mapping of texts are refused."""
        refused(
            admin,
            lambda: admin.create_account(
                "acme",
                name="Acme",
                provider="fake",
                provider_settings=settings,  # type: ignore[arg-type]
            ),
        )


class TestSeatsAndPolicy:
    """Seats, the audit trail and policy settings: ranges and lengths."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    @pytest.mark.parametrize("allowance", [2**31, 2**63, 10**30])
    def test_allowance_fits_its_column(
        self, admin: SmsAdmin, acme: AccountAdmin, allowance: int
    ) -> None:
        """An allowance over a 32-bit integer is refused on both databases."""
        error = refused(
            admin, lambda: acme.seats.create("admin", "Seat 1", monthly_allowance=allowance)
        )
        assert "2147483647" in str(error)

    def test_largest_allowance_is_stored(self, acme: AccountAdmin) -> None:
        """The largest allowance the column holds is accepted."""
        seat = acme.seats.create("admin", "Seat 1", monthly_allowance=2**31 - 1)
        assert 2**31 - 1 == acme.seats.get(seat.id).seat.monthly_allowance

    @pytest.mark.parametrize("name", ["s" * (NAME_LENGTH + 1), "Seat\x00", "\ud800", "\t"])
    def test_seat_names(self, admin: SmsAdmin, acme: AccountAdmin, name: str) -> None:
        """Seat names that do not fit or cannot be stored are refused."""
        refused(admin, lambda: acme.seats.create("admin", name))

    @pytest.mark.parametrize("seat_id", [LONG_ID, "x\x00", "\ud800"])
    def test_seat_ids(self, admin: SmsAdmin, acme: AccountAdmin, seat_id: str) -> None:
        """A seat id that cannot be one is refused before it is looked up."""
        refused(admin, lambda: acme.seats.get(seat_id))

    @pytest.mark.parametrize("accept", ["no", 1, None])
    def test_accept_terms_is_a_bool(
        self, admin: SmsAdmin, acme: AccountAdmin, accept: object
    ) -> None:
        """``accept_terms="no"`` is refused, not taken as acceptance."""
        seat = acme.seats.create("admin", "Seat 1")
        refused(
            admin,
            lambda: acme.seats.auto_assign("admin", seat.id, accept_terms=accept),  # type: ignore[arg-type]
        )
        assert acme.seats.get(seat.id).line is None

    @pytest.mark.parametrize("limit", [-1, 0, 10**20, 2**63, True, 1.5])
    def test_audit_limit(self, admin: SmsAdmin, acme: AccountAdmin, limit: object) -> None:
        """A negative, zero, huge or non-integer limit is refused, not an overflow."""
        refused(admin, lambda: acme.audit.list(limit=limit))  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "url", ["https://example.com/" + "p" * URL_LENGTH, "https://example.com/\x00", 5]
    )
    def test_policy_urls(self, admin: SmsAdmin, acme: AccountAdmin, url: object) -> None:
        """A URL too long for its column, with a NUL, or not text, is refused."""
        error = refused(
            admin,
            lambda: acme.policy.set(
                "admin",
                privacy_policy_url=url,  # type: ignore[arg-type]
                terms_and_conditions_url="https://example.com/terms",
            ),
        )
        assert "privacy_policy_url" == getattr(error, "field", None)


class TestNumbers:
    """Number administration: types of the ids and flags."""

    def test_accept_terms_text(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """``accept_terms="no"`` does not buy the number."""
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="415", limit=1))
        refused(
            admin,
            lambda: acme.numbers.purchase("admin", offer.number, (), accept_terms="no"),  # type: ignore[arg-type]
        )
        assert [] == acme.numbers.list()

    @pytest.mark.parametrize("user_ids", [[LONG_ID], ["a\x00"], [5]])
    def test_user_ids(self, admin: SmsAdmin, acme: AccountAdmin, user_ids: list[object]) -> None:
        """User ids that cannot be ids are refused before the carrier is called."""
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="415", limit=1))
        refused(
            admin,
            lambda: acme.numbers.purchase("admin", offer.number, user_ids, accept_terms=True),  # type: ignore[arg-type]
        )

    @pytest.mark.parametrize("number", ["+1415555\x00", "1" * 100, "\ud800", 4155550100])
    def test_numbers(self, admin: SmsAdmin, acme: AccountAdmin, number: object) -> None:
        """A number that is not text, or cannot be one, is refused with a typed error."""
        refused(admin, lambda: acme.numbers.get(number), InvalidInputError)  # type: ignore[arg-type]


class TestMessaging(Texting):
    """Texting: ids, keys and the reconciler's window."""

    @pytest.mark.parametrize("candidate_id", [LONG_ID, "c\x00", "\ud800", 12])
    def test_candidate_id(self, admin: SmsAdmin, acme: AccountAdmin, candidate_id: object) -> None:
        """A candidate id that cannot be stored refuses the text; nothing is stored or sent."""
        buy_line(acme, "ann")
        refused(
            admin,
            lambda: acme.messages.send(
                "ann",
                candidate_id=candidate_id,  # type: ignore[arg-type]
                to=ALICE,
                body="Hi",
            ),
        )

    @pytest.mark.parametrize("key", ["k\x00", "\ud800", 5])
    def test_idempotency_key(self, admin: SmsAdmin, acme: AccountAdmin, key: object) -> None:
        """A key with a NUL, a lone surrogate, or not text, is refused as a bad key."""
        buy_line(acme, "ann")
        refused(
            admin,
            lambda: acme.messages.send(
                "ann",
                candidate_id=None,
                to=ALICE,
                body="Hi",
                idempotency_key=key,  # type: ignore[arg-type]
            ),
            InvalidInputError,
        )

    @pytest.mark.parametrize(
        "stale_after", [timedelta(days=10**8), timedelta.max, timedelta(seconds=-1), 60]
    )
    def test_reconcile_window(
        self, admin: SmsAdmin, acme: AccountAdmin, stale_after: object
    ) -> None:
        """A window that would move a date out of range, is negative, or not a timedelta."""
        refused(admin, lambda: acme.messages.reconcile(stale_after=stale_after))  # type: ignore[arg-type]

    @pytest.mark.parametrize("message_id", ["m" * (MESSAGE_ID_LENGTH + 1), "m\x00"])
    def test_message_ids(self, admin: SmsAdmin, acme: AccountAdmin, message_id: str) -> None:
        """Message ids that cannot be ones are refused before they are looked up."""
        refused(admin, lambda: acme.messages.get("ann", message_id))
        refused(admin, lambda: acme.messages.reconcile(message_id=message_id))

    def test_recipients_as_one_text(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """A mass text's recipients given as text are refused, not read letter by letter."""
        buy_line(acme, "ann")
        refused(admin, lambda: acme.messages.send_mass("ann", ALICE, "Hi"))  # type: ignore[arg-type]


class TestOptOuts(Texting):
    """Lifting and recording opt-outs: the free texts they keep."""

    @pytest.mark.parametrize("reason", ["Consent\x00", "\ud800", "r" * 2001, 5])
    def test_lift_reason(self, admin: SmsAdmin, acme: AccountAdmin, reason: object) -> None:
        """A reason that cannot be stored is refused; the opt-out stays in force."""
        acme.optouts.record(ALICE, source="host", keyword=None, at=START)
        refused(admin, lambda: acme.optouts.lift("admin", ALICE, reason=reason))  # type: ignore[arg-type]
        assert acme.optouts.is_opted_out(ALICE)

    @pytest.mark.parametrize("keyword", ["STOP\x00", "\udc00"])
    def test_record_keyword(self, admin: SmsAdmin, acme: AccountAdmin, keyword: str) -> None:
        """A keyword text that cannot be stored is refused, not a database error."""
        refused(
            admin,
            lambda: acme.optouts.record(ALICE, source="keyword", keyword=keyword, at=START),
        )


class TestBadRecipientInMassText(Texting):
    """Issue 13 item 3: one bad recipient is refused on its own line; the rest are sent."""

    @pytest.mark.parametrize(
        ("candidate_id", "number"),
        [
            (LONG_ID, BRUNO),
            ("c\x00", BRUNO),
            ("\ud800", BRUNO),
            ("c2", "+1212555\x00"),
            ("c2", "9" * 300),
        ],
    )
    def test_refused_alone(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        candidate_id: str,
        number: str,
    ) -> None:
        """The bad recipient is refused with the reason; the valid ones reach the carrier."""
        buy_line(acme, "ann")
        result = acme.messages.send_mass(
            "ann",
            [
                Recipient(candidate_id="c1", number=ALICE),
                Recipient(candidate_id=candidate_id, number=number),
                Recipient(candidate_id="c3", number=CARLA),
            ],
            "Shift tomorrow?",
        )
        statuses = [outcome.status for outcome in result.outcomes]
        assert [RecipientStatus.SENT, RecipientStatus.REFUSED, RecipientStatus.SENT] == statuses
        assert result.outcomes[1].reason
        assert result.outcomes[1].message is None
        sent = {m.recipient.e164 for m in outbound_at_carrier(carrier)}
        assert {ALICE, CARLA} == sent

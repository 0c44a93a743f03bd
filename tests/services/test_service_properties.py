"""Property-based tests over every public service method, on SQLite and PostgreSQL.

Whatever the arguments (text of any length with NUL, lone surrogates and invisible
characters, numbers out of every range, values of the wrong type), a call either succeeds or
raises an error of :mod:`sms_core.exceptions`; and a refused call leaves every table as it
was (compared with a dump of every row). Errors a carrier raised are exempt from the second
rule: a text the carrier refused is stored as ``FAILED`` on purpose.

Bounded for CI: each method gets ``max_examples`` examples from the ``sms-boundary`` settings
profile (30 by default; ``SMS_PROPERTY_EXAMPLES`` raises it for a longer local run), without
a deadline, as PostgreSQL round trips vary on a shared machine. Issue 13 items 3, 4, 6, 12.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_core import (
    AuditAction,
    NumberQuery,
    Recipient,
    RegistrationStep,
)
from sms_core import exceptions as sms_exceptions
from sms_core.exceptions import ProviderError
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import SandboxCarrier
from tests.services.database_dump import dump
from tests.services.messaging_fixtures import ALICE, BRUNO, START, Texting, buy_line

settings.register_profile(
    "sms-boundary",
    max_examples=int(os.environ.get("SMS_PROPERTY_EXAMPLES", "30")),
    deadline=None,
    database=None,
    # The account is set up once per test; every example runs against it as it stands.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
boundary = settings(settings.get_profile("sms-boundary"))

# -- hostile values ------------------------------------------------------------------------------

#: Any code point, surrogates and controls included.
_ANY_CHARACTER = st.characters(exclude_categories=())
#: Values that are the wrong type wherever text is expected.
NOT_TEXT = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.binary(max_size=8),
    st.lists(st.text(max_size=3), max_size=3),
)
#: Text that is hostile to a database: any characters, empty, or far too long.
HOSTILE_TEXT = st.one_of(
    st.text(_ANY_CHARACTER, max_size=20),
    st.text(_ANY_CHARACTER, min_size=60, max_size=80),
    st.sampled_from(["", " ", "\x00", "\ud800", "a\u200bb", "x" * 3000, "\t\n"]),
)
ANY_VALUE = st.one_of(HOSTILE_TEXT, NOT_TEXT)
#: Anything that can be a mapping's key (a list cannot).
ANY_KEY = st.one_of(HOSTILE_TEXT, st.none(), st.booleans(), st.integers(), st.binary(max_size=8))


def ids(*known: str) -> st.SearchStrategy[Any]:
    """The account's real ids (so calls reach the database), or anything at all."""
    return st.one_of(st.sampled_from(known or ("admin",)), ANY_VALUE)


ACTORS = ids("admin", "ann", "bob", "eve")
NUMBERS = st.one_of(
    st.sampled_from([ALICE, BRUNO, "(212) 555-0103", "+14155550100", "+1 800 FLOWERS"]),
    ANY_VALUE,
)
COUNTS: st.SearchStrategy[Any] = st.one_of(
    st.integers(min_value=-5, max_value=5),
    st.sampled_from([2**31 - 1, 2**31, 2**63, 10**20, -(2**63) - 1]),
    NOT_TEXT,
    HOSTILE_TEXT,
)
FLAGS: st.SearchStrategy[Any] = st.one_of(
    st.booleans(), st.sampled_from(["no", "yes", 0, 1, None, "False"])
)
DURATIONS = st.one_of(
    st.none(), st.timedeltas(), st.sampled_from([timedelta.max, timedelta.min]), NOT_TEXT
)
NAMES = st.one_of(
    st.lists(ANY_VALUE, max_size=3),
    st.sampled_from([("Marketplace Admin",), "Marketplace Admin", [5], None]),
    ANY_VALUE,
)
RECIPIENTS = st.one_of(
    st.lists(
        st.builds(Recipient, candidate_id=st.one_of(st.none(), ids("c1")), number=NUMBERS),
        max_size=4,
    ),
    ANY_VALUE,
)


def _form(data: st.DataObject, form: Any) -> Any:
    """The sample form with one field replaced by anything; the form itself, or not a form."""
    choice = data.draw(st.sampled_from(["form", "field", "other"]))
    if choice == "form":
        return form
    if choice == "other":
        return data.draw(ANY_VALUE)
    field = data.draw(st.sampled_from([a.name for a in attrs.fields(type(form))]))
    try:
        return attrs.evolve(form, **{field: data.draw(ANY_VALUE)})
    except Exception:  # the form's own constructor refused it: not the service's to judge
        return form


def _queries(data: st.DataObject) -> st.SearchStrategy[Any]:
    """A number search with one filter replaced by anything its constructor lets through."""
    field = data.draw(
        st.sampled_from(["country", "area_code", "region", "postal_code", "contains"])
    )
    try:
        return st.just(NumberQuery(**{field: data.draw(HOSTILE_TEXT)}))  # type: ignore[arg-type]
    except Exception:  # the query's own validators refused it: not the service's to judge
        return st.just(NumberQuery())


# -- the calls -------------------------------------------------------------------------------------

Call = Callable[[SmsAdmin, AccountAdmin, st.DataObject], object]

ACCOUNT_CALLS: dict[str, Call] = {
    "create_account": lambda admin, _, d: admin.create_account(
        d.draw(ids("acme", "beta")),
        name=d.draw(st.one_of(st.just("Beta"), ANY_VALUE)),
        provider=d.draw(st.one_of(st.just("fake"), ANY_VALUE)),
        provider_settings=d.draw(
            st.one_of(
                st.none(),
                st.dictionaries(ANY_KEY, ANY_VALUE, max_size=2),
                st.sampled_from([{"auth_token": "x"}, {"account_sid": "ab" * 16}]),
                ANY_VALUE,
            )
        ),
    ),
    "account": lambda admin, _, d: admin.account(d.draw(ids("acme"))),
    "users.upsert": lambda _, acme, d: acme.users.upsert(
        d.draw(ids("eve", "ann")),
        first_name=d.draw(st.one_of(st.just("Eve"), ANY_VALUE)),
        last_name=d.draw(st.one_of(st.just("Ng"), ANY_VALUE)),
        active=d.draw(FLAGS),
        permissions=d.draw(NAMES),
    ),
    "users.deactivate": lambda _, acme, d: acme.users.deactivate(d.draw(ids("bob"))),
    "users.reactivate": lambda _, acme, d: acme.users.reactivate(d.draw(ids("bob"))),
    "users.get": lambda _, acme, d: acme.users.get(d.draw(ids("ann"))),
    "users.list": lambda _, acme, d: acme.users.list(active_only=d.draw(FLAGS)),
    "users.search": lambda _, acme, d: acme.users.search(
        d.draw(st.one_of(st.just("ann"), ANY_VALUE)), active_only=d.draw(FLAGS)
    ),
    "policy.set": lambda _, acme, d: acme.policy.set(
        d.draw(ACTORS),
        privacy_policy_url=d.draw(st.one_of(st.just("https://example.com/p"), ANY_VALUE)),
        terms_and_conditions_url=d.draw(st.one_of(st.just("https://example.com/t"), ANY_VALUE)),
    ),
    "registration.lint": lambda _, acme, d: acme.registration.lint(
        _form(d, sample_brand()), _form(d, sample_campaign())
    ),
    "registration.register": lambda _, acme, d: acme.registration.register(
        d.draw(ACTORS), _form(d, sample_brand()), _form(d, sample_campaign())
    ),
    "registration.resubmit": lambda _, acme, d: acme.registration.resubmit(
        d.draw(ACTORS),
        d.draw(st.one_of(st.sampled_from(list(RegistrationStep)), ANY_VALUE)),
        brand=d.draw(st.one_of(st.none(), st.just(sample_brand()))),
        campaign=_form(d, sample_campaign()),
    ),
    "numbers.search": lambda _, acme, d: acme.numbers.search(
        d.draw(ACTORS),
        d.draw(st.one_of(st.just(NumberQuery(area_code="415")), ANY_VALUE, _queries(d))),
    ),
    "numbers.get": lambda _, acme, d: acme.numbers.get(d.draw(NUMBERS)),
    "numbers.purchase": lambda _, acme, d: acme.numbers.purchase(
        d.draw(ACTORS),
        d.draw(NUMBERS),
        d.draw(st.one_of(st.lists(ids("cy", "eve"), max_size=2), ANY_VALUE)),
        accept_terms=d.draw(FLAGS),
    ),
    "numbers.assign": lambda _, acme, d: acme.numbers.assign(
        d.draw(ACTORS), d.draw(NUMBERS), d.draw(ids("cy"))
    ),
    "numbers.assign_many": lambda _, acme, d: acme.numbers.assign_many(
        d.draw(ACTORS), d.draw(NUMBERS), d.draw(st.one_of(st.lists(ids("cy")), ANY_VALUE))
    ),
    "numbers.unassign": lambda _, acme, d: acme.numbers.unassign(
        d.draw(ACTORS), d.draw(NUMBERS), d.draw(ids("ann"))
    ),
    "numbers.reallocate": lambda _, acme, d: acme.numbers.reallocate(
        d.draw(ACTORS), d.draw(NUMBERS), d.draw(ids("ann")), d.draw(ids("cy"))
    ),
    "numbers.set_forwarding": lambda _, acme, d: acme.numbers.set_forwarding(
        d.draw(ACTORS), d.draw(NUMBERS), d.draw(st.one_of(st.none(), NUMBERS))
    ),
    "numbers.deactivate": lambda _, acme, d: acme.numbers.deactivate(
        d.draw(ACTORS), d.draw(NUMBERS)
    ),
    "optouts.record": lambda _, acme, d: acme.optouts.record(
        d.draw(NUMBERS),
        source=d.draw(st.one_of(st.just("host"), ANY_VALUE)),
        keyword=d.draw(st.one_of(st.none(), ANY_VALUE)),
        at=d.draw(st.one_of(st.just(START), ANY_VALUE)),
    ),
    "optouts.lift": lambda _, acme, d: acme.optouts.lift(
        d.draw(ACTORS),
        d.draw(NUMBERS),
        reason=d.draw(st.one_of(st.just("Consent given again by phone"), ANY_VALUE)),
    ),
    "audit.list": lambda _, acme, d: acme.audit.list(
        action=d.draw(st.one_of(st.none(), st.sampled_from(list(AuditAction)), ANY_VALUE)),
        target=d.draw(st.one_of(st.none(), NUMBERS)),
        limit=d.draw(COUNTS),
    ),
    "messages.send": lambda _, acme, d: acme.messages.send(
        d.draw(ACTORS),
        candidate_id=d.draw(st.one_of(st.none(), ids("c1"))),
        to=d.draw(NUMBERS),
        body=d.draw(st.one_of(st.just("Shift tomorrow?"), ANY_VALUE)),
        idempotency_key=d.draw(st.one_of(st.none(), ids("k1"))),
    ),
    "messages.send_mass": lambda _, acme, d: acme.messages.send_mass(
        d.draw(ACTORS),
        d.draw(RECIPIENTS),
        d.draw(st.one_of(st.just("Shift tomorrow?"), ANY_VALUE)),
        idempotency_key=d.draw(st.one_of(st.none(), ids("k2"))),
    ),
    "messages.reconcile": lambda _, acme, d: acme.messages.reconcile(
        message_id=d.draw(st.one_of(st.none(), ANY_VALUE)), stale_after=d.draw(DURATIONS)
    ),
    "messages.get": lambda _, acme, d: acme.messages.get(d.draw(ACTORS), d.draw(ANY_VALUE)),
    "messages.thread": lambda _, acme, d: acme.messages.thread(
        d.draw(ACTORS), d.draw(NUMBERS), d.draw(NUMBERS)
    ),
    "messages.history": lambda _, acme, d: acme.messages.history(d.draw(ACTORS), d.draw(ids("c1"))),
}

SEAT_CALLS: dict[str, Call] = {
    "seats.create": lambda _, acme, d: acme.seats.create(
        d.draw(ACTORS),
        d.draw(st.one_of(st.just("Seat 2"), ANY_VALUE)),
        monthly_allowance=d.draw(st.one_of(st.none(), COUNTS)),
    ),
    "seats.get": lambda _, acme, d: acme.seats.get(d.draw(ANY_VALUE)),
    "seats.generate_numbers": lambda _, acme, d: acme.seats.generate_numbers(
        d.draw(ACTORS),
        d.draw(st.one_of(st.just("415"), ANY_VALUE)),
        country=d.draw(st.one_of(st.just("US"), ANY_VALUE)),
    ),
    "seats.auto_assign": lambda _, acme, d: acme.seats.auto_assign(
        d.draw(ACTORS), d.draw(ANY_VALUE), accept_terms=d.draw(FLAGS)
    ),
    "seats.complete_setup": lambda _, acme, d: acme.seats.complete_setup(
        d.draw(ACTORS), d.draw(ANY_VALUE), d.draw(NUMBERS), accept_terms=d.draw(FLAGS)
    ),
    "seats.assign_users": lambda _, acme, d: acme.seats.assign_users(
        d.draw(ACTORS), d.draw(ANY_VALUE), d.draw(st.one_of(st.lists(ids("cy")), ANY_VALUE))
    ),
    "seats.remove_user": lambda _, acme, d: acme.seats.remove_user(
        d.draw(ACTORS), d.draw(ANY_VALUE), d.draw(ids("ann"))
    ),
}


def holds(admin: SmsAdmin, acme: AccountAdmin, call: Call, data: st.DataObject) -> None:
    """The property: success, or an SDK error that changed nothing (carriers' errors aside)."""
    before = dump(admin)
    error: Exception | None = None
    try:
        call(admin, acme, data)
    except Exception as err:  # judged below: typed, and nothing written
        error = err
    if error is None:
        return
    assert type(error).__module__ == sms_exceptions.__name__, f"untyped {error!r}"
    if not isinstance(error, ProviderError):
        assert before == dump(admin), f"{error!r} left a partial write"


class TestAnyInput(Texting):
    """Every account method, on an account with a registered line, under the core defaults."""

    @pytest.mark.parametrize("method", sorted(ACCOUNT_CALLS))
    @boundary
    @given(data=st.data())
    def test_typed_error_or_success(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        method: str,
        data: st.DataObject,
    ) -> None:
        """Any input: success, or a typed error with no partial write."""
        if not acme.numbers.list():
            buy_line(acme, "ann")
        holds(admin, acme, ACCOUNT_CALLS[method], data)


class TestAnyInputToSeats(Texting):
    """The seat methods, under the seat-based host."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    @pytest.mark.parametrize("method", sorted(SEAT_CALLS))
    @boundary
    @given(data=st.data())
    def test_typed_error_or_success(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        method: str,
        data: st.DataObject,
    ) -> None:
        """Any input: success, or a typed error with no partial write."""
        if not acme.seats.list():
            acme.seats.create("admin", "Seat 1")
        holds(admin, acme, SEAT_CALLS[method], data)

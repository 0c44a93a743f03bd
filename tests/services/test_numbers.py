from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from sms_core import (
    Account,
    AuditAction,
    InvalidInputError,
    InvalidPhoneNumberError,
    NumberQuery,
    NumberSettings,
    NumberUnavailableError,
    PhoneNumber,
    ProvisionedNumber,
    hookimpl,
)
from sms_core.exceptions import (
    AlreadyExistsError,
    InactiveUserError,
    LineFullError,
    LineNotFoundError,
    NotOnLineError,
    PermissionDeniedError,
    TermsNotAcceptedError,
    UserAlreadyHasLineError,
    UserNotFoundError,
)
from sms_core.services import AccountAdmin, SmsAdmin
from sms_fake import FakeAdapter, SandboxCarrier
from tests.services.messaging_fixtures import Texting


def offered(account: AccountAdmin, area_code: str = "415") -> list[PhoneNumber]:
    found = account.numbers.search("admin", NumberQuery(area_code=area_code, limit=5))
    return [number.number for number in found]


def buy(account: AccountAdmin, *user_ids: str, area_code: str = "415") -> PhoneNumber:
    number = offered(account, area_code)[0]
    account.numbers.purchase("admin", number, user_ids, accept_terms=True)
    return number


def state(account: AccountAdmin) -> tuple[object, ...]:
    """Everything an admin action could change, to show a refusal changed nothing."""
    return (tuple(account.numbers.list()), tuple(account.audit.list()))


class TestSearch:
    """Searching the carrier's numbers."""

    def test_area_code_filter(self, acme: AccountAdmin) -> None:
        """Every number offered is in the area code asked for."""
        numbers = offered(acme, "212")
        assert numbers
        assert all(number.national.startswith("(212)") for number in numbers)

    def test_unknown_postal_code_is_an_empty_answer(self, acme: AccountAdmin) -> None:
        """A postal code the carrier has no numbers for gives an empty list, not an error."""
        assert [] == acme.numbers.search("admin", NumberQuery(postal_code="00501"))

    def test_needs_the_admin_permission(self, acme: AccountAdmin) -> None:
        """A recruiter cannot search numbers to buy."""
        with pytest.raises(PermissionDeniedError, match=r"sms\.admin"):
            acme.numbers.search("ann", NumberQuery(area_code="415"))


class TestPurchase:
    """Buying a number for one or several users."""

    def test_purchase_for_a_user(self, acme: AccountAdmin) -> None:
        """The line lists its user, unregistered, without forwarding."""
        number = buy(acme, "ann")
        [line] = acme.numbers.list()
        assert number == line.line.number
        assert ["ann"] == [user.id for user in line.users]
        assert not line.line.registered
        assert line.line.forward_to is None
        assert "" == line.line.shared_badge

    def test_a_number_not_in_use_is_refused_as_text_and_as_phone_number(
        self, acme: AccountAdmin
    ) -> None:
        """One conversion for every number argument: an unchecked PhoneNumber is checked too."""
        for number in ("+15555550100", PhoneNumber(e164="+15555550100")):
            with pytest.raises(InvalidPhoneNumberError, match="not a number in use"):
                acme.numbers.purchase("admin", number, ["ann"], accept_terms=True)
        assert [] == acme.numbers.list()

    def test_core_default_does_not_share(self, acme: AccountAdmin) -> None:
        """Without a host plugin a number serves one user; two are refused up front."""
        with pytest.raises(LineFullError, match="at most 1 users; 2 were chosen"):
            buy(acme, "ann", "bob")
        assert ((), ()) == state(acme)

    def test_purchase_is_audited(self, acme: AccountAdmin) -> None:
        """The audit trail records who bought what for whom."""
        number = buy(acme, "ann")
        [entry] = acme.audit.list()
        assert AuditAction.PURCHASE == entry.action
        assert "admin" == entry.actor_id
        assert str(number) == entry.target
        assert entry.before is None
        assert {"number": str(number), "users": ["ann"], "forward_to": None} == entry.after

    def test_bought_number_leaves_the_offer(self, acme: AccountAdmin) -> None:
        """A bought number is not offered again."""
        number = buy(acme, "ann")
        assert number not in offered(acme)

    def test_refused_without_accepting_terms(self, acme: AccountAdmin) -> None:
        """No terms, no purchase: the carrier still offers the number and nothing is stored."""
        number = offered(acme)[0]
        with pytest.raises(TermsNotAcceptedError, match="subscription terms"):
            acme.numbers.purchase("admin", number, ["ann"], accept_terms=False)
        assert number in offered(acme)
        assert ((), ()) == state(acme)

    @pytest.mark.parametrize(
        ("user_id", "error", "message"),
        [
            ("zed", UserNotFoundError, "no user 'zed'"),
            ("bob", InactiveUserError, "'Bob Stone' \\(bob\\) is inactive"),
        ],
    )
    def test_refused_for_unknown_or_inactive_users(
        self, acme: AccountAdmin, user_id: str, error: type[Exception], message: str
    ) -> None:
        """Unknown and inactive users are refused before the carrier is called."""
        acme.users.deactivate("bob")
        number = offered(acme)[0]
        with pytest.raises(error, match=message):
            acme.numbers.purchase("admin", number, [user_id], accept_terms=True)
        assert number in offered(acme)
        assert ((), ()) == state(acme)

    def test_refused_for_a_user_with_a_line(self, acme: AccountAdmin) -> None:
        """A user already on a line cannot get a second one."""
        first = buy(acme, "ann")
        before = state(acme)
        with pytest.raises(UserAlreadyHasLineError, match=re.escape(f"already on {first}")):
            buy(acme, "ann", area_code="212")
        assert before == state(acme)

    def test_number_taken_at_the_carrier(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """A number another account bought first is refused by the carrier; nothing is stored."""
        number = offered(acme)[0]
        other = admin.create_account(
            "globex",
            name="Globex",
            provider="fake",
            provider_settings=dict(acme.account.provider_settings),
        )
        other.users.upsert("boss", first_name="Gil", last_name="Bates", permissions=["sms.admin"])
        other.numbers.purchase("boss", number, [], accept_terms=True)
        with pytest.raises(NumberUnavailableError) as caught:
            acme.numbers.purchase("admin", number, ["ann"], accept_terms=True)
        assert caught.value.code
        assert ((), ()) == state(acme)

    def test_owned_number_is_not_bought_twice(self, acme: AccountAdmin) -> None:
        """Buying a number the account owns points at assigning instead."""
        number = buy(acme, "ann")
        with pytest.raises(AlreadyExistsError, match="assign users"):
            acme.numbers.purchase("admin", number, ["bob"], accept_terms=True)

    def test_recruiter_cannot_buy(self, acme: AccountAdmin) -> None:
        """Purchases need the admin permission."""
        number = offered(acme)[0]
        with pytest.raises(PermissionDeniedError):
            acme.numbers.purchase("ann", number, ["ann"], accept_terms=True)
        assert ((), ()) == state(acme)


class TestSharing:
    """Several users on one number, within the host's limit."""

    @pytest.fixture
    def host(self) -> str:
        return "hcm_widget"

    def test_shared_badge_and_order(self, acme: AccountAdmin) -> None:
        """Users beyond the first show as +N."""
        number = buy(acme, "ann", "bob")
        line = acme.numbers.assign("admin", number, "cy")
        assert ["ann", "bob", "cy"] == [user.id for user in line.users]
        assert "+2" == line.line.shared_badge

    def test_limit_is_the_hosts(self, acme: AccountAdmin) -> None:
        """The fifth user on an HCM-widget number is refused, naming the limit."""
        acme.users.upsert("dee", first_name="Dee", last_name="Park")
        acme.users.upsert("eve", first_name="Eve", last_name="Ng")
        number = buy(acme, "ann", "bob", "cy", "dee")
        before = state(acme)
        with pytest.raises(LineFullError, match=r"most users the host allows \(4\)"):
            acme.numbers.assign("admin", number, "eve")
        assert before == state(acme)

    def test_several_at_once_are_all_or_nothing(self, acme: AccountAdmin) -> None:
        """Assigning three users where one is inactive assigns none of them."""
        acme.users.upsert("dee", first_name="Dee", last_name="Park", active=False)
        number = buy(acme, "ann")
        before = state(acme)
        with pytest.raises(InactiveUserError, match="dee"):
            acme.numbers.assign_many("admin", number, ["bob", "cy", "dee"])
        assert before == state(acme)
        line = acme.numbers.assign_many("admin", number, ["bob", "cy"])
        assert ["ann", "bob", "cy"] == [user.id for user in line.users]

    def test_unassign(self, acme: AccountAdmin) -> None:
        """A user taken off a line frees a place; taking them off twice is refused."""
        number = buy(acme, "ann", "bob")
        line = acme.numbers.unassign("admin", number, "bob")
        assert ["ann"] == [user.id for user in line.users]
        with pytest.raises(NotOnLineError, match="'bob' is not on"):
            acme.numbers.unassign("admin", number, "bob")

    def test_admin_needs_marketplace_admin(self, acme: AccountAdmin) -> None:
        """Under the HCM widget, admin actions need the Marketplace Admin permission."""
        acme.users.upsert("sam", first_name="Sam", last_name="Ode", permissions=["sms.admin"])
        with pytest.raises(PermissionDeniedError, match="Marketplace Admin"):
            acme.numbers.search("sam", NumberQuery(area_code="415"))


class TestReallocation:
    """Moving a line from an inactive user to an active one."""

    def test_deactivated_user_keeps_the_line_until_reallocated(self, acme: AccountAdmin) -> None:
        """The line shows as needing re-allocation, then moves to the new user."""
        number = buy(acme, "ann")
        acme.users.deactivate("ann")
        [line] = acme.numbers.list()
        assert line.needs_reallocation
        moved = acme.numbers.reallocate("admin", number, "ann", "bob")
        assert ["bob"] == [user.id for user in moved.users]
        assert not moved.needs_reallocation
        entry = acme.audit.list(action=AuditAction.REALLOCATE)[0]
        assert {"users": ["ann"]}.items() <= dict(entry.before or {}).items()
        assert {"users": ["bob"]}.items() <= dict(entry.after or {}).items()

    def test_refused_to_an_inactive_user(self, acme: AccountAdmin) -> None:
        """Only active users can receive a line."""
        number = buy(acme, "ann")
        acme.users.deactivate("ann")
        acme.users.deactivate("bob")
        before = state(acme)
        with pytest.raises(InactiveUserError):
            acme.numbers.reallocate("admin", number, "ann", "bob")
        assert before == state(acme)

    def test_refused_from_a_user_not_on_the_line(self, acme: AccountAdmin) -> None:
        """The user to move the line from must be on it."""
        number = buy(acme, "ann")
        with pytest.raises(NotOnLineError):
            acme.numbers.reallocate("admin", number, "bob", "cy")


class TestForwarding:
    """Call forwarding, set by the line's own user or an admin."""

    def test_own_user_sets_and_clears(self, acme: AccountAdmin) -> None:
        """A recruiter forwards their own line's calls, then stops."""
        number = buy(acme, "ann")
        line = acme.numbers.set_forwarding("ann", number, "(212) 555-0142")
        assert PhoneNumber.parse("+12125550142") == line.line.forward_to
        assert acme.numbers.set_forwarding("admin", number, None).line.forward_to is None
        assert [AuditAction.FORWARD, AuditAction.FORWARD] == [
            entry.action for entry in acme.audit.list(target=str(number))[:2]
        ]

    def test_other_recruiter_is_refused(self, acme: AccountAdmin) -> None:
        """A recruiter who is not on the line and not an admin may not change it."""
        number = buy(acme, "ann")
        before = state(acme)
        with pytest.raises(PermissionDeniedError, match="not on"):
            acme.numbers.set_forwarding("bob", number, "(212) 555-0142")
        assert before == state(acme)

    def test_the_form_is_shown_to_whom_may_save_it(self, acme: AccountAdmin) -> None:
        """``forwarding_of`` (the web form's read) refuses exactly whom ``set_forwarding`` does."""
        number = buy(acme, "ann")
        for user_id in ("admin", "ann", "bob"):
            try:
                acme.numbers.set_forwarding(user_id, number, None)
            except PermissionDeniedError:
                with pytest.raises(PermissionDeniedError, match="not on"):
                    acme.numbers.forwarding_of(user_id, number)
            else:
                assert number == acme.numbers.forwarding_of(user_id, number).line.number
        with pytest.raises(PermissionDeniedError):
            acme.numbers.forwarding_of("bob", number)  # the loop met a refusal too

    def test_forwarding_to_itself_is_refused(self, acme: AccountAdmin) -> None:
        """A line cannot forward its calls to its own number."""
        number = buy(acme, "ann")
        before = state(acme)
        with pytest.raises(InvalidInputError, match="cannot forward calls to itself"):
            acme.numbers.set_forwarding("ann", number, str(number))
        assert before == state(acme)

    def test_invalid_number_is_refused(self, acme: AccountAdmin) -> None:
        """The forwarding number must be a valid number; the message names it."""
        number = buy(acme, "ann")
        before = state(acme)
        with pytest.raises(InvalidPhoneNumberError, match="'555-01'"):
            acme.numbers.set_forwarding("ann", number, "555-01")
        assert before == state(acme)


class TestDeactivation:
    """Releasing a number."""

    def test_released_number_leaves_the_list_and_returns_to_the_carrier(
        self, acme: AccountAdmin
    ) -> None:
        """The line is gone, the user is free, the carrier offers the number again."""
        number = buy(acme, "ann")
        acme.numbers.deactivate("admin", number)
        assert [] == acme.numbers.list()
        assert number in offered(acme)
        assert AuditAction.DEACTIVATE == acme.audit.list()[0].action
        with pytest.raises(LineNotFoundError):
            acme.numbers.deactivate("admin", number)
        buy(acme, "ann", area_code="212")


class TestConcurrentAssignment:
    """Two admins assigning the last free place at once: exactly one wins."""

    @pytest.fixture
    def database_url(self, postgres_url: str) -> str:
        return postgres_url

    def test_last_slot_is_won_once(self, acme: AccountAdmin) -> None:
        """Two threads on separate connections; one succeeds, one gets LineFullError."""
        number = buy(acme)
        barrier = Barrier(2)

        def assign(user_id: str) -> str:
            barrier.wait(timeout=10)
            try:
                acme.numbers.assign("admin", number, user_id)
            except LineFullError:
                return "full"
            return "won"

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = sorted(pool.map(assign, ["ann", "bob"]))
        assert ["full", "won"] == outcomes
        [line] = acme.numbers.list()
        assert 1 == len(line.users)


class PairedPurchases(FakeAdapter):
    """The sandbox adapter; each purchase waits until a second one is under way too."""

    def __init__(self, carrier: SandboxCarrier) -> None:
        super().__init__(carrier=carrier)
        self._pair = Barrier(2, timeout=30)

    @hookimpl
    def sms_purchase_number(
        self, account: Account, number: PhoneNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        """Buy once the other purchase has passed its checks as well."""
        self._pair.wait()
        return super().sms_purchase_number(account, number, settings)


class TestConcurrentPurchase(Texting):
    """Two admins buy a number for the same user at once: one wins, one gets a typed error."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return PairedPurchases(carrier)

    def test_loser_gets_a_typed_error_and_keeps_no_number(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """The second line is refused after both checks passed; its number is given back."""
        first, second = offered(acme)[:2]

        def purchase(number: PhoneNumber) -> str:
            try:
                acme.numbers.purchase("admin", number, ["ann"], accept_terms=True)
            except UserAlreadyHasLineError as err:
                return str(err)
            return "bought"

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(purchase, [first, second]))
        [refusal] = [outcome for outcome in outcomes if outcome != "bought"]
        assert 1 == outcomes.count("bought")
        assert "'Ann Lee' was just put on another line" in refusal
        [line] = acme.numbers.list()
        assert [line.line.number] == [owned.number for owned in carrier.numbers("acme")]


def test_user_ids_are_a_list(acme: AccountAdmin) -> None:
    """One user id given as text is refused with the fix, not read letter by letter."""
    number = offered(acme)[0]
    with pytest.raises(InvalidInputError, match=r"pass \['ann'\]"):
        acme.numbers.purchase("admin", number, "ann", accept_terms=True)
    assert [] == acme.numbers.list()

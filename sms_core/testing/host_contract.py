# Over 400 lines: the host contract suite is one class every host plugin subclasses, so its tests
# stay together.
"""The host contract suite: the tests every host plugin passes.

A host plugin's tests subclass :class:`HostContract` and override two fixtures, the plugin
and a user the host allows each :class:`~sms_core.Action`, and usually a third, the users it
refuses::

    import pytest
    from sms_core import Action, User
    from sms_core.testing import HostContract, RecordingSink, Refusal


    class TestVendorHost(HostContract):
        @pytest.fixture
        def host_plugin(self, activity_sink: RecordingSink) -> object:
            return VendorHost(activity_sink=activity_sink)

        @pytest.fixture
        def allowed_users(self) -> dict[Action, User]:
            admin = User(id="vera", account_id="", first_name="Vera", last_name="Ruiz",
                         permissions=frozenset({"Vendor Admin"}))
            ...

The suite then checks, through the same :class:`~sms_core.Hooks` the core uses, that the
plugin:

* **declares itself** with ``sms_host_info``: a valid name, a version, a description and a
  policy within :class:`~sms_core.HostPolicy`'s bounds, and activates by that name;
* **decides every action**: ``sms_authorize`` answers a ``Decision`` for every ``Action``
  (never leaving one to the core's defaults), allows the allowed users, refuses the refused
  ones with a reason naming what grants the right, lets every active user do the actions no
  refusal is given for, and refuses inactive users;
* **has its policy enforced end to end**: a real :class:`~sms_core.SmsAdmin` on a SQLite file
  with the sandbox carrier (``sms-core-fake``, a test dependency of every host plugin) refuses
  a mass text over the cap, a body over the limit, a number shared by more users than allowed
  and, when seats are on, a send past a seat's allowance;
* **records activity**: a sent text reaches its activity record with the user who sent it.

Users are given with any ``account_id``: the suite moves them into its own account. The
sandbox carrier and the SDK run on one :class:`~sms_core.ManualClock`, at an hour when the
suite's candidates may be texted, so a host's quiet hours never get in the way.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn

import attrs
import pytest

from sms_core.clock import ManualClock
from sms_core.domain import (
    Account,
    Action,
    Activity,
    Decision,
    Direction,
    HostInfo,
    HostPolicy,
    NumberQuery,
    Recipient,
    RegistrationStep,
    SendResult,
    User,
)
from sms_core.domain.policy import HOST_NAME_PATTERN
from sms_core.exceptions import (
    AllowanceExhaustedError,
    LineFullError,
    MessageBodyError,
    SeatsDisabledError,
    TooManyRecipientsError,
)
from sms_core.plugins import Hooks, defaults, make_plugin_manager
from sms_core.plugins.manager import declared_host_info
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.testing.samples import sample_brand, sample_campaign

if TYPE_CHECKING:
    from sms_fake import FakeAdapter, SandboxCarrier

__all__ = ["CONTRACT_START", "HostContract", "RecordingSink", "Refusal"]

#: The suite's clock: 11:00 in New York on a Tuesday, when its candidates may be texted.
CONTRACT_START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

#: The suite's candidates are in New York; the first of them gets the single texts.
_CANDIDATE_AREA = "+1212555"
_WEBHOOK_BASE = "https://hooks.host-contract.example"
_TEXT = "Hi Sam, this is the host contract suite. Reply STOP to opt out."


class RecordingSink:
    """An activity sink that keeps what it is handed: pass it to your host as its sink.

    Attributes:
        activities: Every activity handed to the sink, oldest first.
    """

    def __init__(self) -> None:
        self.activities: list[Activity] = []

    def __call__(self, activity: Activity) -> None:
        """Keep ``activity``."""
        self.activities.append(activity)


@attrs.frozen(kw_only=True)
class Refusal:
    """A user the host refuses an action, and what would grant it.

    Attributes:
        user: An active user the host refuses the action.
        grant: Words the refusal's reason must contain: the permission (or page, or role)
            that grants the right, spelled as the host product spells it.
    """

    user: User
    grant: str


def _override(fixture: str, what: str) -> NoReturn:
    raise NotImplementedError(
        f"the host contract suite needs the {fixture!r} fixture: override it in your "
        f"TestXxx(HostContract) class to return {what}"
    )


@attrs.frozen(kw_only=True)
class _Texting:
    """An account of a real SmsAdmin whose campaign is approved, with a line to text from."""

    account: AccountAdmin
    carrier: SandboxCarrier
    admin_id: str
    sender_id: str
    policy: HostPolicy
    max_body_characters: int
    seat_id: str | None


class HostContract:
    """The tests every host plugin passes; subclass it in your plugin's tests.

    Override ``host_plugin`` and ``allowed_users``; override ``refused_users`` to check
    refusals (it defaults to none), and ``recorded_activities`` when your host keeps its
    activity record somewhere other than a :class:`RecordingSink`.
    """

    # -- provided by the host ----------------------------------------------------------------

    @pytest.fixture
    def host_plugin(self, activity_sink: RecordingSink) -> object:
        """The host plugin, its activity record going to ``activity_sink``."""
        _override(
            "host_plugin",
            "your host plugin object (or module), e.g. VendorHost(activity_sink=activity_sink)",
        )

    @pytest.fixture
    def allowed_users(self) -> Mapping[Action, User]:
        """For every ``Action``, an active user your host allows it."""
        _override(
            "allowed_users",
            "a dict from every sms_core.Action to an active sms_core.User your host allows it",
        )

    @pytest.fixture
    def refused_users(self) -> Mapping[Action, Refusal]:
        """For actions only some users may do, an active user refused it and what grants it.

        An action left out is one every active user may do, and the suite checks that.
        """
        return {}

    @pytest.fixture
    def recorded_activities(self, activity_sink: RecordingSink) -> Sequence[Activity]:
        """What the host recorded as activity; by default what ``activity_sink`` received."""
        return activity_sink.activities

    # -- defaults ----------------------------------------------------------------------------

    @pytest.fixture
    def activity_sink(self) -> RecordingSink:
        """A sink the host plugin hands its activity to."""
        return RecordingSink()

    @pytest.fixture
    def host_info(self, host_plugin: object) -> HostInfo:
        """What the plugin declares; a plugin that declares nothing fails here."""
        info = declared_host_info(host_plugin)
        assert info is not None, (
            "the plugin does not declare itself a host: implement the sms_host_info hook, "
            "returning sms_core.HostInfo(name=..., version=..., description=..., policy=...)"
        )
        return info

    @pytest.fixture
    def hooks(self, host_plugin: object, host_info: HostInfo) -> Hooks:
        """The typed façade with only the host plugin registered, and activated."""
        pm = make_plugin_manager(
            host=host_info.name, plugins=[host_plugin], load_entry_points=False
        )
        return Hooks(pm)

    @pytest.fixture
    def account(self) -> Account:
        """The account the host's hooks are asked about."""
        return Account(id="host-contract", name="Host Contract Staffing", provider="fake")

    @pytest.fixture
    def clock(self) -> ManualClock:
        """The SDK's and the sandbox carrier's clock, at :data:`CONTRACT_START`."""
        return ManualClock(CONTRACT_START)

    @pytest.fixture
    def carrier(self, tmp_path: Path, clock: ManualClock) -> Iterator[SandboxCarrier]:
        """The sandbox carrier, on a SQLite file of its own and the suite's clock."""
        with _sandbox().SandboxCarrier(tmp_path / "carrier.sqlite3", clock=clock) as opened:
            yield opened

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        """The sandbox carrier's adapter."""
        adapter: FakeAdapter = _sandbox().FakeAdapter(carrier=carrier)
        return adapter

    @pytest.fixture
    def admin(
        self,
        tmp_path: Path,
        clock: ManualClock,
        adapter: FakeAdapter,
        host_plugin: object,
        host_info: HostInfo,
    ) -> Iterator[SmsAdmin]:
        """The SDK on a SQLite file with the sandbox carrier and the host active."""
        with SmsAdmin.open(
            f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
            host=host_info.name,
            plugins=[adapter, host_plugin],
            load_entry_points=False,
            clock=clock,
            webhook_base_url=_WEBHOOK_BASE,
            rng=random.Random(7),
        ) as opened:
            yield opened

    @pytest.fixture
    def texting(
        self,
        admin: SmsAdmin,
        carrier: SandboxCarrier,
        adapter: FakeAdapter,
        hooks: Hooks,
        account: Account,
        allowed_users: Mapping[Action, User],
    ) -> _Texting:
        """The account with the allowed users, its campaign approved and a sender's line."""
        _check_every_action(allowed_users)
        created = admin.create_account(account.id, name=account.name, provider="fake")
        for user in allowed_users.values():
            _upsert(created, user)
        registrar = allowed_users[Action.MANAGE_REGISTRATION].id
        created.registration.register(registrar, sample_brand(), sample_campaign())
        for step in RegistrationStep:
            carrier.advance(carrier.review_duration(step))
            created.registration.sync()
        admin_id = allowed_users[Action.MANAGE_NUMBERS].id
        sender_id = allowed_users[Action.SEND_MESSAGE].id
        policy = hooks.host_policy(created.account)
        seat_id = None
        if policy.seats_enabled:
            seat_id = _seat_line(created, admin_id, [sender_id], allowance=None)
        else:
            _bought_line(created, admin_id, [sender_id], area_code="415")
        limit = adapter.sms_provider_info().capabilities.max_body_characters
        if policy.max_body_characters is not None:
            limit = min(limit, policy.max_body_characters)
        return _Texting(
            account=created,
            carrier=carrier,
            admin_id=admin_id,
            sender_id=sender_id,
            policy=policy,
            max_body_characters=limit,
            seat_id=seat_id,
        )

    # -- declaration -------------------------------------------------------------------------

    def test_declares_itself(self, host_info: HostInfo) -> None:
        """``sms_host_info`` names the host and gives a version, a description and a policy."""
        assert HOST_NAME_PATTERN.fullmatch(host_info.name)
        assert host_info.version.strip(), "declare the plugin's version (its __version__)"
        assert host_info.description.strip(), "describe the host product in one line"
        assert isinstance(host_info.policy, HostPolicy)

    def test_activates_by_its_name(self, hooks: Hooks, host_info: HostInfo) -> None:
        """``make_plugin_manager(host=name)`` makes it the active host, declaring the same."""
        assert (host_info.name, host_info) == (hooks.host_name, hooks.host_info())

    def test_policy_for_an_account_is_valid(self, hooks: Hooks, account: Account) -> None:
        """The policy for an account is a ``HostPolicy`` (the façade checks type and bounds)."""
        assert isinstance(hooks.host_policy(account), HostPolicy)

    # -- permissions -------------------------------------------------------------------------

    @pytest.mark.parametrize("action", list(Action))
    def test_decides_every_action(
        self,
        hooks: Hooks,
        account: Account,
        allowed_users: Mapping[Action, User],
        action: Action,
    ) -> None:
        """``sms_authorize`` answers a ``Decision`` itself: the core's defaults never decide."""
        _check_every_action(allowed_users)
        answer = _host_decision(hooks, account, _moved(allowed_users[action], account), action)
        assert isinstance(answer, Decision), (
            f"sms_authorize answered {answer!r} for {action}; answer a sms_core.Decision for "
            "every Action"
        )

    @pytest.mark.parametrize("action", list(Action))
    def test_allows_the_allowed(
        self,
        hooks: Hooks,
        account: Account,
        allowed_users: Mapping[Action, User],
        action: Action,
    ) -> None:
        """Each allowed user is allowed its action."""
        _check_every_action(allowed_users)
        user = _moved(allowed_users[action], account)
        assert user.active, f"allowed_users[{action}] must be an active user"
        decision = hooks.authorize(account, user, action)
        assert decision.allowed, f"{user.id} was refused {action}: {decision.reason}"

    @pytest.mark.parametrize("action", list(Action))
    def test_refuses_only_the_refused_naming_the_grant(
        self,
        hooks: Hooks,
        account: Account,
        refused_users: Mapping[Action, Refusal],
        action: Action,
    ) -> None:
        """Each refused user is refused, with a reason that names what grants the right.

        An action without a refusal is one every active user may do: a user holding no
        permission at all is allowed it.
        """
        refusal = refused_users.get(action)
        if refusal is None:
            nobody = User(
                id="host-contract-no-permissions",
                account_id=account.id,
                first_name="Noel",
                last_name="Plain",
            )
            decision = hooks.authorize(account, nobody, action)
            assert decision.allowed, (
                f"an active user with no permission was refused {action} ({decision.reason}); "
                "if only some users may do it, give refused_users a Refusal for it"
            )
            return
        decision = hooks.authorize(account, _moved(refusal.user, account), action)
        assert not decision.allowed, f"{refusal.user.id} was allowed {action}"
        assert decision.reason.strip(), "a refusal needs a reason worded for the person refused"
        assert refusal.grant in decision.reason, (
            f"the reason {decision.reason!r} should name what grants the right ({refusal.grant!r})"
        )

    @pytest.mark.parametrize("action", list(Action))
    def test_refuses_inactive_users(
        self,
        hooks: Hooks,
        account: Account,
        allowed_users: Mapping[Action, User],
        action: Action,
    ) -> None:
        """An inactive user may do nothing, with a reason, however many permissions they hold."""
        _check_every_action(allowed_users)
        inactive = attrs.evolve(_moved(allowed_users[action], account), active=False)
        decision = hooks.authorize(account, inactive, action)
        assert not decision.allowed, f"inactive {inactive.id} was allowed {action}"
        assert decision.reason.strip(), "a refusal needs a reason worded for the person refused"

    # -- policy, end to end ------------------------------------------------------------------

    def test_mass_text_over_the_cap_is_refused(self, texting: _Texting) -> None:
        """One recipient over the cap refuses the whole mass text; nothing reaches the carrier."""
        cap = texting.policy.mass_text_cap
        recipients = [
            Recipient(candidate_id=f"cand-{index}", number=f"{_CANDIDATE_AREA}{index:04d}")
            for index in range(cap + 1)
        ]
        with pytest.raises(TooManyRecipientsError):
            texting.account.messages.send_mass(texting.sender_id, recipients, _TEXT)
        assert [] == _sent(texting)

    def test_body_limit(self, texting: _Texting) -> None:
        """A body at the limit (the host's, capped by the carrier's) is sent; one more is not."""
        limit = texting.max_body_characters
        with pytest.raises(MessageBodyError):
            _send(texting, "x" * (limit + 1))
        assert [] == _sent(texting)
        _send(texting, "x" * limit)
        assert ["x" * limit] == [message.body for message in _sent(texting)]

    def test_sharing_limit(self, texting: _Texting, allowed_users: Mapping[Action, User]) -> None:
        """A number takes at most ``users_per_number`` users; with no limit, more are taken."""
        limit = texting.policy.users_per_number
        count = 5 if limit is None else limit + 1
        sender = allowed_users[Action.SEND_MESSAGE]
        user_ids = [f"{sender.id}-{index}" for index in range(count)]
        for user_id in user_ids:
            _upsert(texting.account, attrs.evolve(sender, id=user_id))
        if limit is None:
            _line_for(texting, user_ids)
            return
        with pytest.raises(LineFullError):
            _line_for(texting, user_ids)

    def test_seat_allowance(self, texting: _Texting) -> None:
        """With seats on, a seat's allowance stops its sends; with seats off, there are none."""
        if not texting.policy.seats_enabled:
            with pytest.raises(SeatsDisabledError):
                texting.account.seats.create(texting.admin_id, "Seat 2")
            return
        assert texting.seat_id is not None
        sender = f"{texting.sender_id}-seat"
        sender_user = texting.account.users.get(texting.sender_id)
        _upsert(texting.account, attrs.evolve(sender_user, id=sender))
        _seat_line(texting.account, texting.admin_id, [sender], allowance=1, name="Seat 2")
        texting.account.messages.send(sender, candidate_id="cand-1", to=_candidate(1), body=_TEXT)
        with pytest.raises(AllowanceExhaustedError):
            texting.account.messages.send(
                sender, candidate_id="cand-2", to=_candidate(2), body=_TEXT
            )

    # -- activity ----------------------------------------------------------------------------

    def test_sent_text_reaches_the_activity_record(
        self, texting: _Texting, recorded_activities: Sequence[Activity]
    ) -> None:
        """A sent text is recorded once, on its candidate, with the user who sent it."""
        sent = _send(texting, _TEXT)
        recorded = [
            activity for activity in recorded_activities if activity.message.id == sent.message.id
        ]
        assert 1 == len(recorded), f"the sent text was recorded {len(recorded)} times"
        [activity] = recorded
        assert activity.user is not None, "the activity must carry the user who sent the text"
        assert (texting.sender_id, "cand-0", Direction.OUTBOUND) == (
            activity.user.id,
            activity.candidate_id,
            activity.message.direction,
        )


def _sandbox() -> ModuleType:
    """The sandbox carrier's package, which ``sms_core`` itself does not depend on."""
    try:
        return importlib.import_module("sms_fake")
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "the host contract suite sends through the sandbox carrier: add sms-core-fake to "
            "your plugin's test dependencies"
        ) from err


def _check_every_action(users: Mapping[Action, User]) -> None:
    missing = sorted(set(Action) - set(users))
    assert not missing, f"allowed_users needs a user for every Action; missing: {missing}"


def _moved(user: User, account: Account) -> User:
    """``user`` in the suite's account."""
    return attrs.evolve(user, account_id=account.id)


def _host_decision(hooks: Hooks, account: Account, actor: User, action: Action) -> Any:
    """What the host's own ``sms_authorize`` answers, without the core's defaults."""
    caller = hooks.plugin_manager.subset_hook_caller("sms_authorize", remove_plugins=[defaults])
    recipients = 1 if action is Action.SEND_MESSAGE else 0
    return caller(account=account, actor=actor, action=action, recipients=recipients)


def _upsert(account: AccountAdmin, user: User) -> None:
    account.users.upsert(
        user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        active=user.active,
        permissions=user.permissions,
    )


def _bought_line(account: AccountAdmin, admin_id: str, user_ids: list[str], area_code: str) -> None:
    [offer] = account.numbers.search(admin_id, NumberQuery(area_code=area_code, limit=1))
    account.numbers.purchase(admin_id, offer.number, user_ids, accept_terms=True)


def _seat_line(
    account: AccountAdmin,
    admin_id: str,
    user_ids: list[str],
    *,
    allowance: int | None,
    name: str = "Seat 1",
) -> str:
    seat = account.seats.create(admin_id, name, monthly_allowance=allowance)
    offer = account.seats.generate_numbers(admin_id, "415")[0]
    account.seats.complete_setup(admin_id, seat.id, offer.number, accept_terms=True)
    account.seats.assign_users(admin_id, seat.id, user_ids)
    return seat.id


def _line_for(texting: _Texting, user_ids: list[str]) -> None:
    """A new line (or seat) for ``user_ids``, the way the host sells numbers."""
    if texting.policy.seats_enabled:
        _seat_line(texting.account, texting.admin_id, user_ids, allowance=None, name="Shared")
    else:
        _bought_line(texting.account, texting.admin_id, user_ids, area_code="212")


def _candidate(index: int) -> str:
    return f"{_CANDIDATE_AREA}{index:04d}"


def _send(texting: _Texting, body: str) -> SendResult:
    return texting.account.messages.send(
        texting.sender_id, candidate_id="cand-0", to=_candidate(0), body=body
    )


def _sent(texting: _Texting) -> list[Any]:
    """The texts the carrier took from the suite's account, oldest first."""
    return [
        message
        for message in texting.carrier.messages(texting.account.account.id)
        if message.direction is Direction.OUTBOUND
    ]

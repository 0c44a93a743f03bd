from __future__ import annotations

import textwrap
from pathlib import Path

import pluggy
import pytest

from sms_core import (
    Account,
    Action,
    Activity,
    ConfigurationError,
    Decision,
    Direction,
    Hooks,
    HostDeclarationError,
    HostInfo,
    HostPolicy,
    NumberQuery,
    NumberSettings,
    PhoneNumber,
    PluginContractError,
    ProviderCapabilities,
    ProviderInfo,
    UnknownHostError,
    UnknownProviderError,
    UnsupportedFeatureError,
    User,
    hookimpl,
    make_plugin_manager,
)
from sms_core.domain import AvailableNumber
from sms_core.plugins import PluginOrigin, host_name_of
from sms_core.plugins.defaults import ADMIN_PERMISSION, DEFAULT_POLICY
from sms_core.testing import sample_activity


class SearchOnlyAdapter:
    """An adapter that implements discovery and search only."""

    def __init__(self, name: str, prefix: str) -> None:
        self.name = name
        self.prefix = prefix

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        return ProviderInfo(
            name=self.name,
            description=f"{self.name} test adapter",
            capabilities=ProviderCapabilities(max_concurrent_sends=1),
        )

    @hookimpl
    def sms_search_numbers(self, account: Account, query: NumberQuery) -> list[AvailableNumber]:
        number = PhoneNumber.parse(f"+1 {self.prefix} 555 0100")
        return [AvailableNumber(number=number, country="US")]


class StrictHost:
    """A host plugin that shares numbers with two users and trusts nobody."""

    @hookimpl
    def sms_host_info(self) -> HostInfo:
        return HostInfo(name="strict", version="2.1", description="Strict test host")

    @hookimpl
    def sms_host_policy(self, account: Account) -> HostPolicy:
        return HostPolicy(users_per_number=2)

    @hookimpl
    def sms_authorize(self, account: Account, actor: User, action: Action) -> None:
        """Decides nothing, so the core defaults decide."""


class OtherHost:
    """A second installed host plugin, whose declared policy holds for every account."""

    @hookimpl
    def sms_host_info(self) -> HostInfo:
        return HostInfo(name="other", policy=HostPolicy(users_per_number=9))


def account(provider: str) -> Account:
    return Account(id="acme", name="Acme Staffing", provider=provider)


def user(*permissions: str, active: bool = True) -> User:
    return User(
        id="u1",
        account_id="acme",
        first_name="Ada",
        last_name="Lee",
        active=active,
        permissions=frozenset(permissions),
    )


def hooks(*plugins: object, host: str | None = None) -> Hooks:
    return Hooks(make_plugin_manager(host=host, plugins=plugins, load_entry_points=False))


class TestDispatch:
    """Provider hooks reach the adapter named by the account, and only it."""

    def test_each_account_reaches_its_own_adapter(self) -> None:
        """Two adapters installed; each account gets its own adapter's answer."""
        facade = hooks(SearchOnlyAdapter("alpha", "415"), SearchOnlyAdapter("beta", "212"))
        alpha = facade.search_numbers(account("alpha"), NumberQuery())
        beta = facade.search_numbers(account("beta"), NumberQuery())
        assert ["+14155550100"] == [found.number.e164 for found in alpha]
        assert ["+12125550100"] == [found.number.e164 for found in beta]

    def test_unknown_provider_names_what_is_installed(self) -> None:
        """An account whose adapter is missing gets a configuration error listing the others."""
        facade = hooks(SearchOnlyAdapter("alpha", "415"))
        with pytest.raises(UnknownProviderError, match=r"'twilio'.*installed: alpha"):
            facade.search_numbers(account("twilio"), NumberQuery())

    def test_missing_hook_is_unsupported_feature(self) -> None:
        """An installed adapter that lacks a hook raises UnsupportedFeatureError."""
        facade = hooks(SearchOnlyAdapter("alpha", "415"))
        number = PhoneNumber.parse("+14155550100")
        with pytest.raises(UnsupportedFeatureError, match="'alpha' does not support number"):
            facade.purchase_number(account("alpha"), number, settings=NumberSettings())

    def test_providers_lists_installed_adapters(self) -> None:
        """Discovery collects every adapter's info."""
        facade = hooks(SearchOnlyAdapter("alpha", "415"), SearchOnlyAdapter("beta", "212"))
        assert ["alpha", "beta"] == sorted(facade.providers())


class TestHostSelection:
    """Exactly one host plugin is active, chosen by name."""

    def test_chosen_host_answers(self) -> None:
        """The chosen host's policy applies and the other host is unregistered."""
        facade = hooks(StrictHost(), OtherHost(), host="strict")
        assert 2 == facade.host_policy(account("alpha")).users_per_number
        assert "strict" == facade.host_name

    def test_no_host_means_core_defaults(self) -> None:
        """Without a chosen host, installed hosts are set aside and the defaults apply."""
        facade = hooks(StrictHost(), OtherHost())
        assert DEFAULT_POLICY == facade.host_policy(account("alpha"))
        assert facade.host_name is None

    def test_unknown_host_is_refused(self) -> None:
        """Choosing a host that is not installed names the installed ones and the hook."""
        with pytest.raises(
            UnknownHostError, match=r"'ats'.*installed: other, strict.*sms_host_info hook"
        ):
            hooks(StrictHost(), OtherHost(), host="ats")

    def test_a_plugin_that_only_observes_is_no_host(self) -> None:
        """Passed under a name it never declares, an observer is not found as that host."""
        with pytest.raises(UnknownHostError, match=r"'observer'.*installed: none"):
            hooks(ActivityObserver(), host="observer")

    def test_host_that_decides_nothing_falls_back_to_defaults(self) -> None:
        """A host returning None from sms_authorize leaves the decision to the core."""
        facade = hooks(StrictHost(), host="strict")
        refused = facade.authorize(account("alpha"), user(), Action.MANAGE_NUMBERS)
        assert not refused.allowed
        assert ADMIN_PERMISSION in refused.reason


class TestDefaults:
    """The core's own permission rules."""

    @pytest.mark.parametrize("action", [Action.SEND_MESSAGE, Action.VIEW_HISTORY])
    def test_active_users_may_text_and_read(self, action: Action) -> None:
        """Sending and reading need no permission by default."""
        assert hooks().authorize(account("alpha"), user(), action).allowed

    def test_admin_actions_need_the_admin_permission(self) -> None:
        """Managing numbers needs sms.admin."""
        facade = hooks()
        assert facade.authorize(account("a"), user(ADMIN_PERMISSION), Action.MANAGE_NUMBERS).allowed
        assert not facade.authorize(account("a"), user(), Action.MANAGE_REGISTRATION).allowed

    def test_inactive_users_may_do_nothing(self) -> None:
        """An inactive admin is refused, with the reason."""
        decision = hooks().authorize(
            account("a"), user(ADMIN_PERMISSION, active=False), Action.SEND_MESSAGE
        )
        assert not decision.allowed
        assert "inactive" in decision.reason


class TestPluginManager:
    """The factory: specs, validation, entry points and blocking."""

    def test_misspelled_hook_is_caught(self) -> None:
        """An implementation that matches no spec fails at load time."""

        class Typo:
            @hookimpl
            def sms_serch_numbers(self) -> None:
                """Misspelled."""

        with pytest.raises(pluggy.PluginValidationError, match="sms_serch_numbers"):
            make_plugin_manager(plugins=[Typo()], load_entry_points=False)

    def test_entry_points_load_and_can_be_blocked(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An installed distribution's entry point loads; SMS_CORE_DISABLED_PLUGINS blocks it."""
        _install_distribution(tmp_path, monkeypatch)
        loaded = Hooks(make_plugin_manager(environ={}))
        assert "gamma" in loaded.providers()
        blocked = Hooks(make_plugin_manager(environ={"SMS_CORE_DISABLED_PLUGINS": " gamma , x"}))
        assert "gamma" not in blocked.providers()


class TestHostReplacement:
    """A host passed in explicitly replaces the installed host of the same name."""

    def test_explicit_host_replaces_installed_one(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Only the explicit instance stays registered, so nothing answers twice."""
        _install_distribution(tmp_path, monkeypatch)
        configured = StrictHost()
        pm = make_plugin_manager(host="strict", plugins=[configured], environ={})
        hosts = [plugin for plugin in pm.get_plugins() if host_name_of(plugin) is not None]
        assert [configured] == hosts

    def test_two_explicit_hosts_with_one_name_are_refused(self) -> None:
        """Two hosts named alike make the choice ambiguous: a configuration error."""
        with pytest.raises(ConfigurationError, match="several host plugins are named 'strict'"):
            hooks(StrictHost(), StrictHost(), host="strict")


def _install_distribution(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put a tiny distribution with an ``sms_core`` entry point on sys.path."""
    (root / "gamma_adapter.py").write_text(
        textwrap.dedent(
            """
            from sms_core import ProviderCapabilities, ProviderInfo, hookimpl

            @hookimpl
            def sms_provider_info():
                return ProviderInfo(
                    name="gamma",
                    description="entry point test",
                    capabilities=ProviderCapabilities(max_concurrent_sends=1),
                )
            """
        )
    )
    (root / "gamma_host.py").write_text(
        textwrap.dedent(
            """
            from sms_core import HostInfo, HostPolicy, hookimpl

            @hookimpl
            def sms_host_info():
                return HostInfo(name="strict", policy=HostPolicy(users_per_number=7))
            """
        )
    )
    info = root / "gamma_adapter-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gamma-adapter\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[sms_core]\ngamma = gamma_adapter\ngamma-host = gamma_host\n"
    )
    monkeypatch.syspath_prepend(str(root))


class TestInstalledListing:
    """What ``smsadmin plugins`` reads: registered carriers and every host, with their origin."""

    def test_carriers_by_name_with_origin(self) -> None:
        """Carriers come sorted by name; one passed in code has no distribution."""
        hooks = Hooks.create(
            plugins=[SearchOnlyAdapter("zeta", "212"), SearchOnlyAdapter("alpha", "415")],
            load_entry_points=False,
        )

        carriers = hooks.installed_carriers()

        assert [carrier.info.name for carrier in carriers] == ["alpha", "zeta"]
        assert all(carrier.origin.distribution is None for carrier in carriers)
        assert all(carrier.origin.version is None for carrier in carriers)

    def test_installed_plugins_name_their_distribution(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Entry-point plugins name their entry point, distribution and version."""
        _install_distribution(tmp_path, monkeypatch)

        carriers = {c.info.name: c for c in Hooks.create(environ={}).installed_carriers()}
        hosts = {h.name: h for h in Hooks.installed_hosts(account("x"), environ={})}

        assert carriers["gamma"].origin == PluginOrigin(
            name="gamma", distribution="gamma-adapter", version="1.0"
        )
        assert hosts["strict"].origin == PluginOrigin(
            name="gamma-host", distribution="gamma-adapter", version="1.0"
        )
        assert hosts["strict"].policy.users_per_number == 7

    def test_disabled_plugins_are_not_listed(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Entry points named in SMS_CORE_DISABLED_PLUGINS are neither carriers nor hosts."""
        _install_distribution(tmp_path, monkeypatch)
        environ = {"SMS_CORE_DISABLED_PLUGINS": "gamma,gamma-host"}

        carriers = Hooks.create(environ=environ).installed_carriers()
        hosts = Hooks.installed_hosts(account("x"), environ=environ)

        assert "gamma" not in {carrier.info.name for carrier in carriers}
        assert "strict" not in {host.name for host in hosts}

    def test_every_host_with_its_policy(self) -> None:
        """Each host is listed with the policy it sets, whichever would be active."""
        hosts = Hooks.installed_hosts(
            account("x"), plugins=[StrictHost(), OtherHost()], load_entry_points=False
        )

        assert [(host.name, host.policy.users_per_number) for host in hosts] == [
            ("other", 9),
            ("strict", 2),
        ]

    def test_no_host_without_one(self) -> None:
        """Without host plugins there is no active host and none to list."""
        hooks = Hooks.create(load_entry_points=False)

        assert hooks.active_host(account("x")) is None
        assert Hooks.installed_hosts(account("x"), load_entry_points=False) == []

    def test_passed_host_replaces_installed_one(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A host passed in code under an installed host's name is listed once, as passed."""
        _install_distribution(tmp_path, monkeypatch)

        hosts = Hooks.installed_hosts(account("x"), plugins=[StrictHost()], environ={})

        strict = [host for host in hosts if host.name == "strict"]
        assert [(host.policy.users_per_number, host.origin.distribution) for host in strict] == [
            (2, None)
        ]


class UndeclaredPolicyHost:
    """Implements a host-deciding hook but never says it is a host."""

    @hookimpl
    def sms_host_policy(self, account: Account) -> HostPolicy:
        return HostPolicy(users_per_number=None)


class UndeclaredAuthorizer:
    """Lets everyone do everything, without saying it is a host."""

    @hookimpl
    def sms_authorize(self) -> Decision:
        return Decision.allow()


class ActivityObserver:
    """A plugin that only listens to stored messages: no host, and needs not be one."""

    def __init__(self) -> None:
        self.seen: list[Activity] = []

    @hookimpl
    def sms_record_activity(self, activity: Activity) -> None:
        self.seen.append(activity)


class LegacyHost:
    """A host that names itself the pre-0.2 way."""

    sms_host_name = "legacy"

    @hookimpl
    def sms_host_policy(self) -> HostPolicy:
        return HostPolicy(mass_text_cap=5)


class DeclaringHost:
    """A host whose declaration and answers a test chooses."""

    def __init__(
        self,
        declaration: object = None,
        *,
        policy: object = None,
        decision: object = None,
    ) -> None:
        self.declaration = declaration
        self.policy = policy
        self.decision = decision

    @hookimpl
    def sms_host_info(self) -> object:
        if self.declaration is None:
            return HostInfo(name="declaring", policy=HostPolicy(mass_text_cap=7))
        return self.declaration() if callable(self.declaration) else self.declaration

    @hookimpl
    def sms_host_policy(self) -> object:
        return self.policy() if callable(self.policy) else self.policy

    @hookimpl
    def sms_authorize(self) -> object:
        return self.decision


class TestHostDeclaration:
    """Hosts declare themselves through ``sms_host_info``; loading checks every declaration."""

    @pytest.mark.parametrize(
        ("plugin", "hook"),
        [(UndeclaredPolicyHost(), "sms_host_policy"), (UndeclaredAuthorizer(), "sms_authorize")],
    )
    def test_host_hooks_without_declaration_are_refused(self, plugin: object, hook: str) -> None:
        """Such a plugin would override the active host: refused at load, naming the fix."""
        with pytest.raises(PluginContractError) as caught:
            hooks(plugin, StrictHost(), host="strict")
        assert (type(plugin).__name__, hook) == (caught.value.plugin, caught.value.hook)
        assert "does not declare itself a host" in caught.value.problem
        assert "sms_host_info" in caught.value.fix

    def test_an_observer_needs_no_declaration(self) -> None:
        """``sms_record_activity`` alone is an observer: it loads, and is no host."""
        observer = ActivityObserver()
        facade = hooks(observer, StrictHost(), host="strict")
        facade.record_activity(account("alpha"), sample_activity(Direction.INBOUND, None))
        assert ("strict", 1) == (facade.host_name, len(observer.seen))

    def test_declared_policy_applies_for_every_account(self) -> None:
        """Without ``sms_host_policy``, the declared policy is the host's policy."""
        facade = hooks(OtherHost(), host="other")
        assert HostPolicy(users_per_number=9) == facade.host_policy(account("alpha"))

    def test_per_account_answer_wins_over_declaration(self) -> None:
        """``sms_host_policy`` answering for an account overrides the declared policy."""
        facade = hooks(StrictHost(), host="strict")
        assert HostInfo(name="strict", version="2.1", description="Strict test host") == (
            facade.host_info()
        )
        assert 2 == facade.host_policy(account("alpha")).users_per_number

    def test_no_host_declares_nothing(self) -> None:
        """Without an active host there is no declaration and the defaults apply."""
        facade = hooks(StrictHost())
        assert (None, DEFAULT_POLICY) == (facade.host_info(), facade.host_policy(account("a")))

    def test_the_attribute_still_works_with_a_warning(self) -> None:
        """``sms_host_name`` keeps working for 0.2, warning with the fix."""
        with pytest.warns(DeprecationWarning, match=r"'sms_host_name'.*sms_host_info.*'legacy'"):
            facade = hooks(LegacyHost(), host="legacy")
        assert ("legacy", 5) == (facade.host_name, facade.host_policy(account("a")).mass_text_cap)

    @pytest.mark.parametrize(
        ("declaration", "problem"),
        [
            ("declaring", r"returned str 'declaring', not a sms_core\.HostInfo"),
            ({"name": "declaring"}, r"returned dict .*, not a sms_core\.HostInfo"),
            (lambda: HostInfo(name="Vendor Portal"), "out of bounds: name must be a short"),
            (
                lambda: HostInfo(name="declaring", policy=HostPolicy(mass_text_cap=0)),
                "out of bounds: mass_text_cap must be a whole number from 1 to 1000; got 0",
            ),
            (
                lambda: HostInfo(name="declaring", policy=HostPolicy(max_body_characters=5000)),
                "out of bounds: max_body_characters must be .*; got 5000",
            ),
        ],
    )
    def test_a_bad_declaration_fails_at_load_even_when_inactive(
        self, declaration: object, problem: str
    ) -> None:
        """Every host's declaration is read at load, so a misconfigured install fails fast."""
        with pytest.raises(PluginContractError, match=problem) as caught:
            hooks(DeclaringHost(declaration), StrictHost(), host="strict")
        assert ("DeclaringHost", "sms_host_info") == (caught.value.plugin, caught.value.hook)
        with pytest.raises(PluginContractError, match=problem):
            Hooks.installed_hosts(
                account("a"), plugins=[DeclaringHost(declaration)], load_entry_points=False
            )


class TestHostAnswersChecked:
    """The façade checks each host hook's answer and names the plugin that gave a wrong one."""

    def test_policy_of_the_wrong_type(self) -> None:
        """A mapping instead of a ``HostPolicy`` fails at once, not in a service."""
        facade = hooks(DeclaringHost(policy={"mass_text_cap": 5}), host="declaring")
        with pytest.raises(
            PluginContractError,
            match=r"^plugin 'DeclaringHost', hook sms_host_policy: it returned dict .*, not a "
            r"sms_core\.HostPolicy, or None\. Return",
        ):
            facade.host_policy(account("a"))

    def test_policy_out_of_bounds_for_one_account(self) -> None:
        """A policy the host cannot build for an account names the host and the bound."""
        facade = hooks(DeclaringHost(policy=lambda: HostPolicy(mass_text_cap=0)), host="declaring")
        with pytest.raises(PluginContractError, match="mass_text_cap must be") as caught:
            facade.host_policy(account("a"))
        assert ("DeclaringHost", "sms_host_policy") == (caught.value.plugin, caught.value.hook)
        assert isinstance(caught.value.__cause__, HostDeclarationError)

    @pytest.mark.parametrize("answer", [True, "allow", {"allowed": True}])
    def test_decision_of_the_wrong_type(self, answer: object) -> None:
        """Anything but a ``Decision`` (or ``None``) from ``sms_authorize`` is refused."""
        facade = hooks(DeclaringHost(decision=answer), host="declaring")
        with pytest.raises(PluginContractError, match=r"not a sms_core\.Decision") as caught:
            facade.authorize(account("a"), user(), Action.SEND_MESSAGE)
        assert ("DeclaringHost", "sms_authorize") == (caught.value.plugin, caught.value.hook)

    def test_none_still_leaves_it_to_the_defaults(self) -> None:
        """``None`` from both host hooks: the declared policy and the core's permissions."""
        facade = hooks(DeclaringHost(), host="declaring")
        assert 7 == facade.host_policy(account("a")).mass_text_cap
        assert not facade.authorize(account("a"), user(), Action.MANAGE_NUMBERS).allowed

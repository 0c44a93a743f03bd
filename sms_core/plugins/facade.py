# Over 400 lines: one typed method per hook, so the facade grows with hookspecs.py and mirrors it.
"""The typed façade over the plugin manager: the only code that calls ``pm.hook``."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar, get_args

import attrs
import pluggy
from pluggy import HookCaller

from sms_core.domain import (
    Account,
    Action,
    Activity,
    AvailableNumber,
    BrandProfile,
    CampaignProfile,
    Decision,
    HeldRegistration,
    HostEvent,
    HostInfo,
    HostPolicy,
    InboundCall,
    NumberQuery,
    NumberSettings,
    OutboundMessage,
    PhoneNumber,
    ProviderEvent,
    ProviderInfo,
    ProvisionedNumber,
    RegistrationState,
    RegistrationStep,
    SearchFilter,
    SendReceipt,
    StatusUpdate,
    User,
    WebhookRequest,
    WebhookResponse,
)
from sms_core.domain.host_events import (
    InboundTextStored,
    LineChanged,
    MessageStatusChanged,
    OptOutChanged,
    RegistrationStepChanged,
)
from sms_core.exceptions import (
    HostDeclarationError,
    InvalidQueryError,
    PluginContractError,
    UnsupportedFeatureError,
    WebhookSignatureError,
)
from sms_core.plugins import defaults
from sms_core.plugins.manager import (
    InstalledCarrier,
    InstalledHost,
    installed_host_names,
    make_plugin_manager,
    plugin_label,
    plugin_origin,
    registered_hosts,
)
from sms_core.plugins.routing import ProviderRoute, ProviderRoutes, checked, checked_sequence

__all__ = ["HookFailure", "Hooks"]

_T = TypeVar("_T")

#: The event types ``sms_parse_webhook`` may answer with.
_PROVIDER_EVENTS: tuple[type[ProviderEvent], ...] = get_args(ProviderEvent)


class Hooks:
    """Typed, per-account calls into the installed adapters and the active host plugin.

    The core routes each provider call: when the façade is built it reads every adapter's
    ``sms_provider_info`` once and calls a provider hook on the adapter named by
    ``account.provider`` alone (see :mod:`sms_core.plugins.routing`). A call for a provider no
    adapter has raises :class:`UnknownProviderError` before anything is called; an adapter
    answering ``None`` lacks the feature (:class:`UnsupportedFeatureError`); an answer of the
    wrong type raises :class:`PluginContractError` naming the adapter and the hook.

    Raises:
        PluginContractError: When built on a manager whose adapters do not decide who answers
            (two adapters with one provider name, provider hooks without
            ``sms_provider_info``, a provider info that is no ``ProviderInfo``).
    """

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self._pm = pm
        self._hook = pm.hook
        self._routes_lock = threading.Lock()
        self._provider_routes = ProviderRoutes.build(pm)
        self._host_callers: dict[str, HookCaller] = {}
        # The active host's declaration and the plugins it was read among: read again only
        # when plugins come or go, not on every policy lookup of every send.
        self._declared: tuple[frozenset[object], HostInfo | None] | None = None

    @classmethod
    def create(
        cls,
        *,
        host: str | None = None,
        plugins: Iterable[object] = (),
        load_entry_points: bool = True,
        environ: Mapping[str, str] | None = None,
    ) -> Hooks:
        """Build a fresh plugin manager (see :func:`make_plugin_manager`) and wrap it."""
        return cls(
            make_plugin_manager(
                host=host,
                plugins=plugins,
                load_entry_points=load_entry_points,
                environ=environ,
            )
        )

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The wrapped manager.

        Register plugins at run time with :meth:`register`, which checks them at once. A
        plugin registered on the manager directly is routed too: the route table is built
        again at the next provider call, which raises :class:`PluginContractError` then if
        the plugin breaks the contract.
        """
        return self._pm

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register ``plugin`` at run time and route provider calls with it.

        Args:
            plugin: An adapter or other plugin.
            name: Its name in the plugin manager; pluggy makes one up by default.

        Returns:
            The name it was registered under, or ``None`` when that name is blocked.

        Raises:
            PluginContractError: When the plugin breaks the contract (an adapter with an
                installed adapter's provider name, say); it is not registered then.
        """
        registered = self._pm.register(plugin, name=name)
        with self._routes_lock:
            try:
                self._provider_routes = ProviderRoutes.build(self._pm)
            except PluginContractError:
                self._pm.unregister(plugin)
                raise
        return registered

    def unregister(self, plugin: object) -> None:
        """Unregister ``plugin``; provider calls stop reaching it at once."""
        self._pm.unregister(plugin)
        with self._routes_lock:
            self._provider_routes = ProviderRoutes.build(self._pm)

    # -- discovery ---------------------------------------------------------------------------

    def providers(self) -> dict[str, ProviderInfo]:
        """The installed carrier adapters by name."""
        return {name: route.info for name, route in self._routes().routes.items()}

    def provider_info(self, account: Account) -> ProviderInfo:
        """The adapter that serves ``account``.

        Raises:
            UnknownProviderError: When no installed adapter has the account's provider name.
        """
        return self._routes().route(account.provider).info

    def installed_carriers(self) -> list[InstalledCarrier]:
        """The registered carrier adapters with their distributions, by name."""
        return [
            InstalledCarrier(info=route.info, origin=plugin_origin(self._pm, route.plugin))
            for _, route in sorted(self._routes().routes.items())
        ]

    def active_host(self, account: Account) -> InstalledHost | None:
        """The active host plugin with the policy it sets for ``account``; ``None`` without one."""
        for plugin, info in registered_hosts(self._pm):
            return InstalledHost(
                name=info.name,
                origin=plugin_origin(self._pm, plugin),
                policy=self.host_policy(account),
                info=info,
            )
        return None

    @classmethod
    def installed_hosts(
        cls,
        account: Account,
        *,
        plugins: Iterable[object] = (),
        load_entry_points: bool = True,
        environ: Mapping[str, str] | None = None,
    ) -> list[InstalledHost]:
        """Every host plugin that could be activated, by name, with its policy for ``account``.

        Takes the arguments of :meth:`create` (but ``host``); each host is
        activated on a manager of its own, so its policy is read through its hooks alone.
        """
        found = []
        for name in installed_host_names(
            plugins=plugins, load_entry_points=load_entry_points, environ=environ
        ):
            hooks = cls.create(
                host=name, plugins=plugins, load_entry_points=load_entry_points, environ=environ
            )
            if (host := hooks.active_host(account)) is not None:
                found.append(host)
        return found

    @property
    def host_name(self) -> str | None:
        """The active host plugin's name, or ``None`` when the core defaults apply."""
        info = self.host_info()
        return None if info is None else info.name

    # -- account settings --------------------------------------------------------------------

    def check_provider_settings(self, account: Account) -> bool:
        """Have the account's carrier check ``account.provider_settings`` before they are stored.

        Returns:
            ``True`` when the adapter checked and accepted them; ``False`` when it does not
            check settings (it lacks ``sms_check_provider_settings``), so they are kept as
            given.

        Raises:
            UnknownProviderError: Before any call, when no adapter has the account's provider.
            ConfigurationError: (or an ``InvalidInputError``) From the adapter, naming the
                setting it refuses and the fix.
            PluginContractError: When the adapter answers something other than ``True`` or
                ``None`` (``False`` included: a refusal must say why).
        """
        hook = "sms_check_provider_settings"
        route = self._routes().route(account.provider)
        answer: object = route.callers[hook](account=account)
        if answer is None:
            return False
        if not checked(route.plugin_name, hook, answer, bool):
            raise PluginContractError.broken(
                plugin=route.plugin_name,
                hook=hook,
                problem="it answered False, which refuses the settings without saying why",
                fix=(
                    "Raise ConfigurationError naming the setting and the fix to refuse them, "
                    "and return True to accept them"
                ),
            )
        return True

    # -- provisioning ------------------------------------------------------------------------

    def search_numbers(self, account: Account, query: NumberQuery) -> list[AvailableNumber]:
        """Numbers for sale that match ``query``; empty when none do.

        Raises:
            InvalidQueryError: When ``query`` uses a filter the account's carrier does not
                declare (``ProviderCapabilities.search_filters``); the adapter is not called.
        """
        offered = self.provider_info(account).capabilities.search_filters
        unsupported = sorted(SearchFilter.used_by(query) - offered)
        if unsupported:
            names = ", ".join(item.value for item in unsupported)
            kept = ", ".join(sorted(item.value for item in offered)) or "none"
            raise InvalidQueryError(
                f"{account.provider} cannot search numbers by {names}; search again without "
                f"it (the filters {account.provider} honours: {kept})"
            )
        return self._many(
            account, "sms_search_numbers", "number search", AvailableNumber, query=query
        )

    def purchase_number(
        self, account: Account, number: PhoneNumber, settings: NumberSettings
    ) -> ProvisionedNumber:
        """Buy ``number`` for the account with its webhooks configured."""
        return self._one(
            account,
            "sms_purchase_number",
            "number purchase",
            ProvisionedNumber,
            number=number,
            settings=settings,
        )

    def release_number(self, account: Account, number: ProvisionedNumber) -> None:
        """Give ``number`` back to the carrier."""
        self._one(account, "sms_release_number", "number release", bool, number=number)

    def configure_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber:
        """Replace the number's webhook and forwarding settings."""
        return self._one(
            account,
            "sms_configure_number",
            "number configuration",
            ProvisionedNumber,
            number=number,
            settings=settings,
        )

    # -- adoption ----------------------------------------------------------------------------

    def list_numbers(self, account: Account) -> list[ProvisionedNumber]:
        """Every number the account holds at its carrier, with its webhooks as they are.

        Raises:
            UnsupportedFeatureError: When the account's carrier adapter cannot list them.
        """
        return self._many(
            account, "sms_list_numbers", "listing the numbers held", ProvisionedNumber
        )

    def adopt_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber:
        """Point a number the account already holds at ``settings``, buying nothing."""
        return self._one(
            account,
            "sms_adopt_number",
            "adopting numbers",
            ProvisionedNumber,
            number=number,
            settings=settings,
        )

    def lookup_registration(
        self, account: Account, brand_ref: str, campaign_ref: str, service_ref: str
    ) -> tuple[HeldRegistration, HeldRegistration, HeldRegistration]:
        """The brand, campaign and messaging service the carrier holds under these ids.

        Raises:
            UnsupportedFeatureError: When the account's carrier adapter cannot read them.
            PluginContractError: When the adapter answers other than the three steps in order.
        """
        hook = "sms_lookup_registration"
        route, answer = self._call(
            account,
            hook,
            "adopting a registration",
            brand_ref=brand_ref,
            campaign_ref=campaign_ref,
            service_ref=service_ref,
        )
        found = checked_sequence(route.plugin_name, hook, answer, HeldRegistration)
        steps = [held.state.step for held in found]
        if steps != list(RegistrationStep):
            raise PluginContractError.broken(
                plugin=route.plugin_name,
                hook=hook,
                problem=f"it answered the steps {[step.value for step in steps]}",
                fix="Answer the brand, the campaign and the messaging service, in that order",
            )
        brand, campaign, service = found
        return brand, campaign, service

    # -- registration ------------------------------------------------------------------------

    def submit_brand(
        self,
        account: Account,
        brand: BrandProfile,
        previous_ref: str | None = None,
        events_url: str | None = None,
    ) -> RegistrationState:
        """Submit (or resubmit) the brand; the carrier may post news about it to ``events_url``."""
        return self._one(
            account,
            "sms_submit_brand",
            "brand registration",
            RegistrationState,
            brand=brand,
            previous_ref=previous_ref,
            events_url=events_url,
        )

    def submit_campaign(
        self,
        account: Account,
        brand_ref: str,
        campaign: CampaignProfile,
        previous_ref: str | None = None,
        events_url: str | None = None,
    ) -> RegistrationState:
        """Submit (or resubmit) the campaign under an approved brand (news to ``events_url``)."""
        return self._one(
            account,
            "sms_submit_campaign",
            "campaign registration",
            RegistrationState,
            brand_ref=brand_ref,
            campaign=campaign,
            previous_ref=previous_ref,
            events_url=events_url,
        )

    def submit_messaging_service(
        self, account: Account, campaign_ref: str, settings: NumberSettings
    ) -> RegistrationState:
        """Set up the messaging service for an approved campaign."""
        return self._one(
            account,
            "sms_submit_messaging_service",
            "messaging service setup",
            RegistrationState,
            campaign_ref=campaign_ref,
            settings=settings,
        )

    def fetch_registration(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState:
        """Where a submitted registration step stands at the carrier."""
        return self._one(
            account,
            "sms_fetch_registration",
            "registration status",
            RegistrationState,
            step=step,
            ref=ref,
        )

    def resend_confirmation(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState:
        """Have the registry send a step's confirmation message (e-mail or text) again."""
        return self._one(
            account,
            "sms_resend_confirmation",
            "resending registration confirmations",
            RegistrationState,
            step=step,
            ref=ref,
        )

    def attach_number(self, account: Account, service_ref: str, number: ProvisionedNumber) -> None:
        """Add ``number`` to the approved messaging service."""
        self._one(
            account,
            "sms_attach_number",
            "attaching numbers to a messaging service",
            bool,
            service_ref=service_ref,
            number=number,
        )

    # -- delivery ----------------------------------------------------------------------------

    def send_message(self, account: Account, message: OutboundMessage) -> SendReceipt:
        """Hand one text to the carrier."""
        return self._one(
            account, "sms_send_message", "sending messages", SendReceipt, message=message
        )

    def fetch_message(
        self, account: Account, message: OutboundMessage, provider_message_id: str | None
    ) -> StatusUpdate:
        """The carrier's current status for a sent message."""
        return self._one(
            account,
            "sms_fetch_message",
            "message status lookup",
            StatusUpdate,
            message=message,
            provider_message_id=provider_message_id,
        )

    def verify_webhook(self, account: Account, request: WebhookRequest) -> None:
        """Check the request's signature.

        Raises:
            WebhookSignatureError: When the signature is missing or does not match.
        """
        valid = self._one(
            account, "sms_verify_webhook", "webhook verification", bool, request=request
        )
        if not valid:
            raise WebhookSignatureError(
                f"webhook to {request.url!r} for account {account.id!r} is unsigned or its "
                f"{account.provider} signature does not match; check the carrier's auth token "
                "and the public URL the webhook app is reached at"
            )

    def parse_webhook(self, account: Account, request: WebhookRequest) -> list[ProviderEvent]:
        """The normalized events a verified request carries."""
        return self._many(
            account, "sms_parse_webhook", "webhook parsing", _PROVIDER_EVENTS, request=request
        )

    def answer_call(
        self, account: Account, call: InboundCall, forward_to: PhoneNumber | None
    ) -> WebhookResponse:
        """The carrier's answer to an inbound call: forward it or decline."""
        return self._one(
            account,
            "sms_answer_call",
            "answering calls",
            WebhookResponse,
            call=call,
            forward_to=forward_to,
        )

    def acknowledge_webhook(
        self, account: Account, events: Sequence[ProviderEvent]
    ) -> WebhookResponse:
        """The carrier's answer to a webhook whose events were applied."""
        return self._one(
            account,
            "sms_acknowledge_webhook",
            "webhook answers",
            WebhookResponse,
            events=events,
        )

    # -- host --------------------------------------------------------------------------------

    def host_info(self) -> HostInfo | None:
        """What the active host declares about itself; ``None`` when the core defaults apply.

        Raises:
            PluginContractError: When its ``sms_host_info`` answers no valid ``HostInfo``.
        """
        plugins = frozenset(self._pm.get_plugins())
        declared = self._declared
        if declared is None or declared[0] != plugins:
            hosts = registered_hosts(self._pm)
            declared = self._declared = (plugins, hosts[0][1] if hosts else None)
        return declared[1]

    def host_policy(self, account: Account) -> HostPolicy:
        """The active host's limits for ``account``.

        The host's ``sms_host_policy`` answer for the account wins; without one, the policy
        its ``sms_host_info`` declares applies; without a host, the core defaults.

        Raises:
            PluginContractError: When the host answers something other than a ``HostPolicy``,
                or builds one out of bounds.
        """
        hook = "sms_host_policy"
        policy = self._host_answer(hook, {"account": account})
        if policy is None:
            info = self.host_info()
            return defaults.DEFAULT_POLICY if info is None else info.policy
        if not isinstance(policy, HostPolicy):
            raise self._wrong_answer(hook, policy, "a sms_core.HostPolicy, or None")
        return policy

    def authorize(
        self, account: Account, actor: User, action: Action, *, recipients: int = 0
    ) -> Decision:
        """Whether ``actor`` may perform ``action`` in ``account``, texting ``recipients``.

        The active host decides; when it answers ``None`` (or there is none), the core
        defaults do.

        Raises:
            PluginContractError: When the host answers something other than a ``Decision``.
        """
        hook = "sms_authorize"
        decision = self._host_answer(
            hook, {"account": account, "actor": actor, "action": action, "recipients": recipients}
        )
        if decision is None:
            return defaults.sms_authorize(account=account, actor=actor, action=action)
        if not isinstance(decision, Decision):
            raise self._wrong_answer(hook, decision, "a sms_core.Decision, or None")
        return decision

    def record_activity(self, account: Account, activity: Activity) -> None:
        """Tell every interested plugin about a stored message."""
        self._hook.sms_record_activity(account=account, activity=activity)

    def listens_to(self, kind: type[object]) -> bool:
        """Whether any plugin implements the hook that tells about ``kind`` events."""
        return bool(getattr(self._hook, _EVENT_HOOKS[kind]).get_hookimpls())

    def notify_host_event(self, account: Account, event: HostEvent) -> list[HookFailure]:
        """Tell every plugin that implements the event's hook, each on its own.

        An implementation that raises does not keep the others from being called: its error
        is returned, for the caller to log and to deliver the event again later.

        Returns:
            The implementations that raised; empty when every one returned.
        """
        name = _EVENT_HOOKS[type(event)]
        plugins = list(
            dict.fromkeys(impl.plugin for impl in getattr(self._hook, name).get_hookimpls())
        )
        failures = []
        for plugin in reversed(plugins):  # in pluggy's own order: the last registered first
            others = [other for other in plugins if other is not plugin]
            try:
                self._pm.subset_hook_caller(name, others)(account=account, event=event)
            except Exception as err:  # a plugin's bug must not stop the others
                failures.append(HookFailure(plugin=self._pm.get_name(plugin) or "?", error=err))
        return failures

    def _host_answer(self, hook: str, kwargs: Mapping[str, object]) -> object:
        """The first answer of a host-deciding hook from a plugin other than the defaults.

        A ``HostDeclarationError`` raised while the host builds its answer (a policy out of
        bounds for one account) becomes the ``PluginContractError`` naming the host.
        """
        caller = self._host_callers.get(hook)
        if caller is None:
            # A subset caller filters at call time, so it stays right as plugins come and go.
            caller = self._pm.subset_hook_caller(hook, remove_plugins=[defaults])
            self._host_callers[hook] = caller
        try:
            return caller(**kwargs)
        except HostDeclarationError as err:
            raise PluginContractError.broken(
                plugin=self._implementers(hook),
                hook=hook,
                problem=f"its answer is out of bounds: {err}",
                fix="Correct that value in the policy it returns",
            ) from err

    def _wrong_answer(self, hook: str, answer: object, expected: str) -> PluginContractError:
        shown = repr(answer)
        return PluginContractError.broken(
            plugin=self._implementers(hook),
            hook=hook,
            problem=f"it returned {type(answer).__name__} {shown[:60]}, not {expected}",
            fix=f"Return {expected} from {hook}, as sms_core.hookspecs documents",
        )

    def _implementers(self, hook: str) -> str:
        """The names of the plugins besides the defaults that implement ``hook``."""
        names = [
            plugin_label(self._pm, impl.plugin)
            for impl in getattr(self._hook, hook).get_hookimpls()
            if impl.plugin is not defaults
        ]
        return ", ".join(names) or "?"

    # -- dispatch ----------------------------------------------------------------------------

    def _routes(self) -> ProviderRoutes:
        """The route table, built again first when plugins were (un)registered since."""
        routes = self._provider_routes
        if not routes.is_current(self._pm):
            with self._routes_lock:
                routes = self._provider_routes
                if not routes.is_current(self._pm):
                    routes = self._provider_routes = ProviderRoutes.build(self._pm)
        return routes

    def _call(
        self, account: Account, hook: str, feature: str, /, **kwargs: object
    ) -> tuple[ProviderRoute, object]:
        """Call ``hook`` on the adapter of the account's provider alone; its route and answer.

        Raises:
            UnknownProviderError: Before any call, when no adapter has the account's provider.
            UnsupportedFeatureError: When the adapter answers ``None`` (it lacks the feature).
        """
        route = self._routes().route(account.provider)
        answer: object = route.callers[hook](account=account, **kwargs)
        if answer is None:
            raise UnsupportedFeatureError.missing(
                route.info.name, feature, "Choose a carrier adapter that provides it."
            )
        return route, answer

    def _one(
        self, account: Account, hook: str, feature: str, expected: type[_T], /, **kwargs: object
    ) -> _T:
        """The adapter's answer to ``hook``, checked to be an ``expected``."""
        route, answer = self._call(account, hook, feature, **kwargs)
        return checked(route.plugin_name, hook, answer, expected)

    def _many(
        self,
        account: Account,
        hook: str,
        feature: str,
        item: type[_T] | tuple[type[_T], ...],
        /,
        **kwargs: object,
    ) -> list[_T]:
        """The adapter's answer to ``hook``, checked to be a sequence of ``item`` values."""
        route, answer = self._call(account, hook, feature, **kwargs)
        return checked_sequence(route.plugin_name, hook, answer, item)


# The hook that tells plugins about each kind of host event.
_EVENT_HOOKS: dict[type[object], str] = {
    MessageStatusChanged: "sms_message_status_changed",
    InboundTextStored: "sms_inbound_text_stored",
    OptOutChanged: "sms_opt_out_changed",
    RegistrationStepChanged: "sms_registration_step_changed",
    LineChanged: "sms_line_changed",
}


@attrs.frozen(kw_only=True)
class HookFailure:
    """A plugin's implementation of a notification hook that raised.

    Attributes:
        plugin: The plugin's registered name.
        error: What it raised.
    """

    plugin: str
    error: Exception

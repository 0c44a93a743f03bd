"""The typed façade over the plugin manager: the only code that calls ``pm.hook``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar, cast

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
    SendReceipt,
    StatusUpdate,
    User,
    WebhookRequest,
    WebhookResponse,
)
from sms_core.exceptions import (
    HostDeclarationError,
    PluginContractError,
    UnknownProviderError,
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

__all__ = ["Hooks"]

_T = TypeVar("_T")


class Hooks:
    """Typed, per-account calls into the installed adapters and the active host plugin.

    A provider call goes to the adapter named by ``account.provider``. When no adapter
    answers, the call fails with :class:`UnknownProviderError` if no such adapter is installed,
    or :class:`UnsupportedFeatureError` if the adapter does not implement the hook.
    """

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self._pm = pm
        self._hook = pm.hook
        self._host_callers: dict[str, HookCaller] = {}

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
        """The wrapped manager, for registering plugins at run time."""
        return self._pm

    # -- discovery ---------------------------------------------------------------------------

    def providers(self) -> dict[str, ProviderInfo]:
        """The installed carrier adapters by name."""
        return {info.name: info for info in self._hook.sms_provider_info()}

    def provider_info(self, account: Account) -> ProviderInfo:
        """The adapter that serves ``account``.

        Raises:
            UnknownProviderError: When no installed adapter has the account's provider name.
        """
        installed = self.providers()
        if account.provider not in installed:
            raise UnknownProviderError(account.provider, tuple(sorted(installed)))
        return installed[account.provider]

    def installed_carriers(self) -> list[InstalledCarrier]:
        """The registered carrier adapters with their distributions, by name."""
        found = []
        for impl in self._hook.sms_provider_info.get_hookimpls():
            info = cast("ProviderInfo", impl.function())
            found.append(InstalledCarrier(info=info, origin=plugin_origin(self._pm, impl.plugin)))
        return sorted(found, key=lambda carrier: carrier.info.name)

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

    # -- provisioning ------------------------------------------------------------------------

    def search_numbers(self, account: Account, query: NumberQuery) -> list[AvailableNumber]:
        """Numbers for sale that match ``query``; empty when none do."""
        found: Sequence[AvailableNumber] | None = self._hook.sms_search_numbers(
            account=account, query=query
        )
        return list(self._answered(account, found, "number search"))

    def purchase_number(
        self, account: Account, number: PhoneNumber, settings: NumberSettings
    ) -> ProvisionedNumber:
        """Buy ``number`` for the account with its webhooks configured."""
        bought: ProvisionedNumber | None = self._hook.sms_purchase_number(
            account=account, number=number, settings=settings
        )
        return self._answered(account, bought, "number purchase")

    def release_number(self, account: Account, number: ProvisionedNumber) -> None:
        """Give ``number`` back to the carrier."""
        released: bool | None = self._hook.sms_release_number(account=account, number=number)
        self._answered(account, released, "number release")

    def configure_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber:
        """Replace the number's webhook and forwarding settings."""
        configured: ProvisionedNumber | None = self._hook.sms_configure_number(
            account=account, number=number, settings=settings
        )
        return self._answered(account, configured, "number configuration")

    # -- registration ------------------------------------------------------------------------

    def submit_brand(
        self, account: Account, brand: BrandProfile, previous_ref: str | None = None
    ) -> RegistrationState:
        """Submit (or resubmit) the brand."""
        state: RegistrationState | None = self._hook.sms_submit_brand(
            account=account, brand=brand, previous_ref=previous_ref
        )
        return self._answered(account, state, "brand registration")

    def submit_campaign(
        self,
        account: Account,
        brand_ref: str,
        campaign: CampaignProfile,
        previous_ref: str | None = None,
    ) -> RegistrationState:
        """Submit (or resubmit) the campaign under an approved brand."""
        state: RegistrationState | None = self._hook.sms_submit_campaign(
            account=account, brand_ref=brand_ref, campaign=campaign, previous_ref=previous_ref
        )
        return self._answered(account, state, "campaign registration")

    def submit_messaging_service(
        self, account: Account, campaign_ref: str, settings: NumberSettings
    ) -> RegistrationState:
        """Set up the messaging service for an approved campaign."""
        state: RegistrationState | None = self._hook.sms_submit_messaging_service(
            account=account, campaign_ref=campaign_ref, settings=settings
        )
        return self._answered(account, state, "messaging service setup")

    def fetch_registration(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState:
        """Where a submitted registration step stands at the carrier."""
        state: RegistrationState | None = self._hook.sms_fetch_registration(
            account=account, step=step, ref=ref
        )
        return self._answered(account, state, "registration status")

    def resend_confirmation(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState:
        """Have the registry send a step's confirmation message (e-mail or text) again."""
        state: RegistrationState | None = self._hook.sms_resend_confirmation(
            account=account, step=step, ref=ref
        )
        return self._answered(account, state, "resending registration confirmations")

    def attach_number(self, account: Account, service_ref: str, number: ProvisionedNumber) -> None:
        """Add ``number`` to the approved messaging service."""
        attached: bool | None = self._hook.sms_attach_number(
            account=account, service_ref=service_ref, number=number
        )
        self._answered(account, attached, "attaching numbers to a messaging service")

    # -- delivery ----------------------------------------------------------------------------

    def send_message(self, account: Account, message: OutboundMessage) -> SendReceipt:
        """Hand one text to the carrier."""
        receipt: SendReceipt | None = self._hook.sms_send_message(account=account, message=message)
        return self._answered(account, receipt, "sending messages")

    def fetch_message(
        self, account: Account, message: OutboundMessage, provider_message_id: str | None
    ) -> StatusUpdate:
        """The carrier's current status for a sent message."""
        update: StatusUpdate | None = self._hook.sms_fetch_message(
            account=account, message=message, provider_message_id=provider_message_id
        )
        return self._answered(account, update, "message status lookup")

    def verify_webhook(self, account: Account, request: WebhookRequest) -> None:
        """Check the request's signature.

        Raises:
            WebhookSignatureError: When the signature is missing or does not match.
        """
        valid: bool | None = self._hook.sms_verify_webhook(account=account, request=request)
        if not self._answered(account, valid, "webhook verification"):
            raise WebhookSignatureError(
                f"webhook to {request.url!r} for account {account.id!r} is unsigned or its "
                f"{account.provider} signature does not match; check the carrier's auth token "
                "and the public URL the webhook app is reached at"
            )

    def parse_webhook(self, account: Account, request: WebhookRequest) -> list[ProviderEvent]:
        """The normalized events a verified request carries."""
        events: Sequence[ProviderEvent] | None = self._hook.sms_parse_webhook(
            account=account, request=request
        )
        return list(self._answered(account, events, "webhook parsing"))

    def answer_call(
        self, account: Account, call: InboundCall, forward_to: PhoneNumber | None
    ) -> WebhookResponse:
        """The carrier's answer to an inbound call: forward it or decline."""
        response: WebhookResponse | None = self._hook.sms_answer_call(
            account=account, call=call, forward_to=forward_to
        )
        return self._answered(account, response, "answering calls")

    def acknowledge_webhook(
        self, account: Account, events: Sequence[ProviderEvent]
    ) -> WebhookResponse:
        """The carrier's answer to a webhook whose events were applied."""
        response: WebhookResponse | None = self._hook.sms_acknowledge_webhook(
            account=account, events=events
        )
        return self._answered(account, response, "webhook answers")

    # -- host --------------------------------------------------------------------------------

    def host_info(self) -> HostInfo | None:
        """What the active host declares about itself; ``None`` when the core defaults apply.

        Raises:
            PluginContractError: When its ``sms_host_info`` answers no valid ``HostInfo``.
        """
        for _, info in registered_hosts(self._pm):
            return info
        return None

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

    def authorize(self, account: Account, actor: User, action: Action) -> Decision:
        """Whether ``actor`` may perform ``action`` in ``account``.

        The active host decides; when it answers ``None`` (or there is none), the core
        defaults do.

        Raises:
            PluginContractError: When the host answers something other than a ``Decision``.
        """
        hook = "sms_authorize"
        decision = self._host_answer(hook, {"account": account, "actor": actor, "action": action})
        if decision is None:
            return defaults.sms_authorize(account=account, actor=actor, action=action)
        if not isinstance(decision, Decision):
            raise self._wrong_answer(hook, decision, "a sms_core.Decision, or None")
        return decision

    def record_activity(self, account: Account, activity: Activity) -> None:
        """Tell every interested plugin about a stored message."""
        self._hook.sms_record_activity(account=account, activity=activity)

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
            raise PluginContractError(
                plugin=self._implementers(hook),
                hook=hook,
                problem=f"its answer is out of bounds: {err}",
                fix="Correct that value in the policy it returns",
            ) from err

    def _wrong_answer(self, hook: str, answer: object, expected: str) -> PluginContractError:
        shown = repr(answer)
        return PluginContractError(
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

    def _answered(self, account: Account, result: _T | None, feature: str) -> _T:
        if result is not None:
            return result
        info = self.provider_info(account)  # raises when the adapter is not installed
        raise UnsupportedFeatureError(
            info.name, feature, "Choose a carrier adapter that provides it."
        )

"""The typed façade over the plugin manager: the only code that calls ``pm.hook``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar, cast

import attrs
import pluggy

from sms_core.domain import (
    Account,
    Action,
    Activity,
    AvailableNumber,
    BrandProfile,
    CampaignProfile,
    Decision,
    HostEvent,
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
from sms_core.domain.host_events import (
    InboundTextStored,
    LineChanged,
    MessageStatusChanged,
    OptOutChanged,
    RegistrationStepChanged,
)
from sms_core.exceptions import (
    UnknownProviderError,
    UnsupportedFeatureError,
    WebhookSignatureError,
)
from sms_core.plugins.manager import (
    InstalledCarrier,
    InstalledHost,
    host_name_of,
    installed_host_names,
    make_plugin_manager,
    plugin_origin,
)

__all__ = ["HookFailure", "Hooks"]

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
        for plugin in self._pm.get_plugins():
            if (name := host_name_of(plugin)) is not None:
                origin = plugin_origin(self._pm, plugin)
                return InstalledHost(name=name, origin=origin, policy=self.host_policy(account))
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
        for plugin in self._pm.get_plugins():
            if (name := host_name_of(plugin)) is not None:
                return name
        return None

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

    def host_policy(self, account: Account) -> HostPolicy:
        """The active host's limits for ``account`` (the core defaults without a host)."""
        policy: HostPolicy = self._hook.sms_host_policy(account=account)
        return policy

    def authorize(self, account: Account, actor: User, action: Action) -> Decision:
        """Whether ``actor`` may perform ``action`` in ``account``."""
        decision: Decision = self._hook.sms_authorize(account=account, actor=actor, action=action)
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

    # -- dispatch ----------------------------------------------------------------------------

    def _answered(self, account: Account, result: _T | None, feature: str) -> _T:
        if result is not None:
            return result
        info = self.provider_info(account)  # raises when the adapter is not installed
        raise UnsupportedFeatureError(
            info.name, feature, "Choose a carrier adapter that provides it."
        )


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

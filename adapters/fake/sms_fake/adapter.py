"""The sandbox carrier as an smsadmin carrier adapter, published as the ``fake`` entry point.

The core routes to the adapter the calls of accounts whose ``provider`` is ``"fake"`` (the
adapter never checks whose account it is given). Their carrier lives in the
SQLite file named by ``account.provider_settings["state_path"]``, else by ``SMS_FAKE_STATE``,
else in ``$XDG_DATA_HOME/smsadmin/sandbox-carrier.sqlite3`` (``~/.local/share`` when
``XDG_DATA_HOME`` is unset); ``":memory:"`` keeps it in the process. The adapter opens one
carrier per file and keeps it.

Calls are answered with JSON (see :mod:`sms_fake.payloads`): ``{"action": "forward", "to": …}``
when the line forwards, ``{"action": "decline", "say": …}`` otherwise. Other webhooks are
answered ``204 No Content``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence

from sms_core.clock import Clock
from sms_core.domain import (
    Account,
    AvailableNumber,
    BrandProfile,
    BrandVertical,
    CampaignProfile,
    HeldRegistration,
    InboundCall,
    NumberQuery,
    NumberSettings,
    NumberType,
    OutboundMessage,
    PhoneNumber,
    ProviderCapabilities,
    ProviderEvent,
    ProviderInfo,
    ProvisionedNumber,
    RegistrationState,
    RegistrationStep,
    SearchFilter,
    SendReceipt,
    StatusUpdate,
    WebhookRequest,
    WebhookResponse,
)
from sms_core.exceptions import ConfigurationError, WebhookPayloadError
from sms_core.hookspecs import hookimpl
from sms_fake import adoption, translation
from sms_fake.carrier import SandboxCarrier
from sms_fake.delivery import MAX_BODY_CHARACTERS
from sms_fake.errors import PROVIDER, not_found
from sms_fake.payloads import CallAction, CallAnswer, decode_report, encode_answer
from sms_fake.signing import auth_token_from
from sms_fake.state import STATE_ENV, default_state_path

__all__ = [
    "DECLINE_MESSAGE",
    "STATE_ENV",
    "STATE_PATH_SETTING",
    "FakeAdapter",
    "adapter",
    "default_state_path",
]

#: The ``Account.provider_settings`` key naming the carrier's SQLite file.
STATE_PATH_SETTING = "state_path"
#: What a caller hears when the line forwards nowhere.
DECLINE_MESSAGE = (
    "Sorry, this number cannot take calls. Please send a text message instead. Goodbye."
)

_INFO = ProviderInfo(
    name=PROVIDER,
    description=(
        "Sandbox carrier: numbers, 10DLC registration, delivery and signed webhooks on a "
        "local SQLite file and its own clock; nothing leaves the machine"
    ),
    capabilities=ProviderCapabilities(
        max_concurrent_sends=10,
        max_body_characters=MAX_BODY_CHARACTERS,
        countries=frozenset({"US", "CA", "GB"}),
        number_types=frozenset({NumberType.LOCAL, NumberType.TOLL_FREE}),
        # The sandbox registers with The Campaign Registry's own verticals.
        brand_verticals=frozenset(BrandVertical),
        # The sandbox's inventory knows each number's area, region, city, postal code and
        # digits.
        search_filters=frozenset(SearchFilter),
        # Signed over its time, the URL and the body (sms_fake.signing); the time is checked
        # only by a carrier given a signature_tolerance, so none is promised here.
        signature_covers_url=True,
        signature_max_age=None,
        # Lists, repoints and reads what an account holds (sms_fake.adoption).
        adopts_existing=True,
    ),
)


class FakeAdapter:
    """The ``fake`` carrier adapter: every provider hook, served by a :class:`SandboxCarrier`.

    Args:
        carrier: Serve every fake account with this carrier (tests); by default each account
            is served by the carrier of its state file.
        clock: The base clock of the carriers the adapter opens; the wall clock by default.
        environ: Where to read ``SMS_FAKE_STATE``, ``XDG_DATA_HOME`` and
            ``SMS_FAKE_AUTH_TOKEN``; the process environment by default.
    """

    def __init__(
        self,
        *,
        carrier: SandboxCarrier | None = None,
        clock: Clock | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._carrier = carrier
        self._clock = clock
        self._environ = environ
        self._opened: dict[str, SandboxCarrier] = {}
        self._lock = threading.Lock()

    def carrier_for(self, account: Account) -> SandboxCarrier:
        """The carrier that serves ``account``, opened on first use."""
        if self._carrier is not None:
            return self._carrier
        env = os.environ if self._environ is None else self._environ
        path = (
            account.provider_settings.get(STATE_PATH_SETTING)
            or env.get(STATE_ENV)
            or str(default_state_path(env))
        )
        key = path if path == ":memory:" else os.path.abspath(os.path.expanduser(path))
        with self._lock:
            if key not in self._opened:
                self._opened[key] = SandboxCarrier(
                    key, clock=self._clock, auth_token=auth_token_from(env)
                )
            return self._opened[key]

    def close(self) -> None:
        """Close the carriers the adapter opened (not one it was given)."""
        with self._lock:
            for carrier in self._opened.values():
                carrier.close()
            self._opened.clear()

    # -- discovery ---------------------------------------------------------------------------

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        """The sandbox's name and capabilities."""
        return _INFO

    # -- account settings --------------------------------------------------------------------

    @hookimpl
    def sms_check_provider_settings(self, account: Account) -> bool | None:
        """Accept ``state_path`` alone, naming a file (or ``:memory:``).

        Raises:
            ConfigurationError: For another key (a typo would otherwise be ignored) or an
                empty ``state_path``.
        """
        raw = account.provider_settings
        if unknown := sorted(set(raw) - {STATE_PATH_SETTING}):
            raise ConfigurationError(
                f"account {account.id!r} has unknown sandbox provider settings {unknown}; "
                f"the sandbox knows only {STATE_PATH_SETTING!r} (the SQLite file its carrier "
                f"lives in): remove the others"
            )
        if STATE_PATH_SETTING in raw and not raw[STATE_PATH_SETTING].strip():
            raise ConfigurationError(
                f"provider setting {STATE_PATH_SETTING!r} of account {account.id!r} is empty; "
                f"name the sandbox's SQLite file (or ':memory:'), or unset it to use "
                f"{STATE_ENV} or the default file"
            )
        return True

    # -- provisioning ------------------------------------------------------------------------

    @hookimpl
    def sms_search_numbers(
        self, account: Account, query: NumberQuery
    ) -> Sequence[AvailableNumber] | None:
        """Numbers for sale in the sandbox's inventory."""
        return self.carrier_for(account).search_numbers(query)

    @hookimpl
    def sms_purchase_number(
        self, account: Account, number: PhoneNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        """Buy a number from the sandbox."""
        carrier = self.carrier_for(account)
        return translation.provisioned(carrier.purchase_number(account.id, number, settings))

    @hookimpl
    def sms_release_number(self, account: Account, number: ProvisionedNumber) -> bool | None:
        """Give a number back to the sandbox."""
        carrier = self.carrier_for(account)
        carrier.release_number(account.id, number.provider_ref)
        return True

    @hookimpl
    def sms_configure_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        """Replace a number's settings at the sandbox."""
        carrier = self.carrier_for(account)
        configured = carrier.configure_number(account.id, number.provider_ref, settings)
        return translation.provisioned(configured)

    # -- adoption ----------------------------------------------------------------------------

    @hookimpl
    def sms_list_numbers(self, account: Account) -> Sequence[ProvisionedNumber] | None:
        """Every number the account holds at the sandbox."""
        return adoption.held_numbers(self.carrier_for(account), account.id)

    @hookimpl
    def sms_adopt_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        """Point a number the account holds at the SDK's webhooks."""
        return adoption.adopt_number(self.carrier_for(account), account.id, number, settings)

    @hookimpl
    def sms_lookup_registration(
        self, account: Account, brand_ref: str, campaign_ref: str, service_ref: str
    ) -> Sequence[HeldRegistration] | None:
        """The account's brand, campaign and messaging service as the sandbox reviews them."""
        carrier = self.carrier_for(account)
        return adoption.lookup_registration(
            carrier, account.id, brand_ref, campaign_ref, service_ref
        )

    # -- registration ------------------------------------------------------------------------

    @hookimpl
    def sms_submit_brand(
        self, account: Account, brand: BrandProfile, previous_ref: str | None
    ) -> RegistrationState | None:
        """Submit or resubmit the brand for the sandbox's review."""
        carrier = self.carrier_for(account)
        return translation.registration_state(carrier.submit_brand(account.id, brand, previous_ref))

    @hookimpl
    def sms_submit_campaign(
        self,
        account: Account,
        brand_ref: str,
        campaign: CampaignProfile,
        previous_ref: str | None,
    ) -> RegistrationState | None:
        """Submit or resubmit the campaign for the sandbox's review."""
        carrier = self.carrier_for(account)
        submitted = carrier.submit_campaign(account.id, brand_ref, campaign, previous_ref)
        return translation.registration_state(submitted)

    @hookimpl
    def sms_submit_messaging_service(
        self, account: Account, campaign_ref: str, settings: NumberSettings
    ) -> RegistrationState | None:
        """Set up the messaging service of the verified campaign."""
        carrier = self.carrier_for(account)
        submitted = carrier.submit_messaging_service(account.id, campaign_ref, settings)
        return translation.registration_state(submitted)

    @hookimpl
    def sms_fetch_registration(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        """Where a registration step stands at carrier time."""
        carrier = self.carrier_for(account)
        return translation.registration_state(carrier.registration(account.id, ref, step))

    @hookimpl
    def sms_resend_confirmation(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        """Send a brand's confirmation (OTP text or 2FA e-mail) again."""
        carrier = self.carrier_for(account)
        if step is not RegistrationStep.BRAND:
            raise not_found(f"{step.value} {ref!r} to confirm (only a brand is confirmed)")
        return translation.registration_state(carrier.resend_confirmation(account.id, ref))

    @hookimpl
    def sms_attach_number(
        self, account: Account, service_ref: str, number: ProvisionedNumber
    ) -> bool | None:
        """Put a number in the messaging service's sender pool."""
        carrier = self.carrier_for(account)
        carrier.attach_number(account.id, service_ref, number.provider_ref)
        return True

    # -- delivery ----------------------------------------------------------------------------

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Hand a text to the sandbox, which sends from ``message.sender``."""
        carrier = self.carrier_for(account)
        sent = carrier.send_message(
            account.id,
            sender=message.sender,
            recipient=message.recipient,
            body=message.body,
            message_id=message.message_id,
            status_callback_url=message.status_callback_url,
        )
        return translation.receipt(sent)

    @hookimpl
    def sms_fetch_message(
        self, account: Account, message: OutboundMessage, provider_message_id: str | None
    ) -> StatusUpdate | None:
        """A text's status at carrier time, found by the SDK's id when the carrier's is lost."""
        carrier = self.carrier_for(account)
        if provider_message_id is None:
            found = carrier.find_message(account.id, message.message_id)
        else:
            found = carrier.message(account.id, provider_message_id)
        return translation.status_update(found)

    @hookimpl
    def sms_verify_webhook(self, account: Account, request: WebhookRequest) -> bool | None:
        """Check the request's ``X-Sandbox-Signature``."""
        return self.carrier_for(account).verify_webhook(request)

    @hookimpl
    def sms_parse_webhook(
        self, account: Account, request: WebhookRequest
    ) -> Sequence[ProviderEvent] | None:
        """The events in a sandbox webhook body.

        Raises:
            WebhookPayloadError: When the body is malformed or reports on another account.
        """
        report, raw = decode_report(request.body)
        if report.account_id != account.id:
            raise WebhookPayloadError(
                f"sandbox webhook for account {report.account_id!r} reached the endpoint of "
                f"account {account.id!r}; check the webhook URLs configured on the number"
            )
        return translation.events(report, raw)

    @hookimpl
    def sms_answer_call(
        self, account: Account, call: InboundCall, forward_to: PhoneNumber | None
    ) -> WebhookResponse | None:
        """Tell the sandbox to forward the call, or to decline it politely."""
        answer = (
            CallAnswer(action=CallAction.DECLINE, say=DECLINE_MESSAGE)
            if forward_to is None
            else CallAnswer(action=CallAction.FORWARD, to=forward_to)
        )
        return WebhookResponse(
            status=200, content_type="application/json", body=encode_answer(answer)
        )

    @hookimpl
    def sms_acknowledge_webhook(
        self, account: Account, events: Sequence[ProviderEvent]
    ) -> WebhookResponse | None:
        """An empty ``204`` answer: the sandbox expects nothing back."""
        return WebhookResponse(status=204, content_type="text/plain", body=b"")


#: The plugin object the ``fake`` entry point publishes.
adapter = FakeAdapter()

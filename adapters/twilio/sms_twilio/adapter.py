# Over 400 lines: one hook implementation per provider hook, each delegating to its module.
"""The Twilio carrier adapter, published as the ``twilio`` entry point.

The core routes to the adapter the calls of accounts whose ``provider`` is ``"twilio"`` (the
adapter never checks whose account it is given). It holds one
:class:`~sms_twilio.http.PooledHttpClient` (made on first use) and one ``twilio.rest.Client``
per set of credentials over it; each hook reads the account's settings
(:class:`~sms_twilio.settings.TwilioSettings`) and credentials, then hands the work to the
module of its group: :mod:`~sms_twilio.provisioning`, :mod:`~sms_twilio.registration`,
:mod:`~sms_twilio.delivery` and :mod:`~sms_twilio.webhooks`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from types import TracebackType

from sms_core.clock import Clock, SystemClock
from sms_core.domain import (
    Account,
    AvailableNumber,
    BrandProfile,
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
from sms_core.exceptions import ConfigurationError, ProviderAuthenticationError
from sms_core.hookspecs import hookimpl
from sms_twilio import (
    delivery,
    errors,
    event_streams,
    industries,
    provisioning,
    registration,
    registration_lookup,
    webhooks,
)
from sms_twilio.client import TwilioClient, TwilioClients
from sms_twilio.http import PooledHttpClient
from sms_twilio.settings import PROVIDER, Credentials, TwilioSettings

__all__ = ["DEFAULT_MAX_CONCURRENT_SENDS", "CredentialSource", "TwilioAdapter", "adapter"]

#: Sends in flight at once for one account: well inside Twilio's REST API concurrency limit.
#: Twilio documents that limit per account and answers over it with HTTP 429, error 20429
#: ("Your account is sending too many concurrent Rest API requests", safe to retry:
#: https://www.twilio.com/docs/errors/20429), but publishes no number for it, and the same
#: account's other clients (webhook look-ups, the console, other services) share it. So a
#: 50-recipient mass text goes in two waves; a host that knows its account's limit passes
#: ``max_concurrent_sends``.
DEFAULT_MAX_CONCURRENT_SENDS = 25

#: Gives the credentials of an account; a host that keeps Twilio secrets itself passes one.
CredentialSource = Callable[[Account, TwilioSettings], Credentials]


class TwilioAdapter:
    """The ``twilio`` carrier adapter: every provider hook, through the ``twilio`` package.

    Args:
        http: The HTTP client to send through (tests pass one with a prefix map or a mock
            transport); by default one is made on first use and closed by :meth:`close`.
        credentials: Where the host keeps the accounts' Twilio secrets; by default they are
            read from ``environ`` (see :mod:`sms_twilio.settings`).
        environ: The environment to read secrets from; ``os.environ`` by default.
        clock: The time a lost send is looked for from; the wall clock by default.
        max_concurrent_sends: How many sends the SDK may run at once for one account.
    """

    def __init__(
        self,
        *,
        http: PooledHttpClient | None = None,
        credentials: CredentialSource | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        max_concurrent_sends: int = DEFAULT_MAX_CONCURRENT_SENDS,
    ) -> None:
        self._http = http
        self._owns_http = http is None
        self._clients: TwilioClients | None = None
        self._credentials = credentials
        self._environ = environ
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._proven_keys: set[Credentials] = set()
        self._info = ProviderInfo(
            name=PROVIDER,
            description=(
                "Twilio: numbers, A2P 10DLC registration through Trust Hub, texts through "
                "Messaging Services and signed webhooks, with the official twilio package"
            ),
            capabilities=ProviderCapabilities(
                max_concurrent_sends=max_concurrent_sends,
                max_body_characters=1600,
                countries=provisioning.COUNTRIES,
                # No toll-free numbers: they need toll-free verification (not built yet).
                number_types=frozenset({NumberType.LOCAL}),
                # Twilio replies to HELP and INFO itself, with or without Advanced Opt-Out;
                # the adapter reports such a text's carrier_keyword as HELP either way
                # (sms_twilio.keywords), so the SDK sends no second reply.
                answers_help=True,
                # ValidityPeriod: 1 to 36,000 s, "Default value is 36000" (twilio_api_v2010.json).
                queue_validity=timedelta(seconds=36_000),
                brand_verticals=industries.MAPPABLE_VERTICALS,
                # AvailablePhoneNumbers takes AreaCode, InRegion, InLocality, InPostalCode and
                # Contains (sms_twilio.provisioning.search_numbers).
                search_filters=frozenset(SearchFilter),
                # X-Twilio-Signature signs the exact URL and every form parameter, and no
                # time (sms_twilio.webhooks).
                signature_covers_url=True,
                signature_max_age=None,
                # IncomingPhoneNumbers list and update; BrandRegistrations, UsAppToPerson and
                # Services fetch (sms_twilio.provisioning, sms_twilio.registration_lookup).
                adopts_existing=True,
            ),
        )

    def close(self) -> None:
        """Close the connection pool, if the adapter made it."""
        with self._lock:
            if self._owns_http and self._http is not None:
                self._http.close()
                self._http = None
            self._clients = None

    def __enter__(self) -> TwilioAdapter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def settings_for(self, account: Account) -> TwilioSettings:
        """The account's Twilio settings, checked."""
        return TwilioSettings.from_account(account)

    def credentials_for(self, account: Account, settings: TwilioSettings) -> Credentials:
        """The account's Twilio credentials, from the host or the environment."""
        if self._credentials is not None:
            return self._credentials(account, settings)
        environ = os.environ if self._environ is None else self._environ
        return Credentials.from_environ(environ, settings, account)

    def client_for(self, account: Account, settings: TwilioSettings | None = None) -> TwilioClient:
        """The ``twilio.rest.Client`` serving ``account`` (whose settings may be given)."""
        settings = settings or self.settings_for(account)
        credentials = self.credentials_for(account, settings)
        return self._pool().get(credentials, region=settings.region, edge=settings.edge)

    def registration_client_for(
        self, account: Account, settings: TwilioSettings | None = None
    ) -> TwilioClient:
        """The client for Trust Hub and Messaging work, its login proven to be the account's.

        Trust Hub and Messaging URLs name no account: Twilio acts for the account that logs
        in. An API key's account cannot be read from its ``SK…`` SID, so the first time a key
        is used for registration work it lists one number under ``account_sid`` (a v2010 URL,
        which names the account). Twilio refuses that to a key of another account ("Main
        account API Keys are only available to access main account resources"), and the
        adapter then refuses the configuration before anything is created in the wrong
        account.

        Raises:
            ConfigurationError: When the API key cannot act for ``account_sid``; the message
                says to make the key in that account.
        """
        settings = settings or self.settings_for(account)
        credentials = self.credentials_for(account, settings)
        client = self._pool().get(credentials, region=settings.region, edge=settings.edge)
        if credentials.username.startswith("SK"):
            with self._lock:
                proven = credentials in self._proven_keys
            if not proven:
                try:
                    client.incoming_phone_numbers.list(limit=1)
                except ProviderAuthenticationError as err:
                    raise ConfigurationError(
                        f"the Twilio API key {credentials.username} cannot act for account "
                        f"{credentials.account_sid} (Twilio answered {err.code}): it is wrong or "
                        "revoked, or it was made in another account, and then Trust Hub and "
                        "Messaging would act for that account. Make an API key while switched "
                        f"to {credentials.account_sid} in the Twilio Console, or log in with "
                        "that account's auth token"
                    ) from err
                with self._lock:
                    self._proven_keys.add(credentials)
        return client

    def _pool(self) -> TwilioClients:
        with self._lock:
            if self._clients is None:
                if self._http is None:
                    self._http = PooledHttpClient()
                self._clients = TwilioClients(self._http)
            return self._clients

    # -- discovery ---------------------------------------------------------------------------

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        """Twilio's name and capabilities."""
        return self._info

    # -- account settings --------------------------------------------------------------------

    @hookimpl
    def sms_check_provider_settings(self, account: Account) -> bool | None:
        """Refuse settings the other hooks could not use (unknown keys, malformed ids).

        The same reading every other hook does (:meth:`settings_for`), so what is accepted
        here is what a purchase or a send will work with.
        """
        self.settings_for(account)
        return True

    # -- provisioning ------------------------------------------------------------------------

    @hookimpl
    def sms_search_numbers(
        self, account: Account, query: NumberQuery
    ) -> Sequence[AvailableNumber] | None:
        """Numbers Twilio offers (``AvailablePhoneNumbers``)."""
        return provisioning.search_numbers(self.client_for(account), query)

    @hookimpl
    def sms_purchase_number(
        self, account: Account, number: PhoneNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        """Buy a number (``IncomingPhoneNumbers``) with the SDK's webhooks."""
        return provisioning.purchase_number(self.client_for(account), number, settings)

    @hookimpl
    def sms_release_number(self, account: Account, number: ProvisionedNumber) -> bool | None:
        """Release a number."""
        provisioning.release_number(self.client_for(account), number)
        return True

    @hookimpl
    def sms_configure_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        """Replace a number's webhooks and label."""
        return provisioning.configure_number(self.client_for(account), number, settings)

    # -- adoption ----------------------------------------------------------------------------

    @hookimpl
    def sms_list_numbers(self, account: Account) -> Sequence[ProvisionedNumber] | None:
        """Every number the account holds (``IncomingPhoneNumbers`` list)."""
        return provisioning.held_numbers(self.client_for(account))

    @hookimpl
    def sms_adopt_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        """Point a number the account holds at the SDK's webhooks, keeping its name."""
        return provisioning.adopt_number(self.client_for(account), number, settings)

    @hookimpl
    def sms_lookup_registration(
        self, account: Account, brand_ref: str, campaign_ref: str, service_ref: str
    ) -> Sequence[HeldRegistration] | None:
        """A brand, campaign and Messaging Service registered in the Console."""
        client = self.registration_client_for(account)
        return registration_lookup.lookup_registration(client, brand_ref, campaign_ref, service_ref)

    # -- registration ------------------------------------------------------------------------

    @hookimpl
    def sms_submit_brand(
        self, account: Account, brand: BrandProfile, previous_ref: str | None
    ) -> RegistrationState | None:
        """Register the brand through Trust Hub, or correct and resubmit a failed one."""
        settings = self.settings_for(account)
        client = self.registration_client_for(account, settings)
        return registration.submit_brand(client, settings, brand, previous_ref)

    @hookimpl
    def sms_submit_campaign(
        self,
        account: Account,
        brand_ref: str,
        campaign: CampaignProfile,
        previous_ref: str | None,
    ) -> RegistrationState | None:
        """Register the campaign (``UsAppToPerson``), or resubmit a failed one."""
        settings = self.settings_for(account)
        client = self.registration_client_for(account, settings)
        return registration.submit_campaign(
            client,
            settings,
            account=account,
            brand_ref=brand_ref,
            campaign=campaign,
            previous_ref=previous_ref,
        )

    @hookimpl
    def sms_submit_messaging_service(
        self, account: Account, campaign_ref: str, settings: NumberSettings
    ) -> RegistrationState | None:
        """Point the campaign's Messaging Service at the webhook app."""
        client = self.registration_client_for(account)
        return registration.submit_messaging_service(client, campaign_ref, settings)

    @hookimpl
    def sms_fetch_registration(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        """Where a brand, campaign or messaging service stands at Twilio."""
        return registration.fetch_registration(self.registration_client_for(account), step, ref)

    @hookimpl
    def sms_resend_confirmation(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        """A new OTP text (sole proprietor) or Authentication+ 2FA e-mail for the brand."""
        if step is not RegistrationStep.BRAND:
            raise errors.not_found(f"{step.value} confirmation (only a brand is confirmed)")
        return registration.resend_confirmation(self.registration_client_for(account), ref)

    @hookimpl
    def sms_attach_number(
        self, account: Account, service_ref: str, number: ProvisionedNumber
    ) -> bool | None:
        """Add a number to the Messaging Service's sender pool."""
        registration.attach_number(self.registration_client_for(account), service_ref, number)
        return True

    # -- delivery ----------------------------------------------------------------------------

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Create the message at Twilio, once."""
        settings = self.settings_for(account)
        return delivery.send_message(self.client_for(account, settings), settings, message)

    @hookimpl
    def sms_fetch_message(
        self, account: Account, message: OutboundMessage, provider_message_id: str | None
    ) -> StatusUpdate | None:
        """A message's status, by Twilio's id or by what was sent."""
        settings = self.settings_for(account)
        client = self.client_for(account, settings)
        return delivery.fetch_message(
            client, settings, message, provider_message_id, self._clock.now()
        )

    @hookimpl
    def sms_verify_webhook(self, account: Account, request: WebhookRequest) -> bool | None:
        """Check ``X-Twilio-Signature`` against the public URL and the form."""
        settings = self.settings_for(account)
        credentials = self.credentials_for(account, settings)
        return webhooks.verify_webhook(request, credentials, settings)

    @hookimpl
    def sms_parse_webhook(
        self, account: Account, request: WebhookRequest
    ) -> Sequence[ProviderEvent] | None:
        """The status update, inbound text or inbound call a request carries.

        An Event Streams delivery (a JSON array of CloudEvents, to the events URL) carries the
        registration updates of the account's numbers (:mod:`sms_twilio.event_streams`).
        """
        settings = self.settings_for(account)
        if event_streams.carries_events(request):
            return event_streams.parse_events(request, settings.account_sid)
        return webhooks.parse_webhook(request, settings)

    @hookimpl
    def sms_answer_call(
        self, account: Account, call: InboundCall, forward_to: PhoneNumber | None
    ) -> WebhookResponse | None:
        """TwiML ``<Dial>`` to the forwarding number, or a polite goodbye."""
        return webhooks.answer_call(forward_to)

    @hookimpl
    def sms_acknowledge_webhook(
        self, account: Account, events: Sequence[ProviderEvent]
    ) -> WebhookResponse | None:
        """An empty TwiML ``<Response/>``."""
        return webhooks.acknowledge()


#: The plugin object the ``twilio`` entry point publishes; it reads secrets from the
#: environment and opens its connection pool on first use.
adapter = TwilioAdapter()

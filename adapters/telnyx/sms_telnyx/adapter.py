"""The Telnyx carrier adapter, published as the ``telnyx`` entry point.

The core routes to the adapter the calls of accounts whose ``provider`` is ``"telnyx"`` (the
adapter never checks whose account it is given). It holds one pooled ``httpx.Client`` (made on
first use unless injected) and one ``telnyx.Telnyx`` per API key over it. This first slice
implements discovery, numbers (:mod:`sms_telnyx.provisioning`), 10DLC registration
(:mod:`sms_telnyx.registration`), delivery, webhooks and calls through a TeXML application
(:mod:`sms_telnyx.voice`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from sms_core.clock import Clock, SystemClock
from sms_core.domain import (
    Account,
    AvailableNumber,
    BrandProfile,
    CampaignProfile,
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
from sms_core.hookspecs import hookimpl
from sms_telnyx import delivery, provisioning, registration, voice, webhooks
from sms_telnyx.client import TELNYX_BASE_URL, TelnyxClients, default_http_client
from sms_telnyx.settings import PROVIDER, Credentials, TelnyxSettings, public_key_from_environ

if TYPE_CHECKING:
    import telnyx

__all__ = ["DEFAULT_MAX_CONCURRENT_SENDS", "CredentialSource", "TelnyxAdapter", "adapter"]

#: Sends in flight at once for one account. Telnyx queues what exceeds an account's rate
#: ("By default, your Telnyx Portal account is limited to sending one message per second ...
#: Telnyx will queue up the messages and send them at a reduced rate",
#: https://developers.telnyx.com/docs/messaging/messages/configuration-and-usage), so a few
#: connections are enough and more would only lengthen its queue.
DEFAULT_MAX_CONCURRENT_SENDS = 10

#: How often a read (never a send) is repeated after a failure or a lost answer.
READ_RETRIES = 2

#: Gives the credentials of an account; a host that keeps Telnyx secrets itself passes one.
CredentialSource = Callable[[Account, TelnyxSettings], Credentials]


class TelnyxAdapter:
    """The ``telnyx`` carrier adapter: discovery, numbers, 10DLC, delivery and webhooks.

    Args:
        http: The pooled HTTP client to send through (tests pass one with a mock
            transport); by default one is made on first use and closed by :meth:`close`.
        base_url: Where Telnyx's API is; only tests point it elsewhere (a stand-in). No
            environment variable can change it.
        credentials: Where the host keeps the accounts' Telnyx secrets; by default they are
            read from ``environ`` (see :mod:`sms_telnyx.settings`).
        environ: The environment to read secrets from; ``os.environ`` by default.
        clock: The time webhook timestamps are checked against; the wall clock by default.
        max_concurrent_sends: How many sends the SDK may run at once for one account.
        sleep: How the adapter waits between looks at a pending number order; ``time.sleep``
            by default (tests pass one that does not wait).
    """

    def __init__(
        self,
        *,
        http: httpx.Client | None = None,
        base_url: str = TELNYX_BASE_URL,
        credentials: CredentialSource | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        max_concurrent_sends: int = DEFAULT_MAX_CONCURRENT_SENDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._owns_http = http is None
        self._base_url = base_url
        self._clients: TelnyxClients | None = None
        self._credentials = credentials
        self._environ = environ
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._sleep = sleep
        self._info = ProviderInfo(
            name=PROVIDER,
            description=(
                "Telnyx: texts through a messaging profile and Ed25519-signed webhooks, with "
                "the official telnyx package, with numbers and 10DLC registration"
            ),
            capabilities=ProviderCapabilities(
                max_concurrent_sends=max_concurrent_sends,
                # At most 10 segments, "1,530 GSM-7 characters or 670 UCS-2 characters";
                # longer is refused with 40302 unless the profile chunks
                # (https://developers.telnyx.com/docs/messaging/messages/sms-chunking).
                max_body_characters=1530,
                # Texts to US numbers, and buys US local numbers only
                # (sms_telnyx.provisioning.COUNTRIES and NUMBER_TYPES).
                countries=frozenset({"US"}),
                number_types=frozenset({NumberType.LOCAL}),
                # Without configuration Telnyx acts on and answers opt-out and opt-in keywords
                # only; a HELP answer exists once the account configures one ("help" auto-
                # response; https://developers.telnyx.com/docs/messaging/messages/advanced-opt-in-out/index).
                # The adapter reports a text's carrier_keyword as HELP only from its
                # autoresponse_type, that is when Telnyx did answer (sms_telnyx.webhooks): so
                # Telnyx answers the help keywords it reports, and the SDK answers the rest.
                answers_help=True,
                # "If the queue time is more than 4 hours, the message will immediately be
                # rejected" (configuration-and-usage page above; 40014 "Expired in queue").
                queue_validity=timedelta(hours=4),
                # Telnyx takes The Campaign Registry's verticals as they are.
                brand_verticals=registration.BRAND_VERTICALS,
                # GET /v2/available_phone_numbers filters by national_destination_code,
                # administrative_area, locality ("Filter phone numbers by city") and
                # phone_number[contains], and by no postal code; its answer's
                # region_information names no postal code either (spec3.yml,
                # ListAvailablePhoneNumbers and RegionInformation). So the core refuses a
                # search by postal code before asking.
                search_filters=frozenset(
                    {
                        SearchFilter.AREA_CODE,
                        SearchFilter.REGION,
                        SearchFilter.LOCALITY,
                        SearchFilter.CONTAINS,
                    }
                ),
                # Telnyx signs f"{telnyx-timestamp}|{body}" with Ed25519, nothing of the URL
                # (https://developers.telnyx.com/docs/development/sdk/python/webhooks; the
                # telnyx package's lib/webhook_verification.py); a timestamp more than five
                # minutes from now is refused (sms_telnyx.webhooks.TIMESTAMP_TOLERANCE).
                signature_covers_url=False,
                signature_max_age=webhooks.TIMESTAMP_TOLERANCE,
            ),
        )

    def close(self) -> None:
        """Close the connection pool, if the adapter made it."""
        with self._lock:
            if self._owns_http and self._http is not None:
                self._http.close()
                self._http = None
            self._clients = None

    def __enter__(self) -> TelnyxAdapter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def settings_for(self, account: Account) -> TelnyxSettings:
        """The account's Telnyx settings, checked."""
        return TelnyxSettings.from_account(account)

    def credentials_for(self, account: Account, settings: TelnyxSettings) -> Credentials:
        """The account's Telnyx secrets, from the host or the environment."""
        if self._credentials is not None:
            return self._credentials(account, settings)
        environ = os.environ if self._environ is None else self._environ
        return Credentials.from_environ(environ, settings, account)

    def client_for(self, account: Account, settings: TelnyxSettings | None = None) -> telnyx.Telnyx:
        """The ``telnyx.Telnyx`` client serving ``account`` (whose settings may be given)."""
        settings = settings or self.settings_for(account)
        return self._pool().get(self.credentials_for(account, settings))

    def _pool(self) -> TelnyxClients:
        with self._lock:
            if self._clients is None:
                if self._http is None:
                    self._http = default_http_client()
                self._clients = TelnyxClients(self._http, base_url=self._base_url)
            return self._clients

    # -- discovery ---------------------------------------------------------------------------

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        """Telnyx's name and capabilities."""
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

    # -- delivery ----------------------------------------------------------------------------

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Send the text at Telnyx, once."""
        settings = self.settings_for(account)
        return delivery.send_message(self.client_for(account, settings), settings, message)

    @hookimpl
    def sms_fetch_message(
        self, account: Account, message: OutboundMessage, provider_message_id: str | None
    ) -> StatusUpdate | None:
        """A text's status, by Telnyx's id."""
        settings = self.settings_for(account)
        reader = self._pool().get(self.credentials_for(account, settings), retries=READ_RETRIES)
        return delivery.fetch_message(reader, message, provider_message_id)

    # -- provisioning ------------------------------------------------------------------------

    def _reader(self, account: Account, settings: TelnyxSettings) -> telnyx.Telnyx:
        return self._pool().get(self.credentials_for(account, settings), retries=READ_RETRIES)

    @hookimpl
    def sms_search_numbers(
        self, account: Account, query: NumberQuery
    ) -> Sequence[AvailableNumber] | None:
        """Numbers Telnyx offers (``GET /v2/available_phone_numbers``), exact matches only."""
        settings = self.settings_for(account)
        return provisioning.search_numbers(self._reader(account, settings), query)

    @hookimpl
    def sms_purchase_number(
        self, account: Account, number: PhoneNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        """Order the number on the account's messaging profile and configure it."""
        telnyx_settings = self.settings_for(account)
        return provisioning.purchase_number(
            self.client_for(account, telnyx_settings),
            self._reader(account, telnyx_settings),
            telnyx_settings,
            number,
            settings,
            sleep=self._sleep,
        )

    @hookimpl
    def sms_configure_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        """Messaging profile, its inbound webhook, the TeXML application and forwarding."""
        telnyx_settings = self.settings_for(account)
        return provisioning.configure_number(
            self.client_for(account, telnyx_settings),
            telnyx_settings,
            number,
            settings,
            reader=self._reader(account, telnyx_settings),
        )

    @hookimpl
    def sms_release_number(self, account: Account, number: ProvisionedNumber) -> bool | None:
        """Release the number (``DELETE /v2/phone_numbers/{id}``)."""
        settings = self.settings_for(account)
        provisioning.release_number(self.client_for(account, settings), number)
        return True

    # -- registration (10DLC) ----------------------------------------------------------------

    @hookimpl
    def sms_submit_brand(
        self,
        account: Account,
        brand: BrandProfile,
        previous_ref: str | None,
        events_url: str | None,
    ) -> RegistrationState | None:
        """Create the brand (``POST /10dlc/brand``) or correct a failed one (``PUT``)."""
        client = self.client_for(account)
        return registration.submit_brand(client, brand, previous_ref, events_url=events_url)

    @hookimpl
    def sms_submit_campaign(
        self,
        account: Account,
        brand_ref: str,
        campaign: CampaignProfile,
        previous_ref: str | None,
        events_url: str | None,
    ) -> RegistrationState | None:
        """Create the campaign with the campaign builder (a resubmission is a new campaign)."""
        client = self.client_for(account)
        return registration.submit_campaign(client, brand_ref, campaign, events_url=events_url)

    @hookimpl
    def sms_submit_messaging_service(
        self, account: Account, campaign_ref: str, settings: NumberSettings
    ) -> RegistrationState | None:
        """Create or update the messaging profile with the SDK's webhook URL."""
        telnyx_settings = self.settings_for(account)
        return registration.submit_messaging_service(
            self.client_for(account, telnyx_settings), telnyx_settings, campaign_ref, settings
        )

    @hookimpl
    def sms_fetch_registration(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        """The brand's, campaign's or messaging profile's state at Telnyx."""
        settings = self.settings_for(account)
        reader = self._pool().get(self.credentials_for(account, settings), retries=READ_RETRIES)
        return registration.fetch_registration(reader, step, ref)

    @hookimpl
    def sms_resend_confirmation(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        """E-mail a public company's brand contact the 2FA link again."""
        if step is not RegistrationStep.BRAND:
            return None
        return registration.resend_confirmation(self.client_for(account), ref)

    @hookimpl
    def sms_attach_number(
        self, account: Account, service_ref: str, number: ProvisionedNumber
    ) -> bool | None:
        """Put the number on the messaging profile and assign it to the campaign."""
        registration.attach_number(self.client_for(account), service_ref, number)
        return True

    # -- webhooks ----------------------------------------------------------------------------

    @hookimpl
    def sms_verify_webhook(self, account: Account, request: WebhookRequest) -> bool | None:
        """Check ``telnyx-signature-ed25519`` over the timestamp and the body."""
        settings = self.settings_for(account)
        if self._credentials is not None:
            public_key = self._credentials(account, settings).public_key
        else:
            # The public key alone: a server that only takes webhooks needs no API key.
            environ = os.environ if self._environ is None else self._environ
            public_key = public_key_from_environ(environ, settings)
        return webhooks.verify_webhook(request, public_key, self._clock.now())

    @hookimpl
    def sms_parse_webhook(
        self, account: Account, request: WebhookRequest
    ) -> Sequence[ProviderEvent] | None:
        """The status update or inbound text of a ``message.*`` webhook, or a TeXML call."""
        return webhooks.parse_webhook(request)

    # -- calls (TeXML) -----------------------------------------------------------------------

    @hookimpl
    def sms_answer_call(
        self, account: Account, call: InboundCall, forward_to: PhoneNumber | None
    ) -> WebhookResponse | None:
        """TeXML ``<Dial>`` to the forwarding number, or a polite goodbye."""
        return voice.answer_call(forward_to)

    @hookimpl
    def sms_acknowledge_webhook(
        self, account: Account, events: Sequence[ProviderEvent]
    ) -> WebhookResponse | None:
        """An empty 200."""
        return webhooks.acknowledge()


#: The plugin object the ``telnyx`` entry point publishes; it reads secrets from the
#: environment and opens its connection pool on first use.
adapter = TelnyxAdapter()

# Over 400 lines: the hook specification module is the plugin contract and stays one module, as
# pluggy, pytest and tox keep theirs.
"""Hook specifications: the contract between the core and its plugins.

Two kinds of plugin implement these hooks, both found through the ``sms_core`` entry-point
group:

* **carrier adapters** implement :func:`sms_provider_info` and the provisioning, registration
  and delivery hooks (the *provider hooks*). The core routes every provider call: when
  :class:`sms_core.plugins.Hooks` is built it reads each adapter's ``sms_provider_info`` once
  (provider name to adapter), and for each provider name it builds pluggy subset callers
  (``pm.subset_hook_caller(hook, remove_plugins=<every other adapter>)``). A provider call for
  an account goes to the adapter whose name is ``account.provider`` alone, so an adapter never
  checks whose account it is given. The core refuses, with ``PluginContractError``, two
  adapters claiming one provider name and a plugin that implements provider hooks without
  ``sms_provider_info``; it raises ``UnknownProviderError`` before any call when no adapter
  has the account's provider name. An adapter returns ``None`` from a provider hook only to
  say it does not provide that feature (the core raises ``UnsupportedFeatureError``); any other
  answer must have the type the spec names, which the façade checks (``PluginContractError``
  naming the adapter and the hook otherwise). The provider hooks stay ``firstresult``, so a
  call answers one value. Plugins registered at run time go through
  :meth:`sms_core.plugins.Hooks.register`; the route table also follows plugins registered on
  the manager directly, before its next provider call.
* **host plugins** implement the host hooks. Exactly one is active per plugin manager, chosen
  by name; the core's defaults (:mod:`sms_core.plugins.defaults`) answer when it does not.

Core code never calls ``pm.hook`` itself: :class:`sms_core.plugins.Hooks` is the typed façade.
Hooks are called with keyword arguments only, so an implementation may accept fewer of them
and a new argument can be added without breaking existing plugins.
"""

from __future__ import annotations

from collections.abc import Sequence

import pluggy

from sms_core.domain import (
    Account,
    Action,
    Activity,
    AvailableNumber,
    BrandProfile,
    CampaignProfile,
    Decision,
    HeldRegistration,
    HostInfo,
    HostPolicy,
    InboundCall,
    InboundTextStored,
    LineChanged,
    MessageStatusChanged,
    NumberQuery,
    NumberSettings,
    OptOutChanged,
    OutboundMessage,
    PhoneNumber,
    ProviderEvent,
    ProviderInfo,
    ProvisionedNumber,
    RegistrationState,
    RegistrationStep,
    RegistrationStepChanged,
    SendReceipt,
    StatusUpdate,
    User,
    WebhookRequest,
    WebhookResponse,
)

#: The pluggy project name, and the entry-point group plugins are published under.
PROJECT_NAME = "sms_core"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# ---------------------------------------------------------------------------------------------
# Adapter discovery
# ---------------------------------------------------------------------------------------------


@hookspec
def sms_provider_info() -> ProviderInfo:  # type: ignore[empty-body]
    """Describe the carrier adapter: its name and capabilities.

    Returns:
        The adapter's name (what ``Account.provider`` says to select it) and capabilities. The
        name is unique among the installed adapters.

    Called once per adapter when the façade is built (and again only when plugins are
    registered at run time); the answers make the core's route table. Implemented by every
    carrier adapter; a plugin implementing provider hooks without it is refused.
    """


# ---------------------------------------------------------------------------------------------
# Account settings
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def sms_check_provider_settings(account: Account) -> bool | None:
    """Check the non-secret carrier settings an account is about to be stored with.

    The core calls it before it stores ``account.provider_settings``: when an account is
    created and when its settings are changed, with ``account`` as it would be stored. The
    adapter reads the settings the way its other hooks will (unknown keys, the shape of each
    value) and refuses what they could not use, so a typo or a missing id is caught where it
    is typed, not at the first purchase or send. Nothing is stored when it raises. It must not
    call the carrier or read secrets: it checks what is written, not what the carrier holds.
    The core has refused settings shaped like secrets before calling it.

    Args:
        account: The account with the settings to check, always one of this adapter's.

    Returns:
        ``True`` when the settings are accepted.

    Raises:
        ConfigurationError: Naming the setting, the value (unless it could be a secret) and
            the fix, for an unknown setting or a malformed value. ``InvalidInputError``
            subclasses (``InvalidFieldError``, ``SecretSettingError``) are accepted as well.

    Called only for accounts whose ``provider`` is the adapter's name. New in 0.2 and
    optional: an adapter without it (or answering ``None``) has its settings stored
    unchecked, as before. Implemented by carrier adapters.
    """


# ---------------------------------------------------------------------------------------------
# Provisioning
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def sms_search_numbers(account: Account, query: NumberQuery) -> Sequence[AvailableNumber] | None:
    """Search the numbers the carrier offers for sale.

    Every filter of ``query`` is honoured (country, area code, region, locality, postal code,
    contains, number type, capabilities) and every number returned is valid for its country.
    An empty list is a normal answer. A query using a filter the adapter does not declare in
    ``ProviderCapabilities.search_filters`` is refused by the core before this is called.

    Args:
        account: The account searching, always one of this adapter's.
        query: The filters and the most numbers to return.

    Returns:
        At most ``query.limit`` numbers.

    Raises:
        InvalidQueryError: For a filter the carrier cannot honour (an unsupported country).

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_purchase_number(
    account: Account, number: PhoneNumber, settings: NumberSettings
) -> ProvisionedNumber | None:
    """Buy a number and point its webhooks at the SDK.

    Args:
        account: The buying account.
        number: A number a search offered.
        settings: Webhook URLs and label to configure on the number.

    Returns:
        The number as the carrier now holds it for the account.

    Raises:
        NumberUnavailableError: When the number was taken or is no longer offered.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_release_number(account: Account, number: ProvisionedNumber) -> bool | None:
    """Give a number back to the carrier; the account stops paying for it.

    Returns:
        ``True`` once released.

    Raises:
        ProviderNotFoundError: When the carrier does not hold the number for the account.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_configure_number(
    account: Account, number: ProvisionedNumber, settings: NumberSettings
) -> ProvisionedNumber | None:
    """Change where a number sends inbound texts, delivery reports and calls.

    ``settings`` replaces the number's settings whole, forwarding included.

    Returns:
        The number with its new settings.

    Raises:
        ProviderNotFoundError: When the carrier does not hold the number for the account.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


# ---------------------------------------------------------------------------------------------
# Adoption: what the account already holds at its carrier
# ---------------------------------------------------------------------------------------------
#
# New in 0.2 and optional: an adapter without them (or answering None) makes the core refuse
# adoption with UnsupportedFeatureError. An adapter that implements them declares
# ProviderCapabilities.adopts_existing, which runs the contract suite's AdoptionContract.


@hookspec(firstresult=True)
def sms_list_numbers(account: Account) -> Sequence[ProvisionedNumber] | None:
    """List every number the account holds at the carrier, bought through the SDK or not.

    Each number comes with its carrier id, its capabilities and its webhook URLs as the
    carrier has them now (``settings.sms_url`` and ``settings.voice_url``; empty when unset),
    so the core can tell whether they point somewhere other than the SDK. Which numbers are
    lines already, and of which account, is the core's business, not the adapter's.

    Returns:
        Every number the account holds, each once; an empty list when it holds none.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). New in 0.2, optional.
    Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_adopt_number(
    account: Account, number: ProvisionedNumber, settings: NumberSettings
) -> ProvisionedNumber | None:
    """Point a number the account already holds at the SDK, without buying anything.

    Does what a purchase does after buying: the number's inbound-text and call webhooks are
    set from ``settings`` (as :func:`sms_purchase_number` would set them), replacing whatever
    another system had there. The core calls it again with the number's earlier settings to
    undo an adoption it could not store.

    Args:
        number: A number :func:`sms_list_numbers` listed (its ``provider_ref`` is the
            carrier's id).
        settings: The webhook URLs and label to configure.

    Returns:
        The number as the carrier now holds it.

    Raises:
        ProviderNotFoundError: When the carrier does not hold the number for the account
            (its id is unknown, or belongs to another number).

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). New in 0.2, optional.
    Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_lookup_registration(
    account: Account, brand_ref: str, campaign_ref: str, service_ref: str
) -> Sequence[HeldRegistration] | None:
    """Read a brand, campaign and messaging service the account registered outside the SDK.

    The ids are the carrier's, as its console shows them; the adapter reads each as the
    carrier reports it now (status, failure reasons, fields) and says what each belongs to
    (``parent_ref``), so the core can refuse three ids that do not belong together. Nothing
    is changed at the carrier.

    Args:
        brand_ref: The brand's id at the carrier.
        campaign_ref: The campaign's id at the carrier, as its console shows it (the
            adapter answers with the ``provider_ref`` its other hooks take for it).
        service_ref: The messaging service's id at the carrier.

    Returns:
        Three records, brand, campaign and messaging service in that order, each with the
        state :func:`sms_fetch_registration` would give for its ``provider_ref``.

    Raises:
        ProviderNotFoundError: When the carrier holds no such brand, campaign or service
            for the account (the message names which).

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). New in 0.2, optional.
    Implemented by carrier adapters.
    """


# ---------------------------------------------------------------------------------------------
# Registration (A2P 10DLC)
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def sms_submit_brand(
    account: Account, brand: BrandProfile, previous_ref: str | None, events_url: str | None
) -> RegistrationState | None:
    """Submit the agency's brand for registration, or resubmit a failed one.

    Args:
        brand: The brand form, already checked by the core.
        previous_ref: The failed brand's id when this is a resubmission, else ``None``.
        events_url: The account's events URL (``…/{account_id}/events``), for a carrier
            that posts news about the brand to a URL given with it (parsed into a
            ``RegistrationStepUpdate``); ``None`` when the caller gives none. An
            implementation that does not need it leaves the argument out.

    Returns:
        The brand step's state right after submission (usually in progress).

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_submit_campaign(
    account: Account,
    brand_ref: str,
    campaign: CampaignProfile,
    previous_ref: str | None,
    events_url: str | None,
) -> RegistrationState | None:
    """Submit the campaign under an approved brand, or resubmit a failed one.

    Args:
        brand_ref: The approved brand's id.
        campaign: The campaign form, already checked by the core.
        previous_ref: The failed campaign's id when this is a resubmission, else ``None``.
        events_url: The account's events URL, as for :func:`sms_submit_brand`.

    Returns:
        The campaign step's state right after submission.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_submit_messaging_service(
    account: Account, campaign_ref: str, settings: NumberSettings
) -> RegistrationState | None:
    """Set up the messaging service that ties numbers to an approved campaign.

    Args:
        campaign_ref: The approved campaign's id.
        settings: The webhook URLs the service should use for its numbers, and the account's
            ``events_url`` for carriers that report numbers' registration there.

    Returns:
        The messaging-service step's state.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_fetch_registration(
    account: Account, step: RegistrationStep, ref: str
) -> RegistrationState | None:
    """Ask the carrier where a submitted step stands.

    The core asks on every registration sync, and at once when the carrier's webhook reports
    news about the step (a ``RegistrationStepUpdate`` from :func:`sms_parse_webhook`).

    Returns:
        The step's current state with the carrier's raw status and, on failure, its reasons.

    Raises:
        ProviderNotFoundError: When the carrier does not know ``ref``.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_resend_confirmation(
    account: Account, step: RegistrationStep, ref: str
) -> RegistrationState | None:
    """Have the registry send the confirmation of a step again.

    A step is ``CONFIRMING`` while a person outside the SDK must confirm it: a public
    company's brand contact follows the registry's e-mail link (2FA), a sole proprietor replies
    to the carrier's text (OTP). When that message never came or expired, this sends a new
    one; the old one no longer counts. Also called for a step that failed because the
    confirmation expired.

    Args:
        step: The step waiting for (or failed for lack of) the confirmation.
        ref: The step's id at the carrier.

    Returns:
        The step's state once the new message is on its way (``CONFIRMING``).

    Raises:
        ProviderNotFoundError: When the carrier does not know ``ref``.

    Called only for accounts whose ``provider`` is the adapter's name. Implemented by carrier
    adapters that register brands needing a confirmation; the core refuses with
    ``UnsupportedFeatureError`` for an adapter that does not implement it or answers ``None``.
    """


@hookspec(firstresult=True)
def sms_attach_number(account: Account, service_ref: str, number: ProvisionedNumber) -> bool | None:
    """Add a number to the approved messaging service, making it a registered sender.

    Attaching a number that is already attached succeeds. The carrier then registers the
    number with the mobile carriers and reports it (pending, registered or failed) in
    webhooks that :func:`sms_parse_webhook` turns into ``NumberRegistrationUpdate`` events.

    Returns:
        ``True`` once attached.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


# ---------------------------------------------------------------------------------------------
# Delivery
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def sms_send_message(account: Account, message: OutboundMessage) -> SendReceipt | None:
    """Hand one text to the carrier.

    Must not retry anything that could send the message twice.

    Returns:
        The carrier's id and first status.

    Raises:
        ProviderError: A subclass naming the carrier's code (opted-out recipient, unregistered
            sender, invalid recipient, rate limit).
        ProviderTimeoutError: When the request may have reached the carrier but no answer came.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_fetch_message(
    account: Account, message: OutboundMessage, provider_message_id: str | None
) -> StatusUpdate | None:
    """Ask the carrier where a sent message stands, for reconciliation.

    Args:
        message: The message as it was handed over.
        provider_message_id: The carrier's id, or ``None`` when the send's answer was lost and
            the adapter must find the message by what it was sent with.

    Returns:
        The message's current status.

    Raises:
        ProviderNotFoundError: When the carrier does not list such a message. Without
            ``provider_message_id`` the core keeps the text ``UNKNOWN`` and asks again until
            ``ProviderCapabilities.queue_validity`` (plus a margin) has passed since it was
            handed over, so a list that lags behind is not taken for "never arrived".
        AmbiguousMessageError: When several carrier messages could be the one asked about;
            the core leaves the text ``UNKNOWN`` with a note and goes on with the others.
        ProviderError: Any other failure; the core retries that text on its next pass.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_verify_webhook(account: Account, request: WebhookRequest) -> bool | None:
    """Check that a webhook request was signed by the carrier for this account.

    Must compare in constant time and cover the whole request (URL and every parameter), as
    far as the carrier's signature does: an adapter whose carrier signs no URL declares
    ``ProviderCapabilities.signature_covers_url=False`` and refuses a request older than its
    declared ``signature_max_age``.
    ``request.url`` is the URL the carrier signed: behind a proxy the core has already rebuilt
    it from the SDK's public webhook base (:func:`sms_core.webhooks.urls.signed_url`), so
    verify against it as given and rebuild nothing.

    Returns:
        ``True`` when the signature is present and valid, ``False`` when it is missing or
        wrong.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_parse_webhook(account: Account, request: WebhookRequest) -> Sequence[ProviderEvent] | None:
    """Turn a verified webhook request into normalized events.

    Returns:
        The events the request carries (status updates, inbound texts, inbound calls, number
        registration updates, and news about a brand, campaign or messaging service as a
        ``RegistrationStepUpdate`` naming the step by the ``provider_ref`` its submission
        returned: the core re-reads that step with :func:`sms_fetch_registration`).

    Raises:
        WebhookPayloadError: When the request lacks what its kind requires.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_answer_call(
    account: Account, call: InboundCall, forward_to: PhoneNumber | None
) -> WebhookResponse | None:
    """Render the answer to an inbound call: forward it, or decline politely.

    Args:
        call: The call being answered.
        forward_to: The line's forwarding number; ``None`` when the line forwards nowhere.

    Returns:
        The HTTP answer the carrier expects.

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


@hookspec(firstresult=True)
def sms_acknowledge_webhook(
    account: Account, events: Sequence[ProviderEvent]
) -> WebhookResponse | None:
    """Render the answer to a webhook request whose events were applied.

    Returns:
        The HTTP answer the carrier expects (an empty TwiML response, a 204, …).

    Called only for accounts whose ``provider`` is the adapter's name; ``None`` means the
    adapter does not provide this (``UnsupportedFeatureError``). Implemented by carrier adapters.
    """


# ---------------------------------------------------------------------------------------------
# Host product
# ---------------------------------------------------------------------------------------------
#
# A host plugin declares itself with sms_host_info. Of the host hooks, two decide for the
# active host (sms_host_policy, sms_authorize): only a declared host may implement them, and a
# plugin that does without declaring itself is refused at load with PluginContractError. The
# observer hooks (sms_record_activity, and the notifications after it) may be implemented by
# any plugin, host or not: every implementation is called.


@hookspec
def sms_host_info() -> HostInfo:  # type: ignore[empty-body]
    """Declare the plugin a host product: its name, version, description and policy.

    ``HostInfo.name`` is what activates the host (``make_plugin_manager(host=name)``) and what
    an explicitly passed plugin replaces an installed one by; ``HostInfo.policy`` is the
    host's limits for every account (``sms_host_policy`` may answer per account and wins).

    Returns:
        The declaration. It is read and checked when the plugin manager loads, for every
        installed host, active or not: a declaration that cannot be built
        (``HostDeclarationError``) or is no ``HostInfo`` makes loading fail with
        ``PluginContractError`` naming the plugin.

    Called for every plugin; all results are collected. Implemented by every host plugin,
    and by nothing else. Replaces the ``sms_host_name`` attribute, deprecated since 0.2.
    """


@hookspec(firstresult=True)
def sms_host_policy(account: Account) -> HostPolicy | None:
    """Give the host product's limits for one account.

    Returns:
        The policy for ``account``; ``None`` lets the policy ``sms_host_info`` declares
        apply. A value of another type, or a ``HostPolicy`` out of bounds
        (``HostDeclarationError`` while building it), makes the call fail with
        ``PluginContractError`` naming the plugin.

    Stops at first non-None result. Implemented by the active host plugin only (a host-deciding
    hook: a plugin that implements it must declare itself with ``sms_host_info``). A host
    whose limits are the same for every account need not implement it.
    """


@hookspec(firstresult=True)
def sms_authorize(
    account: Account, actor: User, action: Action, recipients: int
) -> Decision | None:
    """Decide whether a user may perform an action.

    Args:
        account: The account the action is in.
        actor: The user acting.
        action: What they want to do.
        recipients: How many candidates the action texts: 1 for a single text, the number
            selected for a mass text (before invalid or repeated numbers are refused), 0 for
            an action that texts no one. A host can refuse a mass text by its size or price it
            against its own quota. Appended in 0.2; an implementation that does not name it
            is called as before.

    Returns:
        The decision, with a reason naming what grants the right when refused; ``None`` lets
        the core defaults decide. A value of another type makes the call fail with
        ``PluginContractError`` naming the plugin.

    Stops at first non-None result. Implemented by the active host plugin only (a host-deciding
    hook: a plugin that implements it must declare itself with ``sms_host_info``).
    """


@hookspec
def sms_record_activity(account: Account, activity: Activity) -> None:
    """Record a sent or received message on the candidate's activity history.

    Called for every plugin that implements it, after the message is stored. An observer
    hook: implemented by host plugins that keep their own activity record, and by any other
    plugin that wants to hear about stored messages.
    """


# ---------------------------------------------------------------------------------------------
# Host events
#
# Called after the change they report is committed, for every plugin that implements them
# (any plugin may, not only the active host). Delivery is at least once: the event is written
# in the change's own transaction and delivered after the commit; an implementation that raises
# is logged and the event is delivered again later (to every implementation) by the host-event
# poller (``smsadmin serve``, ``smsadmin deliver-events``, ``SmsAdmin.deliver_host_events()``).
# So dedupe on ``event.id``, which stays the same on every delivery. Order is not guaranteed,
# not even per account: an event delivered again comes after later ones; compare
# ``event.occurred_at`` (or the statuses, which only move forward) when order matters. An
# implementation that raises never undoes the change and never keeps the others from being
# called. Implementations should be quick: they run in the request or call that made the change.
# ---------------------------------------------------------------------------------------------


@hookspec
def sms_message_status_changed(account: Account, event: MessageStatusChanged) -> None:
    """Hear that a sent text moved to a later delivery status (queued, sent, delivered, failed).

    A duplicate or out-of-order delivery report changes nothing and emits nothing.

    Called for every plugin that implements it, after commit, at least once: dedupe on
    ``event.id``. Order is not guaranteed, not even per account.
    Implemented by host plugins that mirror delivery onto their records.
    """


@hookspec
def sms_inbound_text_stored(account: Account, event: InboundTextStored) -> None:
    """Hear that a candidate's text was stored, with the line's users to notify.

    It is the "a recruiter has a new reply" event: ``event.users`` are the users on the line
    when the text was stored, the ones whose inbox it went to (``AccountAdmin.inbox``). One
    event per text, however many users share the line; a webhook delivered twice stores the
    text once and emits once.

    Called for every plugin that implements it, after commit, at least once: dedupe on
    ``event.id``. Order is not guaranteed, not even per account.
    Implemented by host plugins that notify recruiters.
    """


@hookspec
def sms_opt_out_changed(account: Account, event: OptOutChanged) -> None:
    """Hear that a number opted out (by keyword, at the carrier, by the host) or was let back.

    Called for every plugin that implements it, after commit, at least once: dedupe on
    ``event.id``. Order is not guaranteed, not even per account.
    Implemented by host plugins that mirror consent onto the talent record.
    """


@hookspec
def sms_registration_step_changed(account: Account, event: RegistrationStepChanged) -> None:
    """Hear that the brand, campaign or messaging service moved to another status.

    Called for every plugin that implements it, after commit, at least once: dedupe on
    ``event.id``. Order is not guaranteed, not even per account.
    Implemented by host plugins that tell admins about registration.
    """


@hookspec
def sms_line_changed(account: Account, event: LineChanged) -> None:
    """Hear that a line was assigned, unassigned, re-allocated, deactivated or re-forwarded.

    Called for every plugin that implements it, after commit, at least once: dedupe on
    ``event.id``. Order is not guaranteed, not even per account.
    Implemented by host plugins that show who holds which number.
    """

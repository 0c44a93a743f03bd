# Over 400 lines: one module per Telnyx resource family: number search, ordering, configuration
# and release, with the evidence each mapping rests on.
"""Numbers: searching Telnyx's inventory, ordering, configuring and releasing them.

Evidence: the operations and fields of Telnyx's OpenAPI description
(``../shared/telnyx-oai/spec3.yml``: ``ListAvailablePhoneNumbers``, ``CreateNumberOrder``,
``RetrieveNumberOrder``, ``ListPhoneNumbers``, ``DeletePhoneNumber``,
``UpdatePhoneNumberMessagingSettings``, ``UpdatePhoneNumberVoiceSettings``) and the
``telnyx`` package's parameter types (``telnyx/types/available_phone_number_list_params.py``,
``number_order_create_params.py``, ``phone_numbers/call_forwarding_param.py``).

Search (``GET /v2/available_phone_numbers``) takes ``filter[country_code]``,
``filter[national_destination_code]`` (the area code), ``filter[administrative_area]`` (a US
state), ``filter[locality]`` ("Filter phone numbers by city", the ``filter`` parameter of
``ListAvailablePhoneNumbers`` in spec3.yml), ``filter[phone_number][contains]``,
``filter[features]``, ``filter[phone_number_type]`` and ``filter[limit]``
(https://developers.telnyx.com/api/numbers/list-available-phone-numbers;
``administrative_area`` is a "US state/CA province" such as ``IL`` and ``features`` goes
comma-joined, ``voice,sms``, https://developers.telnyx.com/docs/api/v2/numbers/Number-Search).
A region that is not a two-letter state code is refused. There is no postal-code filter, so a
search by postal code is refused with :class:`~sms_core.exceptions.InvalidQueryError` rather
than silently widened.
``filter[best_effort]`` is sent false, and any number Telnyx still marks ``best_effort`` (not an
exact match) is dropped, so every number returned matches every filter.

Purchase is a number order (``POST /v2/number_orders``), whose ``status`` is ``pending``,
``success`` or ``failure`` (``NumberOrder.status`` in the description). "If the order does not
have regulatory requirements, then it should activate momentarily with no further user action"
(https://developers.telnyx.com/docs/numbers/phone-numbers/number-orders). **Decision**: the
adapter polls the order (``GET /v2/number_orders/{id}``) a bounded number of times
(:data:`ORDER_POLLS`, :data:`ORDER_POLL_INTERVAL` seconds apart, about 10 seconds in all); a
US local number without regulatory requirements normally completes in that time. When it is
still pending the purchase raises :class:`~sms_core.exceptions.ProviderTimeoutError` (a
retryable error) and orders nothing more. A number listed ``purchase-pending`` is still
pending; ``purchase-failed`` or an order in ``failure`` is
:class:`~sms_core.exceptions.NumberUnavailableError`.

**Decision: a number the account already holds is refused, unless its purchase is the SDK's,
unfinished.** Every order carries a ``customer_reference`` naming the SDK's purchase of that
number on that messaging profile (:func:`order_reference`; "A customer reference string for
customer look ups", ``CreateNumberOrderRequest``), and once the number is configured the
adapter closes the purchase by changing the order's reference (``PATCH
/v2/number_orders/{id}``, ``UpdateNumberOrderRequest``). Buying a number the account holds
(``GET /v2/phone_numbers?filter[phone_number]=...``) then looks for an order still open under
that reference (``GET /v2/number_orders?filter[customer_reference]=...``): found, it is an
earlier purchase whose answer was lost or that was still pending, and the adapter finishes it
(configures the number, closes the order) without ordering again, so the number is neither
bought twice nor left paid for and unseen; not found, the number was bought before (by the SDK,
finished, or outside it), and the purchase is refused with
:class:`~sms_core.exceptions.NumberUnavailableError`, code ``10012``, Telnyx's "Duplicate
resource" (https://developers.telnyx.com/development/api-fundamentals/api-errors/index),
rather than taking over a number another system may be using.

Where texts and reports go: on Telnyx inbound texts follow the number's **messaging profile**
(its ``webhook_url``), not a URL on the number. So the number is assigned to the account's
messaging profile (``messaging_profile_id`` on the order and again with
``PATCH /v2/phone_numbers/{id}/messaging``) and, when the SDK gives an inbound URL, the
profile's ``webhook_url`` is set to it (``PATCH /v2/messaging_profiles/{id}``, webhook API
version 2). Settings without an inbound URL leave the profile's webhook as it is: the profile
serves every number on it. Delivery reports need nothing on the number: each text names its
own webhook URL (:mod:`sms_telnyx.delivery`). Calls reach a Telnyx *connection*, not a URL on
the number: a ``voice_url`` is served by a TeXML application with that URL
(:mod:`sms_telnyx.voice`, found or created), and the number's ``connection_id`` is pointed at
it (``PATCH /v2/phone_numbers/{id}``); Telnyx's own forwarding
(``PATCH /v2/phone_numbers/{id}/voice``, ``call_forwarding``) is then switched off, as the
TeXML answer forwards. Without a voice URL Telnyx forwards by itself (``always``), or not at
all; the number keeps the connection it has, since the description refuses a ``null``
``connection_id`` and documents no other way to detach one (the SDK's own services always give
the account's calls URL). A label becomes the number's ``customer_reference`` (same ``PATCH``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from phonenumbers import PhoneNumberType

from sms_core.domain import (
    AvailableNumber,
    NumberCapabilities,
    NumberQuery,
    NumberSettings,
    NumberType,
    PhoneNumber,
    ProvisionedNumber,
)
from sms_core.exceptions import (
    ConfigurationError,
    InvalidPhoneNumberError,
    InvalidQueryError,
    NumberUnavailableError,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
    UnsupportedFeatureError,
)
from sms_telnyx import voice
from sms_telnyx.errors import calling
from sms_telnyx.payloads import answer_data
from sms_telnyx.settings import PROVIDER, TelnyxSettings

if TYPE_CHECKING:
    import telnyx
    from telnyx.types.available_phone_number_list_params import Filter
    from telnyx.types.phone_number_update_params import PhoneNumberUpdateParams
    from telnyx.types.phone_numbers.call_forwarding_param import CallForwardingParam

__all__ = [
    "ALREADY_HELD_CODE",
    "COUNTRIES",
    "NUMBER_TYPES",
    "ORDER_POLLS",
    "ORDER_POLL_INTERVAL",
    "configure_number",
    "order_reference",
    "purchase_number",
    "release_number",
    "search_numbers",
]

#: Countries the adapter searches and buys in: the ones it texts (``countries`` of its
#: capabilities). Numbers elsewhere come with regulatory requirements the SDK does not collect.
COUNTRIES = frozenset({"US"})
#: Number types, as ``filter[phone_number_type]`` spells them. Toll-free numbers need toll-free
#: verification before they text, a registration the SDK does not run.
NUMBER_TYPES = {NumberType.LOCAL: "local"}
#: How often a pending number order is looked at before the purchase reports it pending.
ORDER_POLLS = 10
#: Seconds between two looks at a pending number order.
ORDER_POLL_INTERVAL = 1.0
#: The code a purchase of a number the account already holds is refused with: Telnyx's
#: "Duplicate resource" (https://developers.telnyx.com/development/api-fundamentals/api-errors/index).
ALREADY_HELD_CODE = "10012"
#: Appended to an order's ``customer_reference`` once the SDK finished its purchase.
_CLOSED = ":configured"

_TOLL_FREE_HINT = (
    "toll-free numbers text only after toll-free verification, which the SDK does not run; "
    "search local numbers (10DLC) instead"
)
_DIGITS = re.compile(r"[0-9]{2,16}")
_STATE = re.compile(r"[A-Z]{2}")
# PhoneNumber.status values of a number the account no longer holds (the description's enum:
# purchase-pending, purchase-failed, port-pending, port-failed, active, deleted, emergency-only,
# ported-out).
_GONE = frozenset({"deleted", "ported-out"})
# Telnyx's phone number ids are integers written as strings ('1293384261075731499', IntId).
_NUMBER_ID = re.compile(r"[0-9]{1,30}")

Sleep = Callable[[float], None]


def search_numbers(client: telnyx.Telnyx, query: NumberQuery) -> list[AvailableNumber]:
    """Numbers Telnyx offers that match every filter of ``query``.

    Raises:
        InvalidQueryError: For a country outside :data:`COUNTRIES`, a mobile number, a region
            other than a two-letter state code, a postal code (Telnyx offers no such filter) or
            a pattern other than digits.
            Also when Telnyx itself refuses the filters (400 or 422).
        UnsupportedFeatureError: For toll-free numbers.
    """
    if query.number_type is NumberType.TOLL_FREE:
        raise UnsupportedFeatureError.missing(
            PROVIDER, "toll-free numbers for texting", _TOLL_FREE_HINT
        )
    if query.country not in COUNTRIES:
        raise InvalidQueryError(
            f"country {query.country!r} is not supported by the Telnyx adapter; search "
            f"{' or '.join(sorted(COUNTRIES))} numbers"
        )
    if query.number_type not in NUMBER_TYPES:
        raise InvalidQueryError(
            f"the Telnyx adapter sells no {query.number_type.value} numbers in "
            f"{query.country}; search local numbers instead"
        )
    if query.postal_code is not None:
        raise InvalidQueryError(
            f"Telnyx cannot search by postal code ({query.postal_code!r}); search by area code "
            "or region instead"
        )
    if query.region is not None and not _STATE.fullmatch(query.region):
        raise InvalidQueryError(
            f"region {query.region!r} cannot be searched at Telnyx: use the state's two-letter "
            "code, such as 'CA' or 'IL'"
        )
    if query.contains is not None and not _DIGITS.fullmatch(query.contains):
        raise InvalidQueryError(
            f"pattern {query.contains!r} cannot be searched at Telnyx: use 2-16 digits only"
        )
    search = _filter(query)
    try:
        answer = calling(lambda: client.available_phone_numbers.list(filter=search), creates=False)
    except ProviderError as err:
        if err.status in {400, 422}:
            # Telnyx's own refusal of a filter (ListAvailablePhoneNumbers answers 400 or 422
            # for a bad request in the description): the query, not the carrier, is wrong.
            raise InvalidQueryError(
                f"Telnyx cannot search with these filters ({err}); change the query"
            ) from err
        raise
    items = answer_data(answer)
    found: list[AvailableNumber] = []
    for item in items if isinstance(items, list) else []:
        offered = _available(item, query)
        if offered is not None:
            found.append(offered)
    return found[: query.limit]


def _filter(query: NumberQuery) -> Filter:
    """``filter[...]`` of ``GET /v2/available_phone_numbers`` for ``query``."""
    features: list[Literal["sms", "voice"]] = []
    if query.sms_enabled:
        features.append("sms")
    if query.voice_enabled:
        features.append("voice")
    search: Filter = {
        "country_code": query.country,
        "phone_number_type": "local",
        "limit": query.limit,
        "best_effort": False,
    }
    if query.area_code is not None:
        search["national_destination_code"] = query.area_code
    if query.region is not None:
        search["administrative_area"] = query.region
    if query.locality is not None:
        search["locality"] = query.locality
    if query.contains is not None:
        search["phone_number"] = {"contains": query.contains}
    if features:
        search["features"] = list(features)
    return search


def _available(item: Any, query: NumberQuery) -> AvailableNumber | None:
    """One offered number, or ``None`` when it is invalid or does not match the query."""
    if not isinstance(item, dict) or item.get("best_effort"):
        return None
    try:
        number = PhoneNumber.parse(str(item.get("phone_number", "")), region=None)
    except InvalidPhoneNumberError:
        return None
    if number.region != query.country:
        return None
    capabilities = _capabilities(item.get("features"))
    if query.voice_enabled is False and capabilities.voice:
        return None  # Telnyx filters by features present only; "no voice" is checked here
    regions: dict[str, str] = {}
    for info in item.get("region_information") or []:
        if isinstance(info, dict) and info.get("region_type") and info.get("region_name"):
            regions[str(info["region_type"])] = str(info["region_name"])
    locality = regions.get("location") or regions.get("rate_center")
    if query.locality is not None and (locality or "").casefold() != query.locality.casefold():
        return None  # a number not shown in the city asked for is not offered as one
    return AvailableNumber(
        number=number,
        country=query.country,
        number_type=query.number_type,
        region=regions.get("state"),
        locality=locality,
        capabilities=capabilities,
    )


def _capabilities(features: object) -> NumberCapabilities:
    names = set()
    if isinstance(features, list):
        names = {str(item.get("name")) for item in features if isinstance(item, dict)}
    return NumberCapabilities(sms="sms" in names, mms="mms" in names, voice="voice" in names)


def purchase_number(
    client: telnyx.Telnyx,
    reader: telnyx.Telnyx,
    settings: TelnyxSettings,
    number: PhoneNumber,
    wanted: NumberSettings,
    *,
    sleep: Sleep,
) -> ProvisionedNumber:
    """Order ``number`` on the account's messaging profile, then configure it.

    ``client`` never retries (it creates the order); ``reader`` may (lookups). A number the
    account holds is bought only by finishing the SDK's own unfinished order for it.

    Raises:
        NumberUnavailableError: When the order fails or Telnyx refuses it, or the account
            already holds the number and no unfinished purchase of it is the SDK's (code
            ``10012``).
        ProviderTimeoutError: When the order is still pending after :data:`ORDER_POLLS`
            looks, or its answer was lost; purchase the same number again later to finish
            (nothing is ordered twice).
        UnsupportedFeatureError: For a toll-free number, before anything is ordered.
        ConfigurationError: When the account has no messaging profile (texts could not reach
            the number).
    """
    if number.kind() == PhoneNumberType.TOLL_FREE:
        raise UnsupportedFeatureError.missing(
            PROVIDER, f"toll-free numbers for texting ({number})", _TOLL_FREE_HINT
        )
    profile = _profile(settings)
    reference = order_reference(profile, number)
    held = _held(reader, number)
    order_id = None
    if held is None:
        order_id = _order(client, reader, number, profile, reference, sleep=sleep)
    if order_id is not None:
        held = _held(reader, number)
        if held is None:
            raise _pending(number, order_id)
    assert held is not None, "an order either lists the number or raised"
    number_id, held_status = held
    if held_status == "purchase-pending":
        raise _pending(number, None)
    if held_status == "purchase-failed":
        raise NumberUnavailableError(
            f"Telnyx could not complete the purchase of {number}; search again and pick another",
            provider=PROVIDER,
        )
    order_id = order_id or _unfinished_order(reader, reference)
    if order_id is None:
        raise NumberUnavailableError(
            f"the Telnyx account already holds {number} and no unfinished purchase of it is "
            "the SDK's, so it is not bought again; search again and pick another number (to "
            "text from this one, release it at Telnyx first, or let the SDK's admin keep it)",
            provider=PROVIDER,
            code=ALREADY_HELD_CODE,
        )
    provisioned = _configure(
        client, reader, settings, number=number, number_id=number_id, wanted=wanted
    )
    closed = f"{reference}{_CLOSED}"
    calling(lambda: client.number_orders.update(order_id, customer_reference=closed), creates=False)
    return provisioned


def order_reference(profile: str, number: PhoneNumber) -> str:
    """The ``customer_reference`` of the SDK's open order for ``number`` on ``profile``."""
    return f"smsadmin:{profile}:{number.e164}"


def _order(
    client: telnyx.Telnyx,
    reader: telnyx.Telnyx,
    number: PhoneNumber,
    profile: str,
    reference: str,
    *,
    sleep: Sleep,
) -> str:
    """Place the order and wait for it a bounded time; its id once it succeeded.

    Raises:
        NumberUnavailableError: When Telnyx refuses the order or it fails.
        ProviderTimeoutError: When it is still pending, or its answer was lost.
    """
    order: dict[str, Any] = {
        "phone_numbers": [{"phone_number": number.e164}],
        "messaging_profile_id": profile,
        "customer_reference": reference,
    }
    try:
        answer = calling(lambda: client.number_orders.create(**order), creates=True)
    except ProviderError as err:
        if err.status in {400, 404, 422}:
            raise NumberUnavailableError(
                f"Telnyx refused to order {number} ({err}); search again and pick another",
                provider=PROVIDER,
                code=err.code,
                status=err.status,
            ) from err
        raise
    created = answer_data(answer)
    order_id = str(created.get("id", "")) if isinstance(created, dict) else ""
    status = str(created.get("status", "")) if isinstance(created, dict) else ""
    polls = 0
    while status == "pending" and order_id and polls < ORDER_POLLS:
        sleep(ORDER_POLL_INTERVAL)
        polls += 1
        looked = answer_data(
            calling(lambda: reader.number_orders.retrieve(order_id), creates=False)
        )
        status = str(looked.get("status", "")) if isinstance(looked, dict) else ""
    if status == "failure":
        raise NumberUnavailableError(
            f"Telnyx's order {order_id} for {number} failed; search again and pick another",
            provider=PROVIDER,
        )
    if status != "success" or not order_id:
        raise _pending(number, order_id or None)
    return order_id


def _unfinished_order(reader: telnyx.Telnyx, reference: str) -> str | None:
    """The id of the SDK's order still open under ``reference`` that Telnyx completed."""
    answer = calling(
        lambda: reader.number_orders.list(filter={"customer_reference": reference}),
        creates=False,
    )
    items = answer_data(answer)
    for item in items if isinstance(items, list) else []:
        if (
            isinstance(item, dict)
            and item.get("customer_reference") == reference
            and item.get("status") == "success"
            and item.get("id")
        ):
            return str(item["id"])
    return None


def _pending(number: PhoneNumber, order_id: str | None) -> ProviderTimeoutError:
    order = f"order {order_id} " if order_id else "order "
    return ProviderTimeoutError(
        f"Telnyx's number {order}for {number} is still pending; purchase the same number again "
        "in a minute to finish it (nothing is ordered twice)",
        provider=PROVIDER,
    )


def _profile(settings: TelnyxSettings) -> str:
    if settings.messaging_profile_id is None:
        raise ConfigurationError(
            "the Telnyx account has no messaging_profile_id setting, so texts could not reach a "
            "number bought for it: set provider setting 'messaging_profile_id' (Mission Control, "
            "Messaging, the profile's page)"
        )
    return settings.messaging_profile_id


def _held(reader: telnyx.Telnyx, number: PhoneNumber) -> tuple[str, str] | None:
    """The id and status of ``number`` among the account's numbers, or ``None``.

    ``filter[phone_number]`` takes digits only: "Non-numerical characters will result in no
    values being returned" (``ListPhoneNumbers`` in the description), so no ``+``.
    """
    digits = number.e164.removeprefix("+")
    answer = calling(
        lambda: reader.phone_numbers.list(filter={"phone_number": digits}), creates=False
    )
    items = answer_data(answer)
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("status") in _GONE:
            continue
        if item.get("phone_number") == number.e164 and item.get("id"):
            return str(item["id"]), str(item.get("status", ""))
    return None


def configure_number(
    client: telnyx.Telnyx,
    settings: TelnyxSettings,
    number: ProvisionedNumber,
    wanted: NumberSettings,
    *,
    reader: telnyx.Telnyx | None = None,
) -> ProvisionedNumber:
    """Configure the number: its messaging profile, the profile's webhook, its calls.

    The number joins the account's messaging profile, the profile's inbound webhook is pointed
    at the SDK when ``wanted.sms_url`` is given, calls go to the TeXML application of
    ``wanted.voice_url`` when given, and Telnyx's own forwarding is set or switched off.
    ``reader`` (lookups, which may be retried) defaults to ``client``.

    Raises:
        ProviderNotFoundError: When the account does not hold the number.
    """
    if not _NUMBER_ID.fullmatch(number.provider_ref):
        raise ProviderNotFoundError(
            f"{number.provider_ref!r} is not a Telnyx phone number id (digits, such as "
            f"'1293384261075731499'), so {number.number} is not one of the account's numbers",
            provider=PROVIDER,
        )
    return _configure(
        client,
        reader or client,
        settings,
        number=number.number,
        number_id=number.provider_ref,
        wanted=wanted,
    )


def _configure(
    client: telnyx.Telnyx,
    reader: telnyx.Telnyx,
    settings: TelnyxSettings,
    *,
    number: PhoneNumber,
    number_id: str,
    wanted: NumberSettings,
) -> ProvisionedNumber:
    profile = _profile(settings)
    voice_url: str | None = None
    number_fields: PhoneNumberUpdateParams = {}
    if wanted.voice_url:
        # Found or made before the number changes, so a refusal leaves the number as it was.
        connection_id, voice_url = voice.texml_application(
            client,
            reader,
            wanted.voice_url,
            outbound_voice_profile_id=settings.outbound_voice_profile_id,
        )
        number_fields["connection_id"] = connection_id
    if wanted.label:
        # The label as the number's customer reference ("A customer reference string for
        # customer look ups", UpdatePhoneNumberRequest), not its tags, which would replace the
        # tags the account set.
        number_fields["customer_reference"] = wanted.label
    messaging = calling(
        lambda: client.phone_numbers.messaging.update(number_id, messaging_profile_id=profile),
        creates=False,
    )
    if number_fields:
        # Only these fields are sent: the description refuses a connection_id of null, and
        # the package leaves an omitted argument out.
        calling(lambda: client.phone_numbers.update(number_id, **number_fields), creates=False)
    forwarding: CallForwardingParam
    if wanted.forward_to is not None and voice_url is None:
        forwarding = {
            "call_forwarding_enabled": True,
            "forwards_to": wanted.forward_to.e164,
            "forwarding_type": "always",
        }
    else:
        # Off without a forwarding number, and off with a voice URL: the TeXML answer
        # forwards then (sms_telnyx.voice), and a call is never forwarded twice.
        forwarding = {"call_forwarding_enabled": False}
    calling(
        lambda: client.phone_numbers.voice.update(number_id, call_forwarding=forwarding),
        creates=False,
    )
    if wanted.sms_url:
        calling(
            lambda: client.messaging_profiles.update(
                profile, webhook_url=wanted.sms_url, webhook_api_version="2"
            ),
            creates=False,
        )
    return ProvisionedNumber(
        number=number,
        provider_ref=number_id,
        capabilities=_messaging_capabilities(answer_data(messaging)),
        settings=NumberSettings(
            sms_url=wanted.sms_url,
            status_callback_url=wanted.status_callback_url,
            voice_url=voice_url,
            forward_to=wanted.forward_to,
            label=wanted.label,
        ),
    )


def _messaging_capabilities(settings: Any) -> NumberCapabilities:
    """Texting capabilities from ``PhoneNumberWithMessagingSettings.features``.

    ``features.sms`` and ``features.mms`` are each a ``MessagingFeatureSet`` or ``null``; a set
    with ``domestic_two_way`` means the number texts in its country (the description's
    ``MessagingFeatureSet``). Voice is not among them: a Telnyx number takes calls.
    Without ``features`` in the answer, the defaults (SMS and voice) stand.
    """
    features = settings.get("features") if isinstance(settings, dict) else None
    if not isinstance(features, dict):
        return NumberCapabilities()

    def two_way(kind: str) -> bool:
        found = features.get(kind)
        return isinstance(found, dict) and bool(found.get("domestic_two_way"))

    return NumberCapabilities(sms=two_way("sms"), mms=two_way("mms"), voice=True)


def release_number(client: telnyx.Telnyx, number: ProvisionedNumber) -> None:
    """Release the number (``DELETE /v2/phone_numbers/{id}``).

    Raises:
        ProviderNotFoundError: When the account does not hold the number.
    """
    if not _NUMBER_ID.fullmatch(number.provider_ref):
        raise ProviderNotFoundError(
            f"{number.provider_ref!r} is not a Telnyx phone number id, so {number.number} is "
            "not one of the account's numbers",
            provider=PROVIDER,
        )
    calling(lambda: client.phone_numbers.delete(number.provider_ref), creates=False)

# Over 400 lines: one table of every Twilio path the stand-in answers, so a newcomer checks a
# route against Twilio's API reference in one file.
"""The Twilio stand-in's routes: Twilio's paths, answered from :class:`TwilioState`.

:func:`answer` serves one request the way Twilio would: basic auth checked (any account SID
with the stand-in's auth token), the path routed to the state machine, Twilio's JSON or error
body returned. Paging follows Twilio: v2010 lists link their pages with relative
``next_page_uri``, Messaging and Trust Hub lists with absolute ``meta.next_page_url`` on the real
hosts, which a client's prefix map must bring back to the stand-in.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import attrs

from sms_twilio.http import TWILIO_HOSTS
from sms_twilio.testing.state import API_VERSION, TwilioError, TwilioState

__all__ = ["answer"]

_SID = r"[0-9a-fA-F]{32}"
_ACCOUNT = rf"/{API_VERSION}/Accounts/(?P<account>AC{_SID})"


def answer(
    state: TwilioState,
    *,
    product: str,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    auth_token: str,
) -> tuple[int, bytes]:
    """Serve one request for a Twilio host.

    Args:
        product: The host's name in :data:`~sms_twilio.http.TWILIO_HOSTS` (``"api"``…).
        target: The path and query string on that host.

    Returns:
        The HTTP status and JSON body (empty for 204).

    Raises:
        GatewayError: When a gateway spoils the answer (see
            :meth:`~sms_twilio.testing.state.TwilioState.spoil_creates`); the server gives the
            gateway's answer, or drops the connection.
    """
    parts = urlsplit(target)
    account_sid = _authenticated(headers, auth_token)
    if account_sid is None:
        return _json(401, TwilioError(401, 20003, "Authenticate").body())
    request = _Request(
        product=product,
        method=method.upper(),
        path=parts.path,
        query={key: values[-1] for key, values in parse_qs(parts.query).items()},
        form=parse_qs(body.decode("utf-8"), keep_blank_values=True),
        account_sid=account_sid,
    )
    try:
        answered = _dispatch(state, request)
    except TwilioError as err:
        return _json(err.status, err.body())
    if answered.status == 204:
        return 204, b""
    return _json(answered.status, answered.body)


@attrs.frozen
class _Request:
    product: str
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, list[str]]
    account_sid: str


@attrs.frozen
class _Answer:
    status: int
    body: Any = None


_Handler = Callable[[TwilioState, _Request, dict[str, str]], _Answer]
_ROUTES: list[tuple[str, str, re.Pattern[str], _Handler]] = []


def _route(product: str, method: str, pattern: str) -> Callable[[_Handler], _Handler]:
    def register(handler: _Handler) -> _Handler:
        _ROUTES.append((product, method, re.compile(pattern), handler))
        return handler

    return register


def _authenticated(headers: Mapping[str, str], token: str) -> str | None:
    """The account SID of a request with valid basic auth, else ``None``."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except ValueError:
        return None
    if password != token or not re.fullmatch(rf"AC{_SID}", username):
        return None
    return username


def _json(status: int, body: object) -> tuple[int, bytes]:
    return status, json.dumps(body).encode("utf-8")


def _dispatch(state: TwilioState, request: _Request) -> _Answer:
    for product, method, pattern, handler in _ROUTES:
        if product != request.product or method != request.method:
            continue
        if (match := pattern.fullmatch(request.path)) is not None:
            params = match.groupdict()
            if params.get("account", request.account_sid) != request.account_sid:
                raise TwilioError(401, 20003, "Authenticate")
            return handler(state, request, params)
    raise TwilioError(404, 20404, f"The requested resource {request.path} was not found")


# -- paging ------------------------------------------------------------------------------------


def _v2010_page(request: _Request, key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    size, page = _paging(request)
    chunk = items[page * size : (page + 1) * size]
    base = {k: v for k, v in request.query.items() if k not in {"Page", "PageSize", "PageToken"}}

    def uri(number: int) -> str:
        query = urlencode({**base, "PageSize": size, "Page": number, "PageToken": f"PT{number}"})
        return f"{request.path}?{query}"

    more = (page + 1) * size < len(items)
    return {
        key: chunk,
        "page": page,
        "page_size": size,
        "start": page * size,
        "end": page * size + max(len(chunk) - 1, 0),
        "uri": uri(page),
        "first_page_uri": uri(0),
        "next_page_uri": uri(page + 1) if more else None,
        "previous_page_uri": uri(page - 1) if page else None,
    }


def _v1_page(request: _Request, key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    size, page = _paging(request)
    chunk = items[page * size : (page + 1) * size]
    base = {k: v for k, v in request.query.items() if k not in {"Page", "PageSize", "PageToken"}}
    host = TWILIO_HOSTS[request.product]

    def url(number: int) -> str:
        query = urlencode({**base, "PageSize": size, "Page": number, "PageToken": f"PT{number}"})
        return f"{host}{request.path}?{query}"

    more = (page + 1) * size < len(items)
    return {
        key: chunk,
        "meta": {
            "page": page,
            "page_size": size,
            "first_page_url": url(0),
            "previous_page_url": url(page - 1) if page else None,
            "url": url(page),
            "next_page_url": url(page + 1) if more else None,
            "key": key,
        },
    }


def _paging(request: _Request) -> tuple[int, int]:
    size = int(request.query.get("PageSize") or 50)
    return max(size, 1), max(int(request.query.get("Page") or 0), 0)


# -- api.twilio.com ----------------------------------------------------------------------------


@_route(
    "api", "GET", rf"{_ACCOUNT}/AvailablePhoneNumbers/(?P<country>[A-Z]{{2}})/(?P<kind>\w+)\.json"
)
def _search(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    found = state.search_numbers(
        request.account_sid, params["country"], params["kind"], request.query
    )
    return _Answer(200, {"available_phone_numbers": found, "uri": request.path})


@_route("api", "POST", rf"{_ACCOUNT}/IncomingPhoneNumbers\.json")
def _buy(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(201, state.buy_number(request.account_sid, request.form))


@_route("api", "GET", rf"{_ACCOUNT}/IncomingPhoneNumbers\.json")
def _numbers(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    held = state.numbers(request.account_sid, request.query)
    return _Answer(200, _v2010_page(request, "incoming_phone_numbers", held))


@_route("api", "GET", rf"{_ACCOUNT}/IncomingPhoneNumbers/(?P<sid>PN{_SID})\.json")
def _number(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(200, state.number(request.account_sid, params["sid"], request.path))


@_route("api", "POST", rf"{_ACCOUNT}/IncomingPhoneNumbers/(?P<sid>PN{_SID})\.json")
def _configure(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    updated = state.update_number(request.account_sid, params["sid"], request.form, request.path)
    return _Answer(200, updated)


@_route("api", "DELETE", rf"{_ACCOUNT}/IncomingPhoneNumbers/(?P<sid>PN{_SID})\.json")
def _release(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    state.release_number(request.account_sid, params["sid"], request.path)
    return _Answer(204)


@_route("api", "POST", rf"{_ACCOUNT}/Messages\.json")
def _send(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(201, state.create_message(request.account_sid, request.form))


@_route("api", "GET", rf"{_ACCOUNT}/Messages\.json")
def _messages(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    found = state.messages(request.account_sid, request.query)
    return _Answer(200, _v2010_page(request, "messages", found))


@_route("api", "GET", rf"{_ACCOUNT}/Messages/(?P<sid>(?:SM|MM){_SID})\.json")
def _message(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(200, state.message(request.account_sid, params["sid"], request.path))


@_route("api", "POST", rf"{_ACCOUNT}/Addresses\.json")
def _address(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(201, state.create_address(request.account_sid, request.form))


@_route("api", "POST", rf"{_ACCOUNT}/Addresses/(?P<sid>AD{_SID})\.json")
def _update_address(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    updated = state.update_address(request.account_sid, params["sid"], request.form, request.path)
    return _Answer(200, updated)


# -- messaging.twilio.com ----------------------------------------------------------------------

_SERVICE = rf"/v1/Services/(?P<service>MG{_SID})"
_CAMPAIGN = rf"{_SERVICE}/Compliance/Usa2p/(?P<sid>QE{_SID})"
_BRAND = rf"/v1/a2p/BrandRegistrations/(?P<sid>BN{_SID})"


@_route("messaging", "POST", r"/v1/Services")
def _create_service(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(201, state.create_service(request.account_sid, request.form))


@_route("messaging", "GET", _SERVICE)
def _service(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(200, state.service(request.account_sid, params["service"], request.path))


@_route("messaging", "POST", _SERVICE)
def _update_service(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    sid = params["service"]
    return _Answer(200, state.update_service(request.account_sid, sid, request.form, request.path))


@_route("messaging", "DELETE", _SERVICE)
def _delete_service(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    state.delete_service(request.account_sid, params["service"], request.path)
    return _Answer(204)


@_route("messaging", "POST", rf"{_SERVICE}/PhoneNumbers")
def _attach(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    number = (request.form.get("PhoneNumberSid") or [""])[0]
    entry = state.add_to_pool(request.account_sid, params["service"], number, request.path)
    return _Answer(201, entry)


@_route("messaging", "GET", rf"{_SERVICE}/PhoneNumbers/(?P<sid>PN{_SID})")
def _attached(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    entry = state.pool_number(request.account_sid, params["service"], params["sid"], request.path)
    return _Answer(200, entry)


@_route("messaging", "POST", rf"{_SERVICE}/Compliance/Usa2p")
def _create_campaign(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    service = params["service"]
    created = state.create_campaign(request.account_sid, service, request.form, request.path)
    return _Answer(201, created)


@_route("messaging", "GET", rf"{_SERVICE}/Compliance/Usa2p")
def _campaigns(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    found = state.campaigns(request.account_sid, params["service"], request.path)
    return _Answer(200, _v1_page(request, "compliance", found))


@_route("messaging", "GET", _CAMPAIGN)
def _campaign(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    service, sid = params["service"], params["sid"]
    return _Answer(200, state.campaign(request.account_sid, service, sid, request.path))


@_route("messaging", "POST", _CAMPAIGN)
def _update_campaign(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    service, sid = params["service"], params["sid"]
    updated = state.update_campaign(request.account_sid, service, sid, request.form, request.path)
    return _Answer(200, updated)


@_route("messaging", "DELETE", _CAMPAIGN)
def _delete_campaign(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    state.delete_campaign(request.account_sid, params["service"], params["sid"], request.path)
    return _Answer(204)


@_route("messaging", "POST", r"/v1/a2p/BrandRegistrations")
def _create_brand(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(201, state.create_brand(request.account_sid, request.form))


@_route("messaging", "GET", r"/v1/a2p/BrandRegistrations")
def _brands(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(200, _v1_page(request, "data", state.brands(request.account_sid)))


@_route("messaging", "GET", _BRAND)
def _brand(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(200, state.brand(request.account_sid, params["sid"], request.path))


@_route("messaging", "POST", _BRAND)
def _resubmit_brand(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(202, state.resubmit_brand(request.account_sid, params["sid"], request.path))


@_route("messaging", "POST", rf"{_BRAND}/SmsOtp")
def _resend_otp(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    sent = state.resend_confirmation(request.account_sid, params["sid"], "otp", request.path)
    return _Answer(201, sent)


@_route("messaging", "POST", rf"{_BRAND}/2fa")
def _resend_2fa(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    sent = state.resend_confirmation(request.account_sid, params["sid"], "2fa", request.path)
    return _Answer(201, sent)


# -- trusthub.twilio.com -----------------------------------------------------------------------

_BUNDLE = rf"/v1/(?P<kind>CustomerProfiles|TrustProducts)/(?P<sid>BU{_SID})"
_ENTITY = rf"/v1/(?P<kind>EndUsers|SupportingDocuments)/(?P<sid>(?:IT|RD){_SID})"


@_route("trusthub", "POST", r"/v1/(?P<kind>CustomerProfiles|TrustProducts)")
def _create_bundle(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(201, state.create_bundle(request.account_sid, params["kind"], request.form))


@_route("trusthub", "GET", r"/v1/(?P<kind>CustomerProfiles|TrustProducts)")
def _bundles(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    found = state.bundles(
        request.account_sid,
        params["kind"],
        request.query.get("FriendlyName"),
        request.query.get("PolicySid"),
        request.query.get("Status"),
    )
    return _Answer(200, _v1_page(request, "results", found))


@_route("trusthub", "GET", _BUNDLE)
def _bundle(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    kind, sid = params["kind"], params["sid"]
    return _Answer(200, state.bundle(request.account_sid, kind, sid, request.path))


@_route("trusthub", "POST", _BUNDLE)
def _update_bundle(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    kind, sid = params["kind"], params["sid"]
    updated = state.update_bundle(request.account_sid, kind, sid, request.form, request.path)
    return _Answer(200, updated)


@_route("trusthub", "POST", rf"{_BUNDLE}/EntityAssignments")
def _assign(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    kind, sid = params["kind"], params["sid"]
    object_sid = (request.form.get("ObjectSid") or [""])[0]
    return _Answer(201, state.assign(request.account_sid, kind, sid, object_sid, request.path))


@_route("trusthub", "GET", rf"{_BUNDLE}/EntityAssignments")
def _assignments(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    kind, sid = params["kind"], params["sid"]
    object_type = request.query.get("ObjectType")
    found = state.assignments(request.account_sid, kind, sid, object_type, request.path)
    return _Answer(200, _v1_page(request, "results", found))


@_route("trusthub", "POST", rf"{_BUNDLE}/Evaluations")
def _evaluate(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    kind, sid = params["kind"], params["sid"]
    return _Answer(201, state.evaluate(request.account_sid, kind, sid, request.path))


@_route("trusthub", "POST", r"/v1/(?P<kind>EndUsers|SupportingDocuments)")
def _create_entity(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(201, state.create_entity(request.account_sid, params["kind"], request.form))


@_route("trusthub", "GET", _ENTITY)
def _entity(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    return _Answer(200, state.entity(request.account_sid, params["sid"], request.path))


@_route("trusthub", "POST", _ENTITY)
def _update_entity(state: TwilioState, request: _Request, params: dict[str, str]) -> _Answer:
    updated = state.update_entity(request.account_sid, params["sid"], request.form, request.path)
    return _Answer(200, updated)

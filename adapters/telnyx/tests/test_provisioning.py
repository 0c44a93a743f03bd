"""Numbers: the exact requests the ``telnyx`` package makes to search, buy, configure and release.

Fields and statuses are those of Telnyx's OpenAPI description (``../shared/telnyx-oai/spec3.yml``:
``ListAvailablePhoneNumbers`` with its ``filter[...]`` deepObject, ``CreateNumberOrder`` and
``NumberOrder.status`` pending/success/failure, ``ListPhoneNumbers`` and ``PhoneNumber.status``
purchase-pending/purchase-failed/active, ``DeletePhoneNumber``,
``UpdatePhoneNumberMessagingSettings``, ``UpdatePhoneNumberVoiceSettings``) and of the package's
parameter types (``telnyx/types/available_phone_number_list_params.py``,
``telnyx/types/phone_numbers/call_forwarding_param.py``). The last class runs every call through
Prism serving the trimmed description, which fails the test on any request it refuses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from telnyx_helpers import API_KEY, BASE_URL, PROFILE, Recorder, account

from sms_core import (
    ConfigurationError,
    Hooks,
    InvalidQueryError,
    NumberUnavailableError,
    PhoneNumber,
    ProviderNotFoundError,
    ProviderTimeoutError,
    UnsupportedFeatureError,
    make_plugin_manager,
)
from sms_core.domain import (
    NumberCapabilities,
    NumberQuery,
    NumberSettings,
    NumberType,
    ProvisionedNumber,
)
from sms_core.testing.prism import raise_for_prism_rejection
from sms_telnyx import TelnyxAdapter
from sms_telnyx.provisioning import ORDER_POLL_INTERVAL, ORDER_POLLS
from sms_telnyx.voice import application_name

NUMBER = "+14155550123"
NUMBER_ID = "1293384261075731499"
ORDER_ID = "12ade33a-21c0-473b-b055-b3c836e1c292"
SETTINGS = NumberSettings(
    sms_url="https://sms.example/webhooks/acme/messages",
    status_callback_url="https://sms.example/webhooks/acme/status",
    voice_url="https://sms.example/webhooks/acme/voice",
    forward_to=PhoneNumber.parse("+12065550142"),
    label="Recruiting desk",
)
Routes = dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]]


class Telnyx:
    """Answers by method and path, like Telnyx, and sleeps that only count."""

    def __init__(self, routes: Routes) -> None:
        self.routes = routes
        self.slept: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v2")
        for (method, prefix), answer in self.routes.items():
            if request.method == method and path == prefix:
                return answer(request)
        return httpx.Response(404, json={"errors": [{"code": "10005", "title": "Not found"}]})

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


MakeAdapter = Callable[[Telnyx], tuple[TelnyxAdapter, Recorder]]


@pytest.fixture
def make_adapter() -> Iterator[MakeAdapter]:
    """Adapters over a mock transport whose waits are recorded, not waited."""
    made: list[tuple[TelnyxAdapter, httpx.Client]] = []

    def make(telnyx: Telnyx) -> tuple[TelnyxAdapter, Recorder]:
        recorder = Recorder(telnyx)
        http = httpx.Client(transport=httpx.MockTransport(recorder))
        adapter = TelnyxAdapter(
            http=http, base_url=BASE_URL, environ={"TELNYX_API_KEY": API_KEY}, sleep=telnyx.sleep
        )
        made.append((adapter, http))
        return adapter, recorder

    yield make
    for adapter, http in made:
        adapter.close()
        http.close()


def _json(data: Any, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _: httpx.Response(status, json=data)


def _offered(
    number: str, *, best_effort: bool = False, voice: bool = True, city: str = "SAN FRANCISCO"
) -> dict[str, Any]:
    """An ``available_phone_number`` record (``AvailablePhoneNumber`` in the description)."""
    features = [{"name": "sms"}, {"name": "mms"}] + ([{"name": "voice"}] if voice else [])
    return {
        "record_type": "available_phone_number",
        "phone_number": number,
        "best_effort": best_effort,
        "reservable": True,
        "quickship": True,
        "vanity_format": "",
        "features": features,
        "region_information": [
            {"region_type": "country_code", "region_name": "US"},
            {"region_type": "state", "region_name": "CA"},
            {"region_type": "rate_center", "region_name": city},
        ],
        "cost_information": {"currency": "USD", "monthly_cost": "1.00", "upfront_cost": "1.00"},
    }


#: The SDK's open order for NUMBER on PROFILE (``customer_reference``).
REFERENCE = f"smsadmin:{PROFILE}:{NUMBER}"


def _order(status: str, reference: str = REFERENCE) -> dict[str, Any]:
    return {
        "data": {
            "id": ORDER_ID,
            "record_type": "number_order",
            "status": status,
            "customer_reference": reference,
            "phone_numbers_count": 1,
            "messaging_profile_id": PROFILE,
            "phone_numbers": [
                {
                    "id": "dc8e4d67-33a0-4629-a4a6-3eb8e6aee46e",
                    "phone_number": NUMBER,
                    "status": status,
                    "record_type": "number_order_phone_number",
                }
            ],
        }
    }


def _held(status: str = "active") -> dict[str, Any]:
    return {
        "data": [
            {
                "id": NUMBER_ID,
                "record_type": "phone_number",
                "phone_number": NUMBER,
                "status": status,
            }
        ],
        "meta": {"total_pages": 1, "total_results": 1, "page_number": 1, "page_size": 20},
    }


_NOT_HELD = {
    "data": [],
    "meta": {"total_pages": 0, "total_results": 0, "page_number": 1, "page_size": 20},
}


APP_ID = "1293384261075731500"


def _application(voice_url: str | None = None) -> dict[str, Any]:
    """A ``TexmlApplication`` (spec3.yml) serving ``voice_url`` (SETTINGS' by default)."""
    url = voice_url or SETTINGS.voice_url
    return {
        "id": APP_ID,
        "record_type": "texml_application",
        "friendly_name": application_name(str(url)),
        "voice_url": url,
        "voice_method": "post",
    }


_NO_APPLICATIONS = {
    "data": [],
    "meta": {"total_pages": 0, "total_results": 0, "page_number": 1, "page_size": 250},
}


def _configured() -> Routes:
    return {
        ("GET", "/texml_applications"): _json(_NO_APPLICATIONS),
        ("POST", "/texml_applications"): _json({"data": _application()}, 201),
        ("PATCH", f"/phone_numbers/{NUMBER_ID}/messaging"): _json({"data": {"id": NUMBER_ID}}),
        ("PATCH", f"/phone_numbers/{NUMBER_ID}/voice"): _json({"data": {"id": NUMBER_ID}}),
        ("PATCH", f"/phone_numbers/{NUMBER_ID}"): _json({"data": {"id": NUMBER_ID}}),
        ("PATCH", f"/messaging_profiles/{PROFILE}"): _json({"data": {"id": PROFILE}}),
        ("PATCH", f"/number_orders/{ORDER_ID}"): _json(
            _order("success", f"{REFERENCE}:configured")
        ),
    }


def _placed_orders(recorder: Recorder) -> list[httpx.Request]:
    """The number orders placed."""
    return [r for r in recorder.requests if (r.method, r.url.path) == ("POST", "/v2/number_orders")]


def _orders(*orders: dict[str, Any]) -> Callable[[httpx.Request], httpx.Response]:
    """``GET /number_orders``: the orders whose ``customer_reference`` is the one asked for."""

    def answer(request: httpx.Request) -> httpx.Response:
        wanted = request.url.params.get("filter[customer_reference]")
        rows = [o["data"] for o in orders if o["data"]["customer_reference"] == wanted]
        meta = {"total_pages": 1, "total_results": len(rows), "page_number": 1, "page_size": 20}
        return httpx.Response(200, json={"data": rows, "meta": meta})

    return answer


def _query(request: httpx.Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.url.params.multi_items():
        params.setdefault(key, []).append(value)
    return params


def _account() -> Any:
    return account(messaging_profile_id=PROFILE)


class TestSearch:
    """``GET /v2/available_phone_numbers`` with every filter the query has."""

    def test_every_filter_is_sent(self, make_adapter: MakeAdapter) -> None:
        telnyx = Telnyx({("GET", "/available_phone_numbers"): _json({"data": []})})
        adapter, recorder = make_adapter(telnyx)
        query = NumberQuery(
            area_code="415",
            region="CA",
            locality="San Francisco",
            contains="555",
            voice_enabled=True,
            limit=5,
        )
        assert [] == adapter.sms_search_numbers(_account(), query)
        assert {
            "filter[country_code]": ["US"],
            "filter[phone_number_type]": ["local"],
            "filter[limit]": ["5"],
            "filter[best_effort]": ["false"],
            "filter[national_destination_code]": ["415"],
            "filter[administrative_area]": ["CA"],
            # "Filter phone numbers by city" (ListAvailablePhoneNumbers' filter in spec3.yml).
            "filter[locality]": ["San Francisco"],
            "filter[phone_number][contains]": ["555"],
            # Comma-joined, as Telnyx's example "voice,sms"
            # (https://developers.telnyx.com/docs/api/v2/numbers/Number-Search).
            "filter[features]": ["sms,voice"],
        } == _query(recorder.requests[0])

    def test_only_valid_exact_matches_are_returned(self, make_adapter: MakeAdapter) -> None:
        offered = [
            _offered("+14155550123"),
            _offered("+14155550124", best_effort=True),  # not an exact match
            _offered("+1415555"),  # not a valid number
            _offered("+14155550125"),
        ]
        telnyx = Telnyx({("GET", "/available_phone_numbers"): _json({"data": offered})})
        adapter, _ = make_adapter(telnyx)
        found = adapter.sms_search_numbers(_account(), NumberQuery(limit=1)) or []
        assert ["+14155550123"] == [item.number.e164 for item in found]
        assert "CA" == found[0].region
        assert "SAN FRANCISCO" == found[0].locality
        assert found[0].capabilities.voice
        assert found[0].capabilities.mms

    def test_numbers_outside_the_locality_are_dropped(self, make_adapter: MakeAdapter) -> None:
        """A number whose region_information names another city is not offered as in it."""
        offered = [_offered("+14155550123"), _offered("+14155550125", city="Oakland")]
        telnyx = Telnyx({("GET", "/available_phone_numbers"): _json({"data": offered})})
        adapter, _ = make_adapter(telnyx)
        query = NumberQuery(locality="san francisco")
        found = adapter.sms_search_numbers(_account(), query) or []
        assert ["+14155550123"] == [item.number.e164 for item in found]

    def test_no_voice_is_checked_on_the_answer(self, make_adapter: MakeAdapter) -> None:
        offered = [_offered("+14155550123"), _offered("+14155550125", voice=False)]
        telnyx = Telnyx({("GET", "/available_phone_numbers"): _json({"data": offered})})
        adapter, recorder = make_adapter(telnyx)
        found = adapter.sms_search_numbers(_account(), NumberQuery(voice_enabled=False)) or []
        assert ["+14155550125"] == [item.number.e164 for item in found]
        assert ["sms"] == _query(recorder.requests[0])["filter[features]"]

    @pytest.mark.parametrize(
        ("query", "error"),
        [
            (NumberQuery(country="GB"), InvalidQueryError),
            (NumberQuery(number_type=NumberType.MOBILE), InvalidQueryError),
            (NumberQuery(postal_code="94105"), InvalidQueryError),
            (NumberQuery(region="California"), InvalidQueryError),  # "IL", not a name
            (NumberQuery(contains="JOBS"), InvalidQueryError),
            (NumberQuery(number_type=NumberType.TOLL_FREE), UnsupportedFeatureError),
        ],
    )
    def test_a_filter_telnyx_cannot_honour_is_refused_before_any_request(
        self, make_adapter: MakeAdapter, query: NumberQuery, error: type[Exception]
    ) -> None:
        adapter, recorder = make_adapter(Telnyx({}))
        with pytest.raises(error):
            adapter.sms_search_numbers(_account(), query)
        assert [] == recorder.requests

    def test_telnyx_refusing_the_filters_is_an_invalid_query(
        self, make_adapter: MakeAdapter
    ) -> None:
        """ListAvailablePhoneNumbers documents 400 and 422 answers for a bad request."""
        refusal = {"errors": [{"code": "10015", "title": "Bad Request", "detail": "bad filter"}]}
        telnyx = Telnyx({("GET", "/available_phone_numbers"): _json(refusal, status=400)})
        adapter, _ = make_adapter(telnyx)
        with pytest.raises(InvalidQueryError, match="bad filter"):
            adapter.sms_search_numbers(_account(), NumberQuery(area_code="415"))


class TestPurchase:
    """A number order on the account's messaging profile, awaited a bounded time."""

    def test_an_order_that_completes_is_configured(self, make_adapter: MakeAdapter) -> None:
        looks = iter([_NOT_HELD, _held()])
        orders = iter([_order("pending"), _order("success")])
        telnyx = Telnyx(
            {
                ("GET", "/phone_numbers"): lambda _: httpx.Response(200, json=next(looks)),
                ("POST", "/number_orders"): _json(_order("pending")),
                ("GET", f"/number_orders/{ORDER_ID}"): lambda _: httpx.Response(
                    200, json=next(orders)
                ),
                **_configured(),
            }
        )
        adapter, recorder = make_adapter(telnyx)
        bought = adapter.sms_purchase_number(_account(), PhoneNumber.parse(NUMBER), SETTINGS)
        assert bought is not None
        assert NUMBER_ID == bought.provider_ref
        assert NUMBER == bought.number.e164
        assert SETTINGS == bought.settings
        calls = [(r.method, r.url.path) for r in recorder.requests]
        assert [
            ("GET", "/v2/phone_numbers"),
            ("POST", "/v2/number_orders"),
            ("GET", f"/v2/number_orders/{ORDER_ID}"),
            ("GET", f"/v2/number_orders/{ORDER_ID}"),
            ("GET", "/v2/phone_numbers"),
            ("GET", "/v2/texml_applications"),
            ("POST", "/v2/texml_applications"),
            ("PATCH", f"/v2/phone_numbers/{NUMBER_ID}/messaging"),
            ("PATCH", f"/v2/phone_numbers/{NUMBER_ID}"),
            ("PATCH", f"/v2/phone_numbers/{NUMBER_ID}/voice"),
            ("PATCH", f"/v2/messaging_profiles/{PROFILE}"),
            ("PATCH", f"/v2/number_orders/{ORDER_ID}"),
        ] == calls
        # Digits only: "Non-numerical characters will result in no values being returned"
        # (ListPhoneNumbers, filter[phone_number], in the description).
        assert {"filter[phone_number]": ["14155550123"]} == _query(recorder.requests[0])
        assert {
            "phone_numbers": [{"phone_number": NUMBER}],
            "messaging_profile_id": PROFILE,
            "customer_reference": REFERENCE,
        } == recorder.json(1)
        assert {
            "friendly_name": application_name(str(SETTINGS.voice_url)),
            "voice_url": SETTINGS.voice_url,
            "voice_method": "post",
        } == recorder.json(6)
        assert {"messaging_profile_id": PROFILE} == recorder.json(7)
        # The TeXML application and the label; no tags, which would replace the account's.
        assert {"connection_id": APP_ID, "customer_reference": "Recruiting desk"} == recorder.json(
            8
        )
        # The TeXML answer forwards (sms_telnyx.voice): Telnyx's own forwarding is off.
        assert {"call_forwarding": {"call_forwarding_enabled": False}} == recorder.json(9)
        assert {
            "webhook_url": "https://sms.example/webhooks/acme/messages",
            "webhook_api_version": "2",
        } == recorder.json(10)
        # Configured: the SDK's purchase is closed, so buying the number again is refused.
        assert {"customer_reference": f"{REFERENCE}:configured"} == recorder.json(11)
        assert [ORDER_POLL_INTERVAL, ORDER_POLL_INTERVAL] == telnyx.slept

    def test_a_pending_order_is_reported_then_finished_without_a_second_order(
        self, make_adapter: MakeAdapter
    ) -> None:
        looks = iter([_NOT_HELD, _held("purchase-pending"), _held("active")])
        telnyx = Telnyx(
            {
                ("GET", "/phone_numbers"): lambda _: httpx.Response(200, json=next(looks)),
                ("POST", "/number_orders"): _json(_order("pending")),
                ("GET", f"/number_orders/{ORDER_ID}"): _json(_order("pending")),
                # Telnyx completed it since: the SDK's order is still open.
                ("GET", "/number_orders"): _orders(_order("success")),
                **_configured(),
            }
        )
        adapter, recorder = make_adapter(telnyx)
        number = PhoneNumber.parse(NUMBER)
        with pytest.raises(ProviderTimeoutError, match="still pending"):
            adapter.sms_purchase_number(_account(), number, SETTINGS)
        assert ORDER_POLLS == len(telnyx.slept)  # bounded
        with pytest.raises(ProviderTimeoutError, match="still pending"):
            adapter.sms_purchase_number(_account(), number, SETTINGS)
        bought = adapter.sms_purchase_number(_account(), number, SETTINGS)
        assert bought is not None
        assert NUMBER_ID == bought.provider_ref
        assert 1 == len(_placed_orders(recorder))
        assert ("PATCH", f"/v2/number_orders/{ORDER_ID}") == (
            recorder.requests[-1].method,
            recorder.requests[-1].url.path,
        )

    def test_a_failed_order_is_an_unavailable_number(self, make_adapter: MakeAdapter) -> None:
        telnyx = Telnyx(
            {
                ("GET", "/phone_numbers"): _json(_NOT_HELD),
                ("POST", "/number_orders"): _json(_order("failure")),
            }
        )
        adapter, recorder = make_adapter(telnyx)
        with pytest.raises(NumberUnavailableError):
            adapter.sms_purchase_number(_account(), PhoneNumber.parse(NUMBER), SETTINGS)
        assert [] == [r for r in recorder.requests if r.method == "PATCH"]

    def test_a_held_number_whose_purchase_failed_is_unavailable(
        self, make_adapter: MakeAdapter
    ) -> None:
        telnyx = Telnyx({("GET", "/phone_numbers"): _json(_held("purchase-failed"))})
        adapter, recorder = make_adapter(telnyx)
        with pytest.raises(NumberUnavailableError):
            adapter.sms_purchase_number(_account(), PhoneNumber.parse(NUMBER), SETTINGS)
        assert ["GET"] == [r.method for r in recorder.requests]

    def test_a_number_released_before_is_ordered_again(self, make_adapter: MakeAdapter) -> None:
        looks = iter([_held("deleted"), _held("active")])
        telnyx = Telnyx(
            {
                ("GET", "/phone_numbers"): lambda _: httpx.Response(200, json=next(looks)),
                ("POST", "/number_orders"): _json(_order("success")),
                **_configured(),
            }
        )
        adapter, recorder = make_adapter(telnyx)
        bought = adapter.sms_purchase_number(_account(), PhoneNumber.parse(NUMBER), SETTINGS)
        assert bought is not None
        assert 1 == len(_placed_orders(recorder))
        assert [] == telnyx.slept  # complete at once: no wait

    def test_a_refused_order_is_an_unavailable_number(self, make_adapter: MakeAdapter) -> None:
        refusal = {"errors": [{"code": "10015", "title": "Invalid phone number"}]}
        telnyx = Telnyx(
            {
                ("GET", "/phone_numbers"): _json(_NOT_HELD),
                ("POST", "/number_orders"): _json(refusal, status=422),
            }
        )
        adapter, _ = make_adapter(telnyx)
        with pytest.raises(NumberUnavailableError, match="search again"):
            adapter.sms_purchase_number(_account(), PhoneNumber.parse(NUMBER), SETTINGS)

    def test_the_order_is_never_repeated_when_its_answer_is_lost(
        self, make_adapter: MakeAdapter
    ) -> None:
        def lost(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("lost", request=request)

        telnyx = Telnyx(
            {("GET", "/phone_numbers"): _json(_NOT_HELD), ("POST", "/number_orders"): lost}
        )
        adapter, recorder = make_adapter(telnyx)
        with pytest.raises(ProviderTimeoutError):
            adapter.sms_purchase_number(_account(), PhoneNumber.parse(NUMBER), SETTINGS)
        assert 1 == len(_placed_orders(recorder))

    def test_an_order_whose_answer_was_lost_is_finished_by_the_next_purchase(
        self, make_adapter: MakeAdapter
    ) -> None:
        """Telnyx made the order; the retry finds it open under the SDK's reference."""
        looks = iter([_NOT_HELD, _held("active")])

        def lost(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("lost", request=request)

        telnyx = Telnyx(
            {
                ("GET", "/phone_numbers"): lambda _: httpx.Response(200, json=next(looks)),
                ("POST", "/number_orders"): lost,
                ("GET", "/number_orders"): _orders(_order("success")),
                **_configured(),
            }
        )
        adapter, recorder = make_adapter(telnyx)
        number = PhoneNumber.parse(NUMBER)
        with pytest.raises(ProviderTimeoutError):
            adapter.sms_purchase_number(_account(), number, SETTINGS)
        bought = adapter.sms_purchase_number(_account(), number, SETTINGS)
        assert bought is not None
        assert NUMBER_ID == bought.provider_ref
        assert 1 == len(_placed_orders(recorder))
        listed = next(
            r for r in recorder.requests if (r.method, r.url.path) == ("GET", "/v2/number_orders")
        )
        assert {"filter[customer_reference]": [REFERENCE]} == _query(listed)

    @pytest.mark.parametrize(
        "orders",
        [(), (_order("success", f"{REFERENCE}:configured"),), (_order("success", "MY REF 001"),)],
        ids=["no-order", "sdk-purchase-finished", "someone-elses-order"],
    )
    def test_a_number_already_held_is_refused(
        self, make_adapter: MakeAdapter, orders: tuple[dict[str, Any], ...]
    ) -> None:
        """Held and no open order of the SDK's: refused with Telnyx's 10012, nothing changed."""
        telnyx = Telnyx(
            {
                ("GET", "/phone_numbers"): _json(_held("active")),
                ("GET", "/number_orders"): _orders(*orders),
                **_configured(),
            }
        )
        adapter, recorder = make_adapter(telnyx)
        with pytest.raises(NumberUnavailableError, match="already holds") as caught:
            adapter.sms_purchase_number(_account(), PhoneNumber.parse(NUMBER), SETTINGS)
        assert "10012" == caught.value.code
        assert ["GET", "GET"] == [r.method for r in recorder.requests]

    def test_without_a_messaging_profile_nothing_is_ordered(
        self, make_adapter: MakeAdapter
    ) -> None:
        adapter, recorder = make_adapter(Telnyx({}))
        with pytest.raises(ConfigurationError, match="messaging_profile_id"):
            adapter.sms_purchase_number(account(), PhoneNumber.parse(NUMBER), SETTINGS)
        assert [] == recorder.requests

    def test_a_toll_free_number_is_refused_before_any_request(
        self, make_adapter: MakeAdapter
    ) -> None:
        adapter, recorder = make_adapter(Telnyx({}))
        with pytest.raises(UnsupportedFeatureError):
            adapter.sms_purchase_number(_account(), PhoneNumber.parse("+18005550199"), SETTINGS)
        assert [] == recorder.requests


_PROVISIONED = ProvisionedNumber(number=PhoneNumber.parse(NUMBER), provider_ref=NUMBER_ID)


class TestConfigureAndRelease:
    """The messaging, voice and profile settings of a held number, and its release."""

    def test_no_forwarding_disables_it_and_sends_no_connection_id(
        self, make_adapter: MakeAdapter
    ) -> None:
        adapter, recorder = make_adapter(Telnyx(_configured()))
        done = adapter.sms_configure_number(_account(), _PROVISIONED, NumberSettings())
        assert done is not None
        assert done.settings.forward_to is None
        assert [
            ("PATCH", f"/v2/phone_numbers/{NUMBER_ID}/messaging"),
            ("PATCH", f"/v2/phone_numbers/{NUMBER_ID}/voice"),
        ] == [(r.method, r.url.path) for r in recorder.requests]
        assert {"messaging_profile_id": PROFILE} == recorder.json(0)
        assert {"call_forwarding": {"call_forwarding_enabled": False}} == recorder.json(1)

    def test_capabilities_come_from_the_messaging_features(self, make_adapter: MakeAdapter) -> None:
        """``features`` as in PhoneNumberWithMessagingSettings, MMS on (a feature set)."""
        answer = {
            "data": {
                "id": NUMBER_ID,
                "record_type": "messaging_settings",
                "phone_number": NUMBER,
                "messaging_profile_id": PROFILE,
                "features": {
                    "mms": {
                        "domestic_two_way": True,
                        "international_inbound": False,
                        "international_outbound": False,
                    },
                    "sms": {
                        "domestic_two_way": True,
                        "international_inbound": True,
                        "international_outbound": True,
                    },
                },
            }
        }
        routes = _configured() | {("PATCH", f"/phone_numbers/{NUMBER_ID}/messaging"): _json(answer)}
        adapter, _ = make_adapter(Telnyx(routes))
        done = adapter.sms_configure_number(_account(), _PROVISIONED, NumberSettings())
        assert done is not None
        assert NumberCapabilities(sms=True, mms=True, voice=True) == done.capabilities

    def test_an_unknown_number_is_not_found(self, make_adapter: MakeAdapter) -> None:
        adapter, _ = make_adapter(Telnyx({}))
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_configure_number(_account(), _PROVISIONED, SETTINGS)
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_release_number(_account(), _PROVISIONED)

    def test_a_foreign_id_is_not_found_before_any_request(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(Telnyx({}))
        other = ProvisionedNumber(number=PhoneNumber.parse(NUMBER), provider_ref="PN0123")
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_release_number(_account(), other)
        assert [] == recorder.requests

    def test_release(self, make_adapter: MakeAdapter) -> None:
        telnyx = Telnyx(
            {("DELETE", f"/phone_numbers/{NUMBER_ID}"): _json({"data": {"id": NUMBER_ID}})}
        )
        adapter, recorder = make_adapter(telnyx)
        assert adapter.sms_release_number(_account(), _PROVISIONED) is True
        assert [("DELETE", f"/v2/phone_numbers/{NUMBER_ID}")] == [
            (r.method, r.url.path) for r in recorder.requests
        ]


class TestThroughTheFacade:
    """The core routes the provisioning hooks to the adapter and accepts its answers' types."""

    def test_search_purchase_configure_release(self, make_adapter: MakeAdapter) -> None:
        telnyx = Telnyx(
            {
                ("GET", "/available_phone_numbers"): _json({"data": [_offered(NUMBER)]}),
                ("GET", "/phone_numbers"): _json(_held()),  # ordered by an earlier call
                ("GET", "/number_orders"): _orders(_order("success")),  # ... left unfinished
                ("DELETE", f"/phone_numbers/{NUMBER_ID}"): _json({"data": {"id": NUMBER_ID}}),
                **_configured(),
            }
        )
        adapter, recorder = make_adapter(telnyx)
        hooks = Hooks(make_plugin_manager(plugins=[adapter], load_entry_points=False))
        found = hooks.search_numbers(_account(), NumberQuery())
        assert [NUMBER] == [item.number.e164 for item in found]
        bought = hooks.purchase_number(_account(), found[0].number, SETTINGS)
        assert NUMBER_ID == bought.provider_ref
        assert [] == _placed_orders(recorder)  # held: not re-ordered
        changed = hooks.configure_number(_account(), bought, NumberSettings())
        assert NumberSettings() == changed.settings
        hooks.release_number(_account(), changed)
        assert "DELETE" == recorder.requests[-1].method


class TestPrism:
    """Every request the package makes for these hooks passes Prism (the trimmed description).

    Prism answers with the description's examples, so the answers are not what a live purchase
    would say; what is checked is that Telnyx's description accepts each request.
    """

    @pytest.fixture
    def checked(self, telnyx_api_url: str) -> Iterator[tuple[TelnyxAdapter, list[httpx.Response]]]:
        answers: list[httpx.Response] = []

        def keep(response: httpx.Response) -> None:
            response.read()
            answers.append(response)

        http = httpx.Client(event_hooks={"response": [keep]}, trust_env=False)
        adapter = TelnyxAdapter(
            http=http,
            base_url=telnyx_api_url,
            environ={"TELNYX_API_KEY": API_KEY},
            sleep=lambda _: None,
        )
        yield adapter, answers
        adapter.close()
        http.close()

    def test_every_request_passes(
        self, checked: tuple[TelnyxAdapter, list[httpx.Response]]
    ) -> None:
        adapter, answers = checked
        query = NumberQuery(area_code="415", region="CA", contains="555", voice_enabled=True)
        adapter.sms_search_numbers(_account(), query)
        adapter.sms_configure_number(_account(), _PROVISIONED, SETTINGS)
        adapter.sms_configure_number(_account(), _PROVISIONED, NumberSettings())
        adapter.sms_release_number(_account(), _PROVISIONED)
        # Prism's example answers need not describe a completed order.
        with contextlib.suppress(ProviderTimeoutError, NumberUnavailableError):
            adapter.sms_purchase_number(_account(), PhoneNumber.parse(NUMBER), SETTINGS)
        paths = {(r.request.method, r.request.url.path.split("/v2", 1)[-1]) for r in answers}
        assert {
            ("GET", "/available_phone_numbers"),
            ("GET", "/phone_numbers"),
            ("PATCH", f"/phone_numbers/{NUMBER_ID}/messaging"),
            ("PATCH", f"/phone_numbers/{NUMBER_ID}/voice"),
            ("PATCH", f"/phone_numbers/{NUMBER_ID}"),
            ("PATCH", f"/messaging_profiles/{PROFILE}"),
            ("DELETE", f"/phone_numbers/{NUMBER_ID}"),
            ("POST", "/number_orders"),
            ("GET", "/texml_applications"),
            ("POST", "/texml_applications"),
        } <= paths
        for answer in answers:
            raise_for_prism_rejection(answer)

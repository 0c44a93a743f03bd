"""Prism serving the trimmed, patched copy of Telnyx's OpenAPI description.

The description is Telnyx's own (``team-telnyx/openapi``, ``openapi/spec3.yml``); the request
bodies below follow its ``CreateMessageRequest`` schema and the "Send a message" reference,
https://developers.telnyx.com/api-reference/messages/send-a-message (``Authorization: Bearer``
with an API v2 key, ``to`` required).
"""

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import telnyx

from sms_core.testing.prism import PrismError, PrismServer, raise_for_prism_rejection
from sms_telnyx.testing import (
    BASE_PATH,
    PATCHES,
    PATHS,
    SPEC_FILE,
    WEBHOOKS,
    load_spec,
    trim_spec,
    write_test_spec,
)

#: A made-up API v2 key; Prism checks only that a bearer token is present.
API_KEY = "KEY0123456789ABCDEF_test"
#: A text as the "Send a message" reference sends it (numbers from its own example).
TEXT = {
    "from": "+18445550001",
    "to": "+18665550001",
    "text": "Hello, World!",
    "type": "SMS",
    "webhook_url": "https://example.com/webhooks",
}


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


@pytest.fixture(scope="module")
def trimmed(telnyx_spec: Path) -> dict[str, Any]:
    """The copy Prism serves, as data."""
    loaded: dict[str, Any] = json.loads(telnyx_spec.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def api(telnyx_api_url: str) -> Iterator[httpx.Client]:
    """A client of the Prism-served API, with a bearer key, as the live API expects."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=telnyx_api_url, headers=headers, timeout=10) as client:
        yield client


class TestTrimmedSpec:
    """The test-time copy holds what a texting adapter calls, and nothing dangles."""

    def test_holds_exactly_the_wanted_paths_and_webhooks(self, trimmed: dict[str, Any]) -> None:
        """Every wanted path (under /v2) and webhook, and no other."""
        assert {BASE_PATH + path for path in PATHS} == set(trimmed["paths"])
        assert set(WEBHOOKS) == set(trimmed["webhooks"])

    def test_every_ref_resolves(self, trimmed: dict[str, Any]) -> None:
        """Every $ref points at a component the copy holds."""
        refs = set(_refs(trimmed))

        assert refs
        assert all(ref.startswith("#/components/") for ref in refs)
        for ref in refs:
            assert _resolve(trimmed, ref) is not None, ref

    def test_keeps_the_security_scheme_of_the_default_requirement(
        self, trimmed: dict[str, Any]
    ) -> None:
        """Bearer authentication stays declared, so Prism still demands the key."""
        assert [{"bearerAuth": []}] == trimmed["security"]
        assert "bearer" == trimmed["components"]["securitySchemes"]["bearerAuth"]["scheme"]

    def test_is_a_small_part_of_the_description(self, telnyx_oai: Path, telnyx_spec: Path) -> None:
        """The trimmed copy is under a tenth of the whole description."""
        whole = (telnyx_oai / SPEC_FILE).stat().st_size

        assert telnyx_spec.stat().st_size < whole / 10

    def test_every_patch_changes_the_copy(self, telnyx_oai: Path, tmp_path: Path) -> None:
        """A patch that finds nothing to change means the description moved on: drop it."""
        applied = write_test_spec(telnyx_oai / SPEC_FILE, tmp_path / "telnyx.json")

        assert [patch.__name__ for patch in PATCHES] == applied


class TestTrimRefs:
    """References are followed the way JSON Pointer spells them."""

    def test_ref_into_a_component_keeps_the_component(self) -> None:
        """A $ref to a property of a schema keeps the whole schema, and what it refers to."""
        schemas = {
            "Message": {"properties": {"to": {"$ref": "#/components/schemas/ToNumber"}}},
            "ToNumber": {"type": "string"},
            "Unused": {"type": "string"},
        }
        body = {"$ref": "#/components/schemas/Message/properties/to"}
        spec: dict[str, Any] = {
            "paths": {"/messages": {"post": {"requestBody": body}}},
            "webhooks": {},
            "components": {"schemas": schemas},
        }

        trimmed = trim_spec(spec, paths=("/messages",), webhooks=())

        assert {"Message", "ToNumber"} == set(trimmed["components"]["schemas"])

    def test_escaped_name(self) -> None:
        """``~1`` in a ref is a ``/`` in the component's name."""
        body = {"$ref": "#/components/requestBodies/a~1b"}
        spec: dict[str, Any] = {
            "paths": {"/messages": {"post": {"requestBody": body}}},
            "webhooks": {},
            "components": {"requestBodies": {"a/b": {"content": {}}}},
        }

        trimmed = trim_spec(spec, paths=("/messages",), webhooks=())

        assert {"a/b"} == set(trimmed["components"]["requestBodies"])


class TestTrimErrors:
    """A description that lacks what the adapter needs is a clear error."""

    def test_missing_description(self, tmp_path: Path) -> None:
        """A missing file names itself and the setting that points elsewhere."""
        with pytest.raises(PrismError, match="SMS_TELNYX_OAI_DIR"):
            load_spec(tmp_path / SPEC_FILE)

    def test_missing_path(self) -> None:
        """A wanted path the description lacks is named."""
        spec: dict[str, Any] = {"paths": {"/messages": {}}, "webhooks": {}}

        with pytest.raises(PrismError, match="/number_orders"):
            trim_spec(spec, paths=("/messages", "/number_orders"), webhooks=())

    def test_dangling_ref(self) -> None:
        """A $ref to a component the description lacks is named."""
        operation = {"post": {"requestBody": {"$ref": "#/components/requestBodies/Gone"}}}
        spec: dict[str, Any] = {"paths": {"/messages": operation}, "webhooks": {}, "components": {}}

        with pytest.raises(PrismError, match="#/components/requestBodies/Gone"):
            trim_spec(spec, paths=("/messages",), webhooks=())


class TestPrismValidates:
    """Prism answers what the description allows and refuses what it forbids."""

    def test_listens_on_loopback(self, telnyx_prism: PrismServer) -> None:
        """No request of these tests leaves 127.0.0.1."""
        assert "127.0.0.1" == urlsplit(telnyx_prism.base_url).hostname

    def test_valid_text_is_answered(self, api: httpx.Client) -> None:
        """A text with the fields of CreateMessageRequest gets a 2xx with a message."""
        answer = raise_for_prism_rejection(api.post("/messages", json=TEXT))

        assert answer.is_success
        assert "message" == answer.json()["data"]["record_type"]

    def test_text_without_to_is_refused(self, api: httpx.Client) -> None:
        """`to` is required: Prism refuses with a 422 and the helper fails with its reason."""
        body = {key: value for key, value in TEXT.items() if key != "to"}
        answer = api.post("/messages", json=body)

        assert 422 == answer.status_code
        with pytest.raises(AssertionError, match="required property 'to'"):
            raise_for_prism_rejection(answer)

    def test_text_without_key_is_refused(self, telnyx_api_url: str) -> None:
        """Without a bearer key Prism answers 401, which the helper also reports."""
        answer = httpx.post(f"{telnyx_api_url}/messages", json=TEXT, timeout=10)

        assert 401 == answer.status_code
        with pytest.raises(AssertionError, match="security"):
            raise_for_prism_rejection(answer)

    def test_a_carrier_error_is_not_a_rejection(self) -> None:
        """A 4xx that Prism did not make (no violations) passes through untouched."""
        request = httpx.Request("GET", "http://127.0.0.1/v2/messages/x")
        answer = httpx.Response(404, json={"errors": []}, request=request)

        assert answer is raise_for_prism_rejection(answer)


class TestPrismServer:
    """The server starts, is found where the patch puts the paths, and stops by its pid."""

    def test_unpatched_copy_misses_v2_and_the_server_stops(
        self, telnyx_prism: PrismServer, telnyx_oai: Path, tmp_path: Path
    ) -> None:
        """Without serve_under_base_path a /v2 client gets 404; stopping leaves no process."""
        spec = tmp_path / "unpatched.json"
        spec.write_text(json.dumps(trim_spec(load_spec(telnyx_oai / SPEC_FILE))))
        headers = {"Authorization": f"Bearer {API_KEY}"}
        with PrismServer(telnyx_prism.executable, spec) as server:
            pid = server.pid
            unprefixed = httpx.post(f"{server.base_url}/messages", json=TEXT, headers=headers)
            prefixed = httpx.post(f"{server.base_url}/v2/messages", json=TEXT, headers=headers)

        assert unprefixed.is_success
        assert 404 == prefixed.status_code
        assert server.pid is None
        assert pid is not None
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)

    def test_a_description_prism_cannot_read_is_an_error(
        self, telnyx_prism: PrismServer, tmp_path: Path
    ) -> None:
        """Prism exiting at start is a PrismError with its output, and no process is left."""
        server = PrismServer(telnyx_prism.executable, tmp_path / "absent.json", startup_timeout=30)

        with pytest.raises(PrismError, match="did not start"):
            server.start()
        assert server.pid is None


#: Ids in the shapes Telnyx uses (from the description's own examples).
_NUMBER_ID = "1293384261075731499"
_PROFILE_ID = "abc85f64-5717-4562-b3fc-2c9600000000"
_MESSAGE_ID = "40385f64-5717-4562-b3fc-2c963f66afa6"
_ORDER_ID = "12ade33a-21c0-473b-b055-b3c836e1c292"
_BRAND_ID = "4b20017f-8da9-a992-a6c0-683072fb7729"
_CAMPAIGN_ID = "4b300178-131c-d902-d54e-72d90ba1620a"
_LINE = "+13125550001"

#: What a texting adapter asks of Telnyx, through the official ``telnyx`` package.
SDK_CALLS: dict[str, Callable[[telnyx.Telnyx], object]] = {
    "send a text": lambda api: api.messages.send(
        to="+18665550001", from_=_LINE, text="Your shift starts at 9.", type="SMS"
    ),
    "send through a profile": lambda api: api.messages.send(
        to="+18665550001", messaging_profile_id=_PROFILE_ID, text="Hi", send_at=None
    ),
    "read a text": lambda api: api.messages.retrieve(_MESSAGE_ID),
    "search by area code": lambda api: api.available_phone_numbers.list(
        filter={
            "country_code": "US",
            "national_destination_code": "312",
            "features": ["sms", "voice"],
            "limit": 5,
        }
    ),
    "search by region, locality, contains": lambda api: api.available_phone_numbers.list(
        filter={
            "country_code": "US",
            "administrative_area": "IL",
            "locality": "Chicago",
            "phone_number": {"contains": "555"},
        }
    ),
    "order a number": lambda api: api.number_orders.create(
        phone_numbers=[{"phone_number": _LINE}], messaging_profile_id=_PROFILE_ID
    ),
    "poll the order": lambda api: api.number_orders.retrieve(_ORDER_ID),
    "find a number": lambda api: api.phone_numbers.list(filter={"phone_number": _LINE}),
    "release a number": lambda api: api.phone_numbers.delete(_NUMBER_ID),
    "set the profile on a number": lambda api: api.phone_numbers.messaging.update(
        _NUMBER_ID, messaging_profile_id=_PROFILE_ID
    ),
    "forward calls": lambda api: api.phone_numbers.voice.update(
        _NUMBER_ID,
        call_forwarding={
            "call_forwarding_enabled": True,
            "forwards_to": "+13125550002",
            "forwarding_type": "always",
        },
    ),
    "create a messaging profile": lambda api: api.messaging_profiles.create(
        name="Agency", whitelisted_destinations=["US"], webhook_url="https://example.com/h"
    ),
    "set the profile's webhooks": lambda api: api.messaging_profiles.update(
        _PROFILE_ID, webhook_url="https://example.com/h", webhook_failover_url=None
    ),
    "register a brand": lambda api: api.messaging_10dlc.brand.create(
        entity_type="PRIVATE_PROFIT",
        display_name="Acme Staffing",
        company_name="Acme Staffing Inc",
        ein="111111111",
        country="US",
        email="ops@example.com",
        vertical="PROFESSIONAL",
        phone="+13125550003",
        street="1 Main St",
        city="Chicago",
        state="IL",
        postal_code="60601",
        website="https://example.com",
    ),
    "read a brand": lambda api: api.messaging_10dlc.brand.retrieve(_BRAND_ID),
    "read a brand's feedback": lambda api: api.messaging_10dlc.brand.get_feedback(_BRAND_ID),
    "build a campaign": lambda api: api.messaging_10dlc.campaign_builder.submit(
        brand_id=_BRAND_ID,
        usecase="CUSTOMER_CARE",
        description="Shift and application updates to candidates who applied.",
        sample1="Hi Ana, your shift at Acme starts at 9am. Reply STOP to opt out.",
        sample2="Your application was received. Reply HELP for help.",
        message_flow="Candidates tick an opt-in box on the application form.",
        help_message="Acme Staffing: reply STOP to opt out.",
        optout_message="You are unsubscribed and will get no more texts.",
        subscriber_optin=True,
        subscriber_optout=True,
        subscriber_help=True,
        embedded_link=False,
        embedded_phone=False,
        number_pool=False,
        age_gated=False,
        direct_lending=False,
    ),
    "read a campaign": lambda api: api.messaging_10dlc.campaign.retrieve(_CAMPAIGN_ID),
    "assign a number": lambda api: api.messaging_10dlc.phone_number_campaigns.create(
        phone_number=_LINE, campaign_id=_CAMPAIGN_ID
    ),
    "read an assignment": lambda api: api.messaging_10dlc.phone_number_campaigns.retrieve(_LINE),
    "list a campaign's numbers": lambda api: api.messaging_10dlc.phone_number_campaigns.list(
        filter={"telnyx_campaign_id": _CAMPAIGN_ID}
    ),
    "read an enum": lambda api: api.messaging_10dlc.get_enum("vertical"),
}


class TestOfficialPackage:
    """Every call an adapter makes through the ``telnyx`` package is one Prism accepts."""

    @pytest.mark.parametrize("call", SDK_CALLS.values(), ids=SDK_CALLS.keys())
    def test_prism_accepts(
        self, telnyx_api_url: str, call: Callable[[telnyx.Telnyx], object]
    ) -> None:
        """The request the package builds passes Prism's validation."""
        answers: list[httpx.Response] = []
        with httpx.Client(event_hooks={"response": [answers.append]}) as http:
            api = telnyx.Telnyx(
                api_key=API_KEY, base_url=telnyx_api_url, http_client=http, max_retries=0
            )
            # Prism's reasons, if it refused, are in the answer checked below.
            with contextlib.suppress(telnyx.APIStatusError):
                call(api)

        assert 1 == len(answers)
        answer = answers[0]
        answer.read()
        raise_for_prism_rejection(answer)
        assert answer.is_success

"""Telnyx's 10DLC webhooks: phone number, campaign and brand updates, signed as Telnyx signs.

Shapes from https://developers.telnyx.com/docs/messaging/10dlc/event-notifications: the API v2
envelope (``data.event_type``, ``data.id``, ``data.occurred_at``, ``data.payload``,
``data.record_type: event``, ``meta``), the event types ``10dlc.brand.update``,
``10dlc.campaign.update`` and ``10dlc.phone_number.update``, the brand example's payload
(``brandId``, ``tcrBrandId``, ``eventType: BRAND_ADD``, ``status: success``,
``type: TCR_BRAND_UPDATE``) and the phone number payload types (``ASSIGNMENT``, ``DELETION``,
``STATUS_UPDATE``). The bare campaign update is ``CampaignStatusUpdateEvent`` of ``spec3.yml``
(the ``campaignStatusUpdate`` webhook, whose example status is ``DORMANT``); assignment
statuses are ``PhoneNumberCampaign.assignmentStatus`` of ``spec3.yml``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from nacl.signing import SigningKey
from telnyx_helpers import API_KEY, Handler, Recorder, account

from sms_core import (
    AccountAdmin,
    CarrierRegistration,
    ManualClock,
    NumberQuery,
    NumberRegistrationUpdate,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationStep,
    RegistrationStepChanged,
    RegistrationStepUpdate,
    SmsAdmin,
    StepStatus,
    WebhookPayloadError,
    WebhookRequest,
)
from sms_core.testing import HostEventLog
from sms_core.testing.prism import prism_violations
from sms_core.testing.samples import sample_brand, sample_campaign
from sms_core.webhooks import LoopbackServer, create_app
from sms_telnyx import TelnyxAdapter
from sms_telnyx.registration_events import ASSIGNMENT_FAILURE_CODE
from sms_telnyx.testing.driver import TelnyxDriver, signed_request
from sms_telnyx.testing.standin import API_KEY as STAND_IN_KEY
from sms_telnyx.testing.standin import STAND_IN_BASE_URL, Failure, TelnyxStandIn, TelnyxState

_NOW = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)
_URL = "https://sms.example/webhooks/acme/events"
_KEY = SigningKey.generate()
_NUMBER = "+14152345678"
_CAMPAIGN = "4b300178-131c-d902-d54e-72d90ba1620j"

MakeAdapter = Callable[[Handler], tuple[TelnyxAdapter, Recorder]]


def _signed(body: dict[str, Any], key: SigningKey = _KEY) -> WebhookRequest:
    raw = json.dumps(body).encode()
    stamp = str(int(_NOW.timestamp()))
    signature = key.sign(stamp.encode() + b"|" + raw).signature
    return WebhookRequest(
        method="POST",
        url=_URL,
        headers={
            "Content-Type": "application/json",
            "Telnyx-Signature-Ed25519": base64.b64encode(signature).decode(),
            "Telnyx-Timestamp": stamp,
        },
        body=raw,
    )


def _event(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": {
            "event_type": kind,
            "id": "02d4f0e2-7a9d-4ebf-86b9-3df81e862d49",
            "occurred_at": "2026-12-06T20:59:58.000+00:00",
            "payload": payload,
            "record_type": "event",
        },
        "meta": {"attempt": 1, "delivered_to": _URL},
    }


def _number_update(**payload: Any) -> dict[str, Any]:
    fields = {"type": "ASSIGNMENT", "phoneNumber": _NUMBER, "campaignId": _CAMPAIGN}
    return _event("10dlc.phone_number.update", fields | payload)


@pytest.fixture
def adapter() -> TelnyxAdapter:
    public_key = base64.b64encode(bytes(_KEY.verify_key)).decode()
    return TelnyxAdapter(
        environ={"TELNYX_API_KEY": API_KEY, "TELNYX_PUBLIC_KEY": public_key},
        clock=ManualClock(_NOW),
    )


def _parse(adapter: TelnyxAdapter, body: dict[str, Any]) -> list[Any]:
    request = _signed(body)
    assert adapter.sms_verify_webhook(account(), request) is True
    return list(adapter.sms_parse_webhook(account(), request) or [])


class TestPhoneNumberUpdates:
    """``10dlc.phone_number.update``: the number's assignment to the campaign."""

    def test_an_assignment_is_a_registration(self, adapter: TelnyxAdapter) -> None:
        [update] = _parse(adapter, _number_update(status="success"))
        assert isinstance(update, NumberRegistrationUpdate)
        assert (PhoneNumber.parse(_NUMBER), None) == (update.number, update.provider_ref)
        assert (CarrierRegistration.REGISTERED, "success") == (update.state, update.raw_status)
        assert (None, None) == (update.error_code, update.error_message)
        assert datetime(2026, 12, 6, 20, 59, 58, tzinfo=UTC) == update.occurred_at

    def test_a_failed_assignment_carries_the_reasons(self, adapter: TelnyxAdapter) -> None:
        """Telnyx's words are kept, coded with the assignment status, with what to do."""
        body = _number_update(status="failed", reasons=["Number is not messaging enabled"])
        [update] = _parse(adapter, body)
        assert CarrierRegistration.FAILED == update.state
        assert ASSIGNMENT_FAILURE_CODE == update.error_code
        assert update.error_message.startswith("Number is not messaging enabled. ")
        assert "attach the number" in update.error_message

    @pytest.mark.parametrize(
        ("words", "expected"),
        [
            ({"reasons": [{"description": "Campaign is not active"}]}, "Campaign is not active"),
            ({"failureReasons": "Already assigned elsewhere"}, "Already assigned elsewhere"),
            ({"description": "Assignment failed"}, "Assignment failed"),
            ({}, "Telnyx reported the number's assignment to the campaign failed"),
        ],
    )
    def test_failure_words_wherever_telnyx_puts_them(
        self, adapter: TelnyxAdapter, words: dict[str, Any], expected: str
    ) -> None:
        [update] = _parse(adapter, _number_update(status="failed", **words))
        assert update.error_message.startswith(f"{expected}. ")

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            ("ASSIGNED", CarrierRegistration.REGISTERED),
            ("PENDING_ASSIGNMENT", CarrierRegistration.PENDING),
            ("FAILED_ASSIGNMENT", CarrierRegistration.FAILED),
        ],
    )
    def test_an_assignment_status_is_read_too(
        self, adapter: TelnyxAdapter, status: str, expected: CarrierRegistration
    ) -> None:
        """A payload with the assignment record's ``assignmentStatus`` is read by it."""
        body = _number_update(type="STATUS_UPDATE", assignmentStatus=status)
        [update] = _parse(adapter, body)
        assert (expected, status) == (update.state, update.raw_status)

    @pytest.mark.parametrize(
        "payload",
        [
            {"type": "DELETION", "status": "success"},
            {"type": "TCR_PHONE_NUMBER_UPDATE", "eventType": "DELETION", "status": "success"},
            {"status": "PENDING_UNASSIGNMENT"},
            {"status": "FAILED_UNASSIGNMENT"},
        ],
    )
    def test_leaving_the_campaign_is_acknowledged(
        self, adapter: TelnyxAdapter, payload: dict[str, Any]
    ) -> None:
        """A number leaving its campaign is no registration: nothing to apply."""
        assert [] == _parse(adapter, _number_update(**payload))

    def test_an_unreadable_number_is_refused(self, adapter: TelnyxAdapter) -> None:
        request = _signed(_number_update(status="success", phoneNumber="not a number"))
        with pytest.raises(WebhookPayloadError, match="phoneNumber"):
            adapter.sms_parse_webhook(account(), request)

    def test_another_key_does_not_verify(self, adapter: TelnyxAdapter) -> None:
        request = _signed(_number_update(status="success"), key=SigningKey.generate())
        assert adapter.sms_verify_webhook(account(), request) is False


_BRAND = "97091164-e814-435c-9c1b-14ab2d18e987"


class TestBrandAndCampaignUpdates:
    """Brand and campaign updates name the step to re-read, by the id Telnyx gave it."""

    @pytest.mark.parametrize(
        ("body", "step", "ref"),
        [
            (
                # The event-notifications page's brand example, as published.
                _event(
                    "10dlc.brand.update",
                    {
                        "brandId": _BRAND,
                        "brandName": "Some Brand LLC",
                        "description": "Brand BBRAND1 is added",
                        "eventType": "BRAND_ADD",
                        "status": "success",
                        "tcrBrandId": "BBRAND1",
                        "type": "TCR_BRAND_UPDATE",
                    },
                ),
                RegistrationStep.BRAND,
                _BRAND,
            ),
            (
                _event(
                    "10dlc.campaign.update",
                    {"campaignId": _CAMPAIGN, "type": "MNO_REVIEW", "status": "ACCEPTED"},
                ),
                RegistrationStep.CAMPAIGN,
                _CAMPAIGN,
            ),
            (
                # The campaignStatusUpdate example of spec3.yml and
                # https://developers.telnyx.com/api-reference/callbacks/campaign-status-update
                {
                    "brandId": "d88dd2aa-1bb9-4ef0-9ec8-1752b80316a5",
                    "campaignId": _CAMPAIGN,
                    "type": "TELNYX_EVENT",
                    "description": "Campaign has been marked as dormant",
                    "status": "DORMANT",
                },
                RegistrationStep.CAMPAIGN,
                _CAMPAIGN,
            ),
        ],
        ids=["brand", "campaign", "campaignStatusUpdate"],
    )
    def test_the_step_and_its_id(
        self, adapter: TelnyxAdapter, body: dict[str, Any], step: RegistrationStep, ref: str
    ) -> None:
        [update] = _parse(adapter, body)
        assert isinstance(update, RegistrationStepUpdate)
        assert (step, ref) == (update.step, update.provider_ref)
        assert body.get("data", {}).get("payload", body)["status"] == update.raw["status"]

    def test_the_envelope_dates_it(self, adapter: TelnyxAdapter) -> None:
        body = _event("10dlc.brand.update", {"brandId": _BRAND, "status": "failed"})
        [update] = _parse(adapter, body)
        assert datetime(2026, 12, 6, 20, 59, 58, tzinfo=UTC) == update.occurred_at
        assert "10dlc.brand.update" == update.raw["event_type"]

    @pytest.mark.parametrize(
        ("kind", "field"),
        [("10dlc.brand.update", "brandId"), ("10dlc.campaign.update", "campaignId")],
    )
    def test_an_update_naming_no_id_is_refused(
        self, adapter: TelnyxAdapter, kind: str, field: str
    ) -> None:
        request = _signed(_event(kind, {"status": "success", field: ""}))
        with pytest.raises(WebhookPayloadError, match=field):
            adapter.sms_parse_webhook(account(), request)


class TestWebhookUrlGiven:
    """A brand and a campaign are created with the events URL, where Telnyx posts their news.

    "To receive notifications for brands you need to either provide the webhooks at the
    creation of the brand or you may update an existing brand ... The same applies for
    campaign event notifications" (event-notifications page); ``webhookURL`` of
    ``CreateBrand``, ``UpdateBrand`` and ``CampaignRequest`` in ``spec3.yml``.
    """

    @pytest.mark.parametrize("previous_ref", [None, _BRAND], ids=["created", "corrected"])
    def test_brand(self, make_adapter: MakeAdapter, previous_ref: str | None) -> None:
        record = {"brandId": _BRAND, "status": "REGISTRATION_PENDING"}
        adapter, recorder = make_adapter(lambda _: httpx.Response(200, json=record))
        adapter.sms_submit_brand(account(), sample_brand(), previous_ref, _URL)
        assert _URL == recorder.json()["webhookURL"]

    def test_campaign(self, make_adapter: MakeAdapter) -> None:
        record = {"campaignId": _CAMPAIGN, "brandId": _BRAND, "campaignStatus": "TCR_PENDING"}
        adapter, recorder = make_adapter(lambda _: httpx.Response(200, json=record))
        adapter.sms_submit_campaign(account(), _BRAND, sample_campaign(), None, _URL)
        assert _URL == recorder.json()["webhookURL"]

    def test_every_request_passes_prism(self, telnyx_api_url: str) -> None:
        """With the ``webhookURL``, the package's requests still pass Prism (``spec3.yml``)."""
        violations: list[str] = []

        def check(response: httpx.Response) -> None:
            response.read()
            violations.extend(prism_violations(response))

        with httpx.Client(event_hooks={"response": [check]}, timeout=20) as http:
            adapter = TelnyxAdapter(
                http=http, base_url=telnyx_api_url, environ={"TELNYX_API_KEY": API_KEY}
            )
            adapter.sms_submit_brand(account(), sample_brand(), None, _URL)
            adapter.sms_submit_brand(account(), sample_brand(), _BRAND, _URL)
            adapter.sms_submit_campaign(account(), _BRAND, sample_campaign(), None, _URL)
            adapter.close()
        assert [] == violations

    def test_none_without_a_url(self, make_adapter: MakeAdapter) -> None:
        record = {"brandId": _BRAND, "status": "REGISTRATION_PENDING"}
        adapter, recorder = make_adapter(lambda _: httpx.Response(200, json=record))
        adapter.sms_submit_brand(account(), sample_brand(), None, None)
        assert "webhookURL" not in recorder.json()


# -- through the core's webhook app ----------------------------------------------------------


@pytest.fixture
def stand_in() -> Iterator[TelnyxStandIn]:
    stand_in = TelnyxStandIn(TelnyxState(ManualClock(_NOW)))
    yield stand_in
    stand_in.close()


@pytest.mark.parametrize(
    ("refused", "expected", "code"),
    [
        (False, CarrierRegistration.REGISTERED, None),
        (True, CarrierRegistration.FAILED, ASSIGNMENT_FAILURE_CODE),
    ],
)
def test_an_assignment_reaches_the_line_through_the_app(
    tmp_path: Path,
    stand_in: TelnyxStandIn,
    refused: bool,
    expected: CarrierRegistration,
    code: str | None,
) -> None:
    """Registered over Telnyx, a bought line is pending; the campaign's webhook settles it.

    The stand-in keeps the ``10dlc.phone_number.update`` Telnyx posts to the campaign's
    ``webhookURL`` (the account's events URL, set by the adapter); posted over HTTP to the
    webhook app, it moves the line to registered, or failed with the code.
    """
    driver = TelnyxDriver(stand_in.state, signing_key=_KEY)
    environ = {"TELNYX_API_KEY": STAND_IN_KEY, "TELNYX_PUBLIC_KEY": driver.public_key}
    http = httpx.Client(transport=stand_in.transport())
    adapter = TelnyxAdapter(
        http=http, base_url=STAND_IN_BASE_URL, environ=environ, clock=stand_in.state.clock
    )
    with (
        SmsAdmin.open(
            f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
            plugins=[adapter],
            load_entry_points=False,
            clock=ManualClock(_NOW),
            webhook_base_url="https://sms.example/webhooks",
        ) as admin,
        LoopbackServer() as server,
        server.serving(create_app(admin, path_prefix="/webhooks")),
    ):
        profile = stand_in.state.profile({"name": "Acme Staffing"})
        acme = admin.create_account(
            "acme",
            name="Acme Staffing",
            provider="telnyx",
            provider_settings={"messaging_profile_id": str(profile["id"])},
        )
        acme.users.upsert("admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"])
        acme.users.upsert("rec", first_name="Ann", last_name="Lee")
        acme.registration.register("admin", sample_brand(), sample_campaign())
        reviewed: list[str] = []
        for _ in RegistrationStep:
            status = acme.registration.status()
            for step in (status.brand, status.campaign):
                if step.status is StepStatus.IN_PROGRESS and step.provider_ref:
                    driver.complete_registration(acme.account, step.step, step.provider_ref)
                    reviewed.append(step.provider_ref)
            acme.registration.sync()
        assert acme.registration.status().send_ready
        with httpx.Client() as client:
            # The brand's and campaign's own updates reach the events URL: acknowledged.
            for ref in reviewed:
                for update in driver.registration_webhooks(ref):
                    answer = client.post(
                        server.url("/webhooks/acme/events"),
                        content=update.body,
                        headers=update.headers,
                    )
                    assert 200 == answer.status_code
        assert 2 == len(reviewed)
        if refused:
            failure = Failure(reason="Number is not messaging enabled", code="any")
            stand_in.state.fail_next("assignment", failure)
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="415", limit=1))
        acme.numbers.purchase("admin", offer.number, ["rec"], accept_terms=True)
        [summary] = acme.numbers.list()
        assert CarrierRegistration.PENDING == summary.line.carrier_registration

        line = summary.line
        held = ProvisionedNumber(number=line.number, provider_ref=line.provider_ref or "")
        [webhook] = driver.number_registration_webhooks(acme.account, held)
        assert "https://sms.example/webhooks/acme/events" == webhook.url
        with httpx.Client() as client:
            answer = client.post(
                server.url("/webhooks/acme/events"), content=webhook.body, headers=webhook.headers
            )
        assert 200 == answer.status_code
        [summary] = acme.numbers.list()
        assert expected == summary.line.carrier_registration
        assert code == summary.line.carrier_error_code
    http.close()


class TestStandInEvents:
    """The stand-in keeps the 10DLC update Telnyx posts whenever a review ends."""

    def test_a_failed_brand_and_campaign_carry_their_reasons(self) -> None:
        state = TelnyxState(ManualClock(_NOW))
        driver = TelnyxDriver(state, signing_key=_KEY)
        brand = state.brand({"displayName": "Acme Staffing", "entityType": "PRIVATE_PROFIT"})
        state.fail_next("brand", Failure(reason="EIN does not match", code="TAX_ID"))
        state.review(brand["brandId"])
        [failed] = driver.registration_webhooks(brand["brandId"])
        data = json.loads(failed.body)["data"]
        assert "10dlc.brand.update" == data["event_type"]
        assert ("REGISTRATION", "failed", ["EIN does not match"]) == (
            data["payload"]["type"],
            data["payload"]["status"],
            data["payload"]["reasons"],
        )
        state.brands[brand["brandId"]]["status"] = "OK"
        campaign = state.campaign({"brandId": brand["brandId"], "webhookURL": _URL})
        state.review(campaign["campaignId"])
        [accepted] = driver.registration_webhooks(campaign["campaignId"])
        payload = json.loads(accepted.body)["data"]["payload"]
        assert _URL == accepted.url
        assert ("MNO_REVIEW", "ACCEPTED") == (payload["type"], payload["status"])
        assert [] == driver.registration_webhooks(campaign["campaignId"])


class TestStepNewsThroughTheApp:
    """A brand or campaign update posted to the events URL moves the stored step, once."""

    @pytest.fixture
    def events(self) -> HostEventLog:
        return HostEventLog()

    @pytest.fixture
    def driver(self, stand_in: TelnyxStandIn) -> TelnyxDriver:
        return TelnyxDriver(stand_in.state, signing_key=_KEY)

    @pytest.fixture
    def admin(
        self,
        database_url: str,
        stand_in: TelnyxStandIn,
        driver: TelnyxDriver,
        events: HostEventLog,
    ) -> Iterator[SmsAdmin]:
        environ = {"TELNYX_API_KEY": STAND_IN_KEY, "TELNYX_PUBLIC_KEY": driver.public_key}
        with httpx.Client(transport=stand_in.transport()) as http:
            adapter = TelnyxAdapter(
                http=http, base_url=STAND_IN_BASE_URL, environ=environ, clock=stand_in.state.clock
            )
            with SmsAdmin.open(
                database_url,
                plugins=[adapter, events],
                load_entry_points=False,
                clock=ManualClock(_NOW),
                webhook_base_url="https://sms.example/webhooks",
            ) as opened:
                yield opened

    @pytest.fixture
    def server(self, admin: SmsAdmin) -> Iterator[LoopbackServer]:
        with LoopbackServer() as server, server.serving(create_app(admin, path_prefix="/webhooks")):
            yield server

    @pytest.fixture
    def acme(self, admin: SmsAdmin, stand_in: TelnyxStandIn) -> AccountAdmin:
        """Registered over Telnyx: the brand under review."""
        profile = stand_in.state.profile({"name": "Acme Staffing"})
        acme = admin.create_account(
            "acme",
            name="Acme Staffing",
            provider="telnyx",
            provider_settings={"messaging_profile_id": str(profile["id"])},
        )
        acme.users.upsert("admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"])
        acme.registration.register("admin", sample_brand(), sample_campaign())
        return acme

    def test_campaign_update_moves_the_step_once(
        self,
        acme: AccountAdmin,
        driver: TelnyxDriver,
        server: LoopbackServer,
        events: HostEventLog,
    ) -> None:
        """Telnyx's brand, then campaign update (each posted twice) approve each step once.

        The stand-in keeps the ``10dlc.brand.update`` and ``10dlc.campaign.update`` Telnyx
        posts when a review ends (event-notifications page) to the ``webhookURL`` the adapter
        gave the brand and campaign: the events URL. Posted there over HTTP, the core re-reads
        the step from Telnyx, stores the approval and tells the host once.
        """
        brand_ref = acme.registration.status().brand.provider_ref or ""
        driver.complete_registration(acme.account, RegistrationStep.BRAND, brand_ref)
        brand_news = driver.registration_webhooks(brand_ref)
        assert {"https://sms.example/webhooks/acme/events"} == {w.url for w in brand_news}
        assert [200, 200] == _post_twice(server, brand_news)
        assert StepStatus.APPROVED == acme.registration.status().brand.status

        acme.registration.sync()  # submits the campaign under the approved brand
        campaign_ref = acme.registration.status().campaign.provider_ref or ""
        assert StepStatus.IN_PROGRESS == acme.registration.status().campaign.status
        driver.complete_registration(acme.account, RegistrationStep.CAMPAIGN, campaign_ref)
        campaign_news = driver.registration_webhooks(campaign_ref)
        assert {"https://sms.example/webhooks/acme/events"} == {w.url for w in campaign_news}
        assert [200, 200] == _post_twice(server, campaign_news)
        assert StepStatus.APPROVED == acme.registration.status().campaign.status

        brand, campaign = RegistrationStep.BRAND, RegistrationStep.CAMPAIGN
        assert [
            (brand, StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS),
            (brand, StepStatus.IN_PROGRESS, StepStatus.APPROVED),
            (campaign, StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS),
            (campaign, StepStatus.IN_PROGRESS, StepStatus.APPROVED),
        ] == [
            (event.step, event.old_status, event.new_status)
            for event in events.of(RegistrationStepChanged)
        ]

    def test_another_campaign_is_not_found(
        self, acme: AccountAdmin, driver: TelnyxDriver, server: LoopbackServer
    ) -> None:
        """An update about a campaign the account does not have is a 404 and changes nothing."""
        body = _event("10dlc.campaign.update", {"campaignId": _CAMPAIGN, "status": "ACCEPTED"})
        stamp = int(_NOW.timestamp())
        request = signed_request(_URL, body, _KEY, stamp)
        before = acme.registration.status()
        assert [404] == _post_twice(server, [request])[:1]
        assert before == acme.registration.status()


def _post_twice(server: LoopbackServer, requests: list[WebhookRequest]) -> list[int]:
    """Post each webhook to the events URL twice (a replay); the status codes."""
    assert requests, "the stand-in kept no webhook"
    with httpx.Client() as client:
        return [
            client.post(
                server.url("/webhooks/acme/events"), content=request.body, headers=request.headers
            ).status_code
            for request in requests
            for _ in range(2)
        ]

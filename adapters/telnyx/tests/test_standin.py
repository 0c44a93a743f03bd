"""The Telnyx stand-in: Prism checks what the official package sends, the state answers.

Every call here is made with the official ``telnyx`` package over the stand-in's transport, so
the requests are the ones an adapter's hooks make; each must pass Prism serving Telnyx's
trimmed description. Shapes and statuses come from ``spec3.yml`` (the schemas named in
:mod:`sms_telnyx.testing.standin`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
import telnyx
from telnyx.lib import webhook_verification

from sms_core import Account, ManualClock
from sms_core.domain import (
    DeliveryStatus,
    FailureReason,
    OutboundMessage,
    PhoneNumber,
    RegistrationStep,
    SendReceipt,
    StatusUpdate,
)
from sms_core.exceptions import ProviderTimeoutError
from sms_core.testing.prism import PrismServer
from sms_telnyx import TelnyxAdapter
from sms_telnyx.testing.driver import TelnyxDriver
from sms_telnyx.testing.standin import API_KEY, STAND_IN_BASE_URL, TelnyxStandIn, TelnyxState
from sms_telnyx.webhooks import verify_webhook

_NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
_ACCOUNT = Account(id="acme", name="Acme", provider="telnyx")


@pytest.fixture
def stand_in(telnyx_prism: PrismServer) -> Iterator[TelnyxStandIn]:
    """A fresh stand-in validated by the session's Prism; no violation may be left."""
    stand_in = TelnyxStandIn(TelnyxState(ManualClock(_NOW)), prism=telnyx_prism.base_url)
    yield stand_in
    stand_in.close()


@pytest.fixture
def client(stand_in: TelnyxStandIn) -> Iterator[telnyx.Telnyx]:
    """The official package, sending through the stand-in, never retrying."""
    http = httpx.Client(transport=stand_in.transport())
    yield telnyx.Telnyx(
        api_key=API_KEY, public_key="", base_url=STAND_IN_BASE_URL, http_client=http, max_retries=0
    )
    http.close()


@pytest.fixture
def driver(stand_in: TelnyxStandIn) -> TelnyxDriver:
    return TelnyxDriver(stand_in.state)


def _dump(answer: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = answer.to_dict(warnings=False)
    return dumped


def test_stand_in_is_validated(stand_in: TelnyxStandIn) -> None:
    """Given Prism, the stand-in checks every request with it."""
    assert stand_in.validated
    assert not TelnyxStandIn(TelnyxState()).validated


def test_request_prism_refuses_is_a_violation(stand_in: TelnyxStandIn) -> None:
    """A send the description forbids (no ``to``) is kept as a violation and gets Prism's 4xx.

    ``CreateMessageRequest`` requires ``to`` (``spec3.yml``).
    """
    with httpx.Client(transport=stand_in.transport()) as http:
        answer = http.post(
            f"{STAND_IN_BASE_URL}/messages",
            json={"from": "+14155550100", "text": "Hi"},
            headers={"Authorization": f"Bearer {API_KEY}"},
        )
    assert 400 <= answer.status_code < 500
    [violation] = stand_in.take_violations()
    assert ("POST", "/v2/messages") == (violation.method, violation.path)
    assert not stand_in.state.messages, "a refused request changes nothing"


def test_unknown_api_key_is_refused(stand_in: TelnyxStandIn) -> None:
    """A key the stand-in does not know gets 401 with 10009, "Authentication failed"."""
    http = httpx.Client(transport=stand_in.transport())
    stranger = telnyx.Telnyx(
        api_key="KEYsomeoneelse", base_url=STAND_IN_BASE_URL, http_client=http, max_retries=0
    )
    with pytest.raises(telnyx.AuthenticationError) as caught:
        stranger.messages.retrieve("40385f64-5717-4562-b3fc-2c963f66afa6")
    assert "10009" in json.dumps(caught.value.body)
    assert [] == stand_in.take_violations()


def _line(stand_in: TelnyxStandIn, driver: TelnyxDriver, *, on_campaign: bool) -> str:
    number = stand_in.state.available({"filter[national_destination_code]": "206"})[0]
    line = PhoneNumber.parse(number["phone_number"])
    driver.add_line(line, campaign_id="campaign-1" if on_campaign else None)
    return line.e164


def test_message_moves_from_queued_to_delivered(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, driver: TelnyxDriver
) -> None:
    """A text from a line on a campaign is queued, then sent and delivered as reported."""
    sender = _line(stand_in, driver, on_campaign=True)
    sent = _dump(client.messages.send(from_=sender, to="+12065550142", text="Hi Sam"))["data"]
    assert "queued" == sent["to"][0]["status"]
    message = OutboundMessage(
        message_id="m-1",
        sender=PhoneNumber.parse(sender),
        recipient=PhoneNumber.parse("+12065550142"),
        body="Hi Sam",
    )
    receipt = SendReceipt(
        provider_message_id=sent["id"], status=DeliveryStatus.QUEUED, raw_status="queued"
    )
    driver.status_webhook(_ACCOUNT, message, receipt, DeliveryStatus.SENT)
    driver.status_webhook(_ACCOUNT, message, receipt, DeliveryStatus.DELIVERED)
    fetched = _dump(client.messages.retrieve(sent["id"]))["data"]
    assert ("delivered", []) == (fetched["to"][0]["status"], fetched["errors"])
    assert fetched["completed_at"]
    assert [] == stand_in.take_violations()


def test_text_from_a_line_on_no_campaign_fails_with_40013(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, driver: TelnyxDriver
) -> None:
    """It is accepted, then fails ``sending_failed`` with 40013, "Invalid source number"."""
    sender = _line(stand_in, driver, on_campaign=False)
    sent = _dump(client.messages.send(from_=sender, to="+12065550142", text="Hi"))["data"]
    fetched = _dump(client.messages.retrieve(sent["id"]))["data"]
    assert "sending_failed" == fetched["to"][0]["status"]
    assert "40013" == fetched["errors"][0]["code"]
    assert [] == stand_in.take_violations()


def test_opted_out_recipient_is_refused_with_40300(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, driver: TelnyxDriver
) -> None:
    """https://developers.telnyx.com/api/errors/40300: HTTP 409, nothing is sent."""
    sender = _line(stand_in, driver, on_campaign=True)
    driver.opt_out_at_carrier(
        _ACCOUNT, PhoneNumber.parse(sender), PhoneNumber.parse("+12065550199")
    )
    with pytest.raises(telnyx.ConflictError) as caught:
        client.messages.send(from_=sender, to="+12065550199", text="Hi")
    assert "40300" == caught.value.body["errors"][0]["code"]  # type: ignore[index]
    assert not stand_in.state.messages


def test_numbers_are_searched_ordered_configured_and_released(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx
) -> None:
    """The package's calls for provisioning all pass Prism and change the state."""
    found = _dump(
        client.available_phone_numbers.list(
            filter={
                "country_code": "US",
                "national_destination_code": "415",
                "phone_number": {"contains": "2468"},
                "features": ["sms", "voice"],
                "limit": 5,
            }
        )
    )["data"]
    assert found
    assert all("2468" in offer["phone_number"] for offer in found)
    assert all(offer["phone_number"].startswith("+1415") for offer in found)
    in_ca = _dump(client.available_phone_numbers.list(filter={"administrative_area": "CA"}))
    assert in_ca["data"]
    wanted = found[0]["phone_number"]
    profile = _dump(client.messaging_profiles.create(name="Acme", whitelisted_destinations=["US"]))[
        "data"
    ]
    order = _dump(
        client.number_orders.create(
            phone_numbers=[{"phone_number": wanted}], messaging_profile_id=profile["id"]
        )
    )["data"]
    assert "success" == _dump(client.number_orders.retrieve(order["id"]))["data"]["status"]
    again = _dump(client.available_phone_numbers.list(filter={"national_destination_code": "415"}))
    assert wanted not in {offer["phone_number"] for offer in again["data"]}
    # Digits only: a "+" finds nothing (ListPhoneNumbers' filter[phone_number], spec3.yml).
    assert [] == _dump(client.phone_numbers.list(filter={"phone_number": wanted}))["data"]
    digits = wanted.removeprefix("+")
    [owned] = _dump(client.phone_numbers.list(filter={"phone_number": digits}))["data"]
    assert profile["id"] == owned["messaging_profile_id"]
    client.phone_numbers.voice.update(
        owned["id"],
        call_forwarding={"call_forwarding_enabled": True, "forwards_to": "+13125550175"},
    )
    voice = _dump(client.phone_numbers.voice.retrieve(owned["id"]))["data"]
    assert "+13125550175" == voice["call_forwarding"]["forwards_to"]
    client.messaging_profiles.update(profile["id"], webhook_url="https://hooks.example/in")
    assert "https://hooks.example/in" == stand_in.state.profiles[profile["id"]]["webhook_url"]
    client.phone_numbers.delete(owned["id"])
    with pytest.raises(telnyx.NotFoundError):
        client.phone_numbers.retrieve(owned["id"])
    assert [] == stand_in.take_violations()


def test_pending_order_finishes_when_the_driver_says(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, driver: TelnyxDriver
) -> None:
    """An order stays ``pending`` (and its number unowned) until it is completed."""
    stand_in.state.complete_orders_at_once = False
    wanted = stand_in.state.available({"filter[national_destination_code]": "312"})[0]
    order = _dump(
        client.number_orders.create(phone_numbers=[{"phone_number": wanted["phone_number"]}])
    )
    assert "pending" == order["data"]["status"]
    assert stand_in.state.line(wanted["phone_number"]) is None
    driver.complete_number_order(order["data"]["id"])
    assert "success" == _dump(client.number_orders.retrieve(order["data"]["id"]))["data"]["status"]
    assert stand_in.state.line(wanted["phone_number"]) is not None
    assert [] == stand_in.take_violations()


def _brand(client: telnyx.Telnyx) -> dict[str, Any]:
    return _dump(
        client.messaging_10dlc.brand.create(
            country="US",
            display_name="Northwind Staffing",
            company_name="Northwind Staffing LLC",
            email="compliance@northwind.example",
            entity_type="PRIVATE_PROFIT",
            vertical="PROFESSIONAL",
            ein="12-3456789",
        )
    )


def test_brand_review_is_approved_or_failed(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, driver: TelnyxDriver
) -> None:
    """A brand waits ``REGISTRATION_PENDING``; the driver approves it or fails it with reasons.

    A refused brand's feedback names the category (``TAX_ID``) and the words.
    """
    brand = _brand(client)
    assert "REGISTRATION_PENDING" == brand["status"]
    driver.complete_registration(_ACCOUNT, RegistrationStep.BRAND, brand["brandId"])
    approved = _dump(client.messaging_10dlc.brand.retrieve(brand["brandId"]))
    assert ("OK", "VERIFIED") == (approved["status"], approved["identityStatus"])
    refused = _brand(client)
    code = driver.review_failure_code(RegistrationStep.BRAND)
    driver.fail_next_registration(_ACCOUNT, RegistrationStep.BRAND, "EIN mismatch", code)
    driver.complete_registration(_ACCOUNT, RegistrationStep.BRAND, refused["brandId"])
    failed = _dump(client.messaging_10dlc.brand.retrieve(refused["brandId"]))
    assert ("REGISTRATION_FAILED", "EIN mismatch") == (failed["status"], failed["failureReasons"])
    feedback = _dump(client.messaging_10dlc.brand.get_feedback(refused["brandId"]))
    assert [("TAX_ID", "EIN mismatch")] == [
        (item["id"], item["description"]) for item in feedback["category"]
    ]
    assert [] == stand_in.take_violations()


def test_campaign_and_number_assignment_are_reviewed(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, driver: TelnyxDriver
) -> None:
    """A campaign is provisioned, and a number then assigned to it, once reviewed.

    The statuses are enums of ``TelnyxCampaign_CSP.campaignStatus`` and
    ``PhoneNumberCampaign.assignmentStatus`` in ``spec3.yml``.
    """
    brand = _brand(client)
    driver.complete_registration(_ACCOUNT, RegistrationStep.BRAND, brand["brandId"])
    campaign = _dump(
        client.messaging_10dlc.campaign_builder.submit(
            brand_id=brand["brandId"],
            usecase="CUSTOMER_CARE",
            description="Shift offers and interview scheduling for candidates of a staffing firm.",
            sample1="Hi Sam, this is Dana from Northwind Staffing. Reply STOP to opt out.",
            sample2="Your interview is Tuesday at 10. Reply STOP to opt out.",
            message_flow="Candidates opt in on the application form.",
        )
    )
    assert "TCR_PENDING" == campaign["campaignStatus"]
    driver.complete_registration(_ACCOUNT, RegistrationStep.CAMPAIGN, campaign["campaignId"])
    reviewed = _dump(client.messaging_10dlc.campaign.retrieve(campaign["campaignId"]))
    assert "MNO_PROVISIONED" == reviewed["campaignStatus"]
    stand_in.state.complete_assignments_at_once = False
    line = stand_in.state.available({"filter[national_destination_code]": "510"})[0]
    driver.add_line(PhoneNumber.parse(line["phone_number"]))
    assigned = _dump(
        client.messaging_10dlc.phone_number_campaigns.create(
            campaign_id=campaign["campaignId"], phone_number=line["phone_number"]
        )
    )
    assert "PENDING_ASSIGNMENT" == assigned["assignmentStatus"]
    driver.complete_registration(_ACCOUNT, RegistrationStep.MESSAGING_SERVICE, line["phone_number"])
    settled = _dump(client.messaging_10dlc.phone_number_campaigns.retrieve(line["phone_number"]))
    assert "ASSIGNED" == settled["assignmentStatus"]
    assert [] == stand_in.take_violations()


def test_campaign_of_an_unapproved_brand_is_refused(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx
) -> None:
    """The campaign builder refuses a brand still under review, and nothing is stored."""
    brand = _brand(client)
    with pytest.raises(telnyx.BadRequestError):
        client.messaging_10dlc.campaign_builder.submit(
            brand_id=brand["brandId"], usecase="CUSTOMER_CARE", description="Shift offers."
        )
    assert not stand_in.state.campaigns


def test_webhooks_verify_with_the_official_package(
    stand_in: TelnyxStandIn, driver: TelnyxDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The driver's signatures pass ``telnyx.lib.webhook_verification`` and the adapter's check.

    The package's verifier reads ``time.time()``; it is pinned to the stand-in's clock.
    """
    pinned = SimpleNamespace(time=_NOW.timestamp)
    monkeypatch.setattr("telnyx.lib.webhook_verification.time", pinned)
    line = driver.add_line(PhoneNumber.parse("+14155550111"))
    request = driver.inbound_message_webhook(
        _ACCOUNT, PhoneNumber.parse("+12065550142"), line, "Sí, gracias 👍"
    )
    webhook_verification.verify_webhook_signature(request.body, request.headers, driver.public_key)
    assert verify_webhook(request, driver.public_key, _NOW)
    forged = driver.sign_with_other_secret(_ACCOUNT, request)
    with pytest.raises(webhook_verification.WebhookVerificationError):
        webhook_verification.verify_webhook_signature(
            forged.body, forged.headers, driver.public_key
        )
    assert not verify_webhook(forged, driver.public_key, _NOW)


def test_delivery_failure_codes_are_telnyx_delivery_codes(driver: TelnyxDriver) -> None:
    """40006 "Recipient unavailable" and 40002 "Blocked as spam" (messaging error codes page)."""
    assert "40006" == driver.delivery_failure_code(FailureReason.UNREACHABLE)
    assert "40002" == driver.delivery_failure_code(FailureReason.FILTERED)


def test_changed_brand_is_reviewed_again(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, driver: TelnyxDriver
) -> None:
    """A refused brand changed with ``PUT /10dlc/brand/{brandId}`` waits for review again."""
    brand = _brand(client)
    driver.fail_next_registration(_ACCOUNT, RegistrationStep.BRAND, "EIN mismatch", "TAX_ID")
    driver.complete_registration(_ACCOUNT, RegistrationStep.BRAND, brand["brandId"])
    changed = _dump(
        client.messaging_10dlc.brand.update(
            brand["brandId"],
            country="US",
            display_name="Northwind Staffing",
            email="compliance@northwind.example",
            entity_type="PRIVATE_PROFIT",
            vertical="PROFESSIONAL",
            ein="98-7654321",
        )
    )
    assert ("REGISTRATION_PENDING", None) == (changed["status"], changed.get("failureReasons"))
    driver.complete_registration(_ACCOUNT, RegistrationStep.BRAND, brand["brandId"])
    assert "OK" == _dump(client.messaging_10dlc.brand.retrieve(brand["brandId"]))["status"]
    feedback = _dump(client.messaging_10dlc.brand.get_feedback(brand["brandId"]))
    assert [] == feedback["category"]
    assert [] == stand_in.take_violations()


@pytest.mark.parametrize("how", ["502", "drop"])
def test_lost_send_is_made_once_and_settled_by_its_webhook(
    stand_in: TelnyxStandIn, driver: TelnyxDriver, how: str
) -> None:
    """A send whose answer is lost raises ProviderTimeoutError; the text exists once.

    Its ``message.finalized`` webhook then names the SDK's message (``sms_message_id`` in the
    ``webhook_url`` the send gave), so it is settled without a second send.
    """
    sender = _line(stand_in, driver, on_campaign=True)
    http = httpx.Client(transport=stand_in.transport())
    adapter = TelnyxAdapter(
        http=http,
        base_url=STAND_IN_BASE_URL,
        environ={"TELNYX_API_KEY": API_KEY, "TELNYX_PUBLIC_KEY": driver.public_key},
        clock=ManualClock(_NOW),
    )
    account = Account(id="acme", name="Acme", provider="telnyx")
    message = OutboundMessage(
        message_id="sdk-lost-1",
        sender=PhoneNumber.parse(sender),
        recipient=PhoneNumber.parse("+12065550142"),
        body="Hi Sam",
        status_callback_url="https://hooks.example/sms/status",
    )
    stand_in.lose_next_sends(how)
    with pytest.raises(ProviderTimeoutError):
        adapter.sms_send_message(account, message)
    [made] = stand_in.state.messages.values()
    receipt = SendReceipt(
        provider_message_id=made["id"], status=DeliveryStatus.QUEUED, raw_status="queued"
    )
    report = driver.status_webhook(account, message, receipt, DeliveryStatus.DELIVERED)
    assert adapter.sms_verify_webhook(account, report)
    [update] = adapter.sms_parse_webhook(account, report) or []
    assert isinstance(update, StatusUpdate)
    assert ("sdk-lost-1", made["id"]) == (update.message_id, update.provider_message_id)
    assert 1 == len(stand_in.state.messages), "the send was not repeated"
    assert [] == stand_in.take_violations()
    adapter.close()
    http.close()


def test_number_on_a_provisioned_campaign_is_assigned_at_once(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, driver: TelnyxDriver
) -> None:
    """By default an assignment to a provisioned campaign is ``ASSIGNED``, and the line sends."""
    brand = _brand(client)
    driver.complete_registration(_ACCOUNT, RegistrationStep.BRAND, brand["brandId"])
    campaign = _dump(
        client.messaging_10dlc.campaign_builder.submit(
            brand_id=brand["brandId"], usecase="CUSTOMER_CARE", description="Shift offers."
        )
    )
    driver.complete_registration(_ACCOUNT, RegistrationStep.CAMPAIGN, campaign["campaignId"])
    sender = _line(stand_in, driver, on_campaign=False)
    assigned = _dump(
        client.messaging_10dlc.phone_number_campaigns.create(
            campaign_id=campaign["campaignId"], phone_number=sender
        )
    )
    assert "ASSIGNED" == assigned["assignmentStatus"]
    sent = _dump(client.messages.send(from_=sender, to="+12065550142", text="Hi"))["data"]
    assert "queued" == sent["to"][0]["status"]
    assert [] == stand_in.take_violations()


def test_brand_2fa_email_is_resent_with_an_empty_answer(driver: TelnyxDriver) -> None:
    """``POST /10dlc/brand/{brandId}/2faEmail`` answers 200 without a body (spec3.yml).

    Without Prism: the path is added to the trimmed description by the registration work.
    """
    stand_in = TelnyxStandIn(driver_state := TelnyxState(ManualClock(_NOW)))
    brand = driver_state.brand({"displayName": "Northwind", "entityType": "PUBLIC_PROFIT"})
    with httpx.Client(transport=stand_in.transport()) as http:
        answer = http.post(
            f"{STAND_IN_BASE_URL}/10dlc/brand/{brand['brandId']}/2faEmail",
            headers={"Authorization": f"Bearer {API_KEY}"},
        )
        unknown = http.post(
            f"{STAND_IN_BASE_URL}/10dlc/brand/no-such-brand/2faEmail",
            headers={"Authorization": f"Bearer {API_KEY}"},
        )
    assert (200, b"") == (answer.status_code, answer.content)
    assert 1 == driver_state.brands[brand["brandId"]]["_2fa_emails"]
    assert 404 == unknown.status_code


def test_detail_records_find_a_message_by_the_url_it_reports_to(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx, driver: TelnyxDriver
) -> None:
    """Every message has a detail record, filtered exactly or by ``[contains]`` on its fields.

    "Telnyx creates an MDR when a message is submitted"
    (https://developers.telnyx.com/docs/messaging/messages/message-detail-records); the record's
    ``delivery_status_webhook_url`` is the message's ``webhook_url`` (``MessageDetailRecord``).
    """
    sender = _line(stand_in, driver, on_campaign=True)
    for sdk_id in ("m-1", "m-2"):
        client.messages.send(
            from_=sender,
            to="+12065550142",
            text="Hi Sam",
            webhook_url=f"https://hooks.example/sms/status?sms_message_id={sdk_id}",
        )
    found = _dump(
        client.detail_records.list(
            filter=cast(
                "Any",
                {
                    "record_type": "messaging",
                    "cli": sender,
                    "delivery_status_webhook_url": {"contains": "sms_message_id=m-2"},
                },
            )
        )
    )["data"]
    [record] = found
    held = [m for m in stand_in.state.messages.values() if m["webhook_url"].endswith("m-2")]
    assert (held[0]["id"], sender, "+12065550142") == (record["uuid"], record["cli"], record["cld"])
    assert [] == stand_in.take_violations()


def test_detail_records_refuse_a_field_messaging_records_lack(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx
) -> None:
    """A filter on a field messaging records do not have is a 400.

    "Filtering by a field that does not exist for the selected record_type is rejected with a
    400 error" (``detail_records.list``'s ``filter`` in the ``telnyx`` package).
    """
    with pytest.raises(telnyx.BadRequestError):
        client.detail_records.list(
            filter=cast("Any", {"record_type": "messaging", "call_duration": "5"})
        )


def test_number_orders_are_listed_by_reference_and_updated(
    stand_in: TelnyxStandIn, client: telnyx.Telnyx
) -> None:
    """``customer_reference`` is set on the order, filtered on exactly, and can be changed."""
    wanted = stand_in.state.available({"filter[national_destination_code]": "312"})[0]
    created = _dump(
        client.number_orders.create(
            phone_numbers=[{"phone_number": wanted["phone_number"]}], customer_reference="ref-1"
        )
    )["data"]
    listed = _dump(client.number_orders.list(filter={"customer_reference": "ref-1"}))["data"]
    assert [created["id"]] == [order["id"] for order in listed]
    client.number_orders.update(created["id"], customer_reference="ref-1:configured")
    assert [] == _dump(client.number_orders.list(filter={"customer_reference": "ref-1"}))["data"]
    again = _dump(client.number_orders.retrieve(created["id"]))["data"]
    assert "ref-1:configured" == again["customer_reference"]
    assert [] == stand_in.take_violations()
